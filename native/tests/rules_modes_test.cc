// The mode resolution sweep (rules/modes.h) against the simple version it replaced, which compares every kept match
// with every model entity; kept here as the oracle.
#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "core/rules/modes.h"
#include "tests/check.h"

namespace nn::rules {
namespace {

bool Overlap(const Span& a, const Span& b) { return a.start < b.end && b.start < a.end; }

// RuleSet::Apply's step 4 as first written: each override/veto removes the model spans it overlaps, then each fill
// is kept where no model span left overlaps it.
ModeResolution Quadratic(const std::vector<Span>& model, const std::vector<Span>& blocking,
                         const std::vector<Span>& fills) {
  ModeResolution result;
  result.model_removed.assign(model.size(), false);
  for (const Span& b : blocking) {
    for (size_t m = 0; m < model.size(); ++m) {
      if (Overlap(model[m], b)) result.model_removed[m] = true;
    }
  }
  for (const Span& f : fills) {
    bool model_there = false;
    for (size_t m = 0; m < model.size(); ++m) model_there = model_there || (!result.model_removed[m] && Overlap(model[m], f));
    result.fill_kept.push_back(!model_there);
  }
  return result;
}

// Random kept matches (disjoint, non-empty, each blocking or fill, in shuffled order as competition leaves them) and
// model spans (nested, overlapping, empty, duplicated, in any order) over a text of `length` units.
struct Case {
  std::vector<Span> model, blocking, fills;
};

Case RandomCase(std::mt19937& rng, uint32_t length, size_t matches, size_t entities) {
  Case c;
  std::uniform_int_distribution<uint32_t> pos(0, length - 1), len(1, 12), gap(0, 6);
  std::vector<Span> kept;
  for (uint32_t at = gap(rng); kept.size() < matches && at < length; at += gap(rng)) {
    const uint32_t end = std::min(length, at + len(rng));
    kept.push_back(Span{at, end});
    at = end;
  }
  std::shuffle(kept.begin(), kept.end(), rng);
  for (const Span& s : kept) (rng() % 2 ? c.fills : c.blocking).push_back(s);
  for (size_t i = 0; i < entities; ++i) {
    const uint32_t start = pos(rng);
    const uint32_t end = rng() % 16 == 0 ? start : std::min(length, start + len(rng));  // some empty
    c.model.push_back(Span{start, end});
    if (rng() % 20 == 0) c.model.push_back(c.model.back());  // the same span twice
  }
  return c;
}

TEST("rules modes", "sweep equals the quadratic version on random texts, thousands of matches and entities") {
  std::mt19937 rng(20261130);
  size_t removed = 0, kept_fills = 0, fills = 0;
  for (int round = 0; round < 40; ++round) {
    // Dense and sparse: a few thousand of both over texts where they overlap often, and where they rarely do.
    const uint32_t length = round % 2 ? 40000 : 400000;
    const Case c = RandomCase(rng, length, 2000 + rng() % 3000, 2000 + rng() % 3000);
    const ModeResolution fast = ResolveModes(c.model, c.blocking, c.fills);
    const ModeResolution slow = Quadratic(c.model, c.blocking, c.fills);
    CHECK(fast.model_removed == slow.model_removed);
    CHECK(fast.fill_kept == slow.fill_kept);
    for (bool r : slow.model_removed) removed += r;
    for (bool k : slow.fill_kept) kept_fills += k;
    fills += slow.fill_kept.size();
  }
  // The data exercises every outcome: removed and surviving entities, kept and dropped fills.
  CHECK(removed > 1000);
  CHECK(kept_fills > 1000);
  CHECK(fills - kept_fills > 1000);
}

TEST("rules modes", "edges: touching spans, empty entities, nothing on one side") {
  // [0,5) blocks; a model span ending at 5 is removed only if it starts before 5; touching does not overlap.
  const ModeResolution r = ResolveModes({{5, 9}, {3, 5}, {4, 4}, {0, 0}, {9, 12}}, {{0, 5}}, {{9, 11}, {12, 14}});
  CHECK((r.model_removed == std::vector<bool>{false, true, true, false, false}));
  CHECK((r.fill_kept == std::vector<bool>{false, true}));
  CHECK(ResolveModes({}, {{0, 1}}, {{2, 3}}).fill_kept == std::vector<bool>{true});
  CHECK(ResolveModes({{0, 3}}, {}, {}).model_removed == std::vector<bool>{false});
}

}  // namespace
}  // namespace nn::rules
