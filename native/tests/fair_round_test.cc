// Choosing a round (engine/fair_round.h): one call takes everything; several calls take turns up to the budget.
#include "core/engine/fair_round.h"
#include "tests/check.h"

namespace nn {
namespace {

char call_a, call_b, call_c;  // their addresses stand for three calls
const void* const kA = &call_a;
const void* const kB = &call_b;
const void* const kC = &call_c;

std::vector<size_t> Taken(const std::vector<bool>& flags) {
  std::vector<size_t> out;
  for (size_t i = 0; i < flags.size(); ++i) {
    if (flags[i]) out.push_back(i);
  }
  return out;
}

TEST("fair rounds", "nothing waiting takes nothing") { CHECK(ChooseFairRound({}, BatchLimits{}).empty()); }

TEST("fair rounds", "one call's windows are all taken, however many batches they make") {
  std::vector<WaitingWindow> waiting(500, WaitingWindow{kA, 100});
  const std::vector<bool> taken = ChooseFairRound(waiting, BatchLimits{1000, 4});
  CHECK_EQ(Taken(taken).size(), size_t{500});
}

TEST("fair rounds", "several calls take turns, in order of arrival, up to two batches of windows") {
  // A has 10 windows and arrived first, B has 1, C has 3; two batches of 2 texts make a budget of 4 windows.
  std::vector<WaitingWindow> waiting;
  for (int i = 0; i < 10; ++i) waiting.push_back({kA, 5});
  waiting.push_back({kB, 5});
  for (int i = 0; i < 3; ++i) waiting.push_back({kC, 5});
  const std::vector<bool> taken = ChooseFairRound(waiting, BatchLimits{8192, 2});
  // Turn 0: A0, B0, C0; turn 1: A1 fills the round.
  CHECK_EQ(Taken(taken), (std::vector<size_t>{0, 1, 10, 11}));
}

TEST("fair rounds", "the token budget ends a round too") {
  std::vector<WaitingWindow> waiting{{kA, 60}, {kA, 60}, {kA, 60}, {kB, 60}, {kB, 60}};
  // Budget 2 x 100 tokens: A0 (60), B0 (120), A1 (180), B1 (240, over) ends it.
  const std::vector<bool> taken = ChooseFairRound(waiting, BatchLimits{100, 64});
  CHECK_EQ(Taken(taken), (std::vector<size_t>{0, 1, 3, 4}));
}

TEST("fair rounds", "calls with few windows are all taken when the budget allows") {
  std::vector<WaitingWindow> waiting{{kB, 5}, {kA, 5}, {kB, 5}};
  CHECK_EQ(Taken(ChooseFairRound(waiting, BatchLimits{8192, 64})), (std::vector<size_t>{0, 1, 2}));
}

}  // namespace
}  // namespace nn
