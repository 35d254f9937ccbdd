// The most probable tag sequence that the tagging scheme allows, optionally under per-position constraints.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/decode/tagging.h"

namespace nn {

// How a row's tag must relate to the entity of the row before it (TransitionRules::Continues).
enum class ViterbiLink : uint8_t {
  kFree,      // as the scheme allows
  kBreak,     // must not continue it: an entity boundary lies before this row
  kContinue,  // must continue it: this row is inside the entity the row before belongs to
};

// Constraints on a sequence of `count` rows. Empty vectors constrain nothing.
struct ViterbiConstraints {
  std::vector<char> allowed;       // count * rules.size(): nonzero where the row may take the tag
  std::vector<ViterbiLink> links;  // count: a row's link to the row before (row 0's is ignored)

  bool empty() const { return allowed.empty() && links.empty(); }
};

// `probabilities` holds `count` rows of rules.size() label probabilities (one row per token or word). Maximises
// the sum of log probabilities over sequences whose every transition the rules allow; writes one tag per row.
void ViterbiDecode(const float* probabilities, size_t count, const TransitionRules& rules, std::vector<size_t>* tags);

// The same under `constraints` (sized as above, or empty): the most probable allowed sequence that also satisfies
// them. When no sequence satisfies them all (contradictory constraints), decodes as if there were none. Without
// constraints the result is exactly the unconstrained one.
void ViterbiDecode(const float* probabilities, size_t count, const TransitionRules& rules,
                   const ViterbiConstraints& constraints, std::vector<size_t>* tags);

}  // namespace nn
