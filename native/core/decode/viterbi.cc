#include "core/decode/viterbi.h"

#include <cmath>
#include <limits>

namespace nn {

void ViterbiDecode(const float* probabilities, size_t count, const TransitionRules& rules, std::vector<size_t>* tags) {
  tags->assign(count, 0);
  if (count == 0) return;
  const size_t k = rules.size();
  constexpr double kImpossible = -std::numeric_limits<double>::infinity();
  // A floor keeps log(0) finite, so a certain-looking but forbidden tag never wins by default.
  auto emission = [&](size_t row, size_t tag) { return std::log(std::max(1e-30, double(probabilities[row * k + tag]))); };

  std::vector<double> best(k), next(k);
  std::vector<uint32_t> back(count * k, 0);
  for (size_t t = 0; t < k; ++t) best[t] = rules.CanStart(t) ? emission(0, t) : kImpossible;
  for (size_t row = 1; row < count; ++row) {
    for (size_t t = 0; t < k; ++t) {
      double top = kImpossible;
      uint32_t from = 0;
      for (size_t p = 0; p < k; ++p) {
        if (best[p] > top && rules.Allows(p, t)) {
          top = best[p];
          from = static_cast<uint32_t>(p);
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
  for (size_t row = count; row-- > 0;) {
    (*tags)[row] = last;
    last = back[row * k + last];
  }
}

}  // namespace nn
