// Turning per-token label scores into entities, with the semantics of the Hugging Face
// token-classification pipeline's aggregation strategies.
#pragma once

#include <string_view>
#include <vector>

#include "core/decode/entity.h"
#include "core/decode/label_scheme.h"
#include "core/tokenizer/tokenizer.h"

namespace nn {

enum class Aggregation { kSimple };

// Parses "simple" (the only strategy so far). Throws nn::Error(kInvalidArgument) for other names.
Aggregation ParseAggregation(std::string_view name);

// Decodes one text. `logits` holds at least encoding.size() rows of labels.size() floats (the text's rows of
// the batch output). Special tokens are skipped; groups of type "O" are not reported.
void Aggregate(Aggregation strategy, const float* logits, const Encoding& encoding, const LabelScheme& labels,
               std::vector<Entity>* out);

}  // namespace nn
