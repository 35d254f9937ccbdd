#include "core/decode/viterbi.h"

#include <cmath>
#include <limits>

namespace nn {

namespace {

// Returns false when no sequence satisfies the rules and constraints (only possible with constraints).
bool Decode(const float* probabilities, size_t count, const TransitionRules& rules,
            const ViterbiConstraints* constraints, std::vector<size_t>* tags) {
  tags->assign(count, 0);
  if (count == 0) return true;
  const size_t k = rules.size();
  constexpr double kImpossible = -std::numeric_limits<double>::infinity();
  // A floor keeps log(0) finite, so a certain-looking but forbidden tag never wins by default.
  auto emission = [&](size_t row, size_t tag) { return std::log(std::max(1e-30, double(probabilities[row * k + tag]))); };
  const bool masked = constraints && !constraints->allowed.empty();
  const bool linked = constraints && !constraints->links.empty();
  auto may_take = [&](size_t row, size_t tag) { return !masked || constraints->allowed[row * k + tag] != 0; };
  auto may_follow = [&](size_t row, size_t previous, size_t tag) {
    if (!rules.Allows(previous, tag)) return false;
    if (!linked) return true;
    switch (constraints->links[row]) {
      case ViterbiLink::kFree: return true;
      case ViterbiLink::kBreak: return !rules.Continues(previous, tag);
      case ViterbiLink::kContinue: return rules.Continues(previous, tag);
    }
    return true;
  };

  std::vector<double> best(k), next(k);
  std::vector<uint32_t> back(count * k, 0);
  for (size_t t = 0; t < k; ++t) best[t] = rules.CanStart(t) && may_take(0, t) ? emission(0, t) : kImpossible;
  for (size_t row = 1; row < count; ++row) {
    for (size_t t = 0; t < k; ++t) {
      double top = kImpossible;
      uint32_t from = 0;
      if (may_take(row, t)) {
        for (size_t p = 0; p < k; ++p) {
          if (best[p] > top && may_follow(row, p, t)) {
            top = best[p];
            from = static_cast<uint32_t>(p);
          }
        }
      }
      next[t] = top == kImpossible ? kImpossible : top + emission(row, t);
      back[row * k + t] = from;
    }
    best.swap(next);
  }
  size_t last = 0;
  double top = kImpossible;
  for (size_t t = 0; t < k; ++t) {
    if (rules.CanEnd(t) && best[t] > top) {
      top = best[t];
      last = t;
    }
  }
  if (top == kImpossible && constraints) return false;
  for (size_t row = count; row-- > 0;) {
    (*tags)[row] = last;
    last = back[row * k + last];
  }
  return true;
}

}  // namespace

void ViterbiDecode(const float* probabilities, size_t count, const TransitionRules& rules, std::vector<size_t>* tags) {
  Decode(probabilities, count, rules, nullptr, tags);
}

void ViterbiDecode(const float* probabilities, size_t count, const TransitionRules& rules,
                   const ViterbiConstraints& constraints, std::vector<size_t>* tags) {
  const bool sized = (constraints.allowed.empty() || constraints.allowed.size() == count * rules.size()) &&
                     (constraints.links.empty() || constraints.links.size() == count);
  if (constraints.empty() || !sized || !Decode(probabilities, count, rules, &constraints, tags)) {
    Decode(probabilities, count, rules, nullptr, tags);
  }
}

}  // namespace nn
