// The most probable tag sequence that the tagging scheme allows.
#pragma once

#include <cstddef>
#include <vector>

#include "core/decode/tagging.h"

namespace nn {

// `probabilities` holds `count` rows of rules.size() label probabilities (one row per token or word). Maximises
// the sum of log probabilities over sequences whose every transition the rules allow; writes one tag per row.
void ViterbiDecode(const float* probabilities, size_t count, const TransitionRules& rules, std::vector<size_t>* tags);

}  // namespace nn
