// How kept rule matches meet the model's entities (step 4 of RuleSet::Apply), as one sorted sweep: a text with m
// model entities and k matches costs O((m + k) log(m + k)), not m·k, so a long text with many of both stays cheap.
#pragma once

#include <cstdint>
#include <vector>

namespace nn::rules {

struct Span {
  uint32_t start;
  uint32_t end;
};

struct ModeResolution {
  std::vector<bool> model_removed;  // per model span: an override or veto match overlaps it
  std::vector<bool> fill_kept;      // per fill match: no model span left after the removals overlaps it
};

// `blocking` (the override and veto matches) and `fills` are non-empty and pairwise disjoint, all of them together,
// as the kept matches are; `model` spans may overlap one another (nested entities) and be empty, in any order.
ModeResolution ResolveModes(const std::vector<Span>& model, const std::vector<Span>& blocking,
                            const std::vector<Span>& fills);

}  // namespace nn::rules
