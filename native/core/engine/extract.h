// One extract request from texts to entities: tokenize, cut into windows, batch, run, decode, merge windows.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/decode/aggregation.h"
#include "core/decode/entity.h"
#include "core/decode/spans.h"
#include "core/engine/batcher.h"
#include "core/model.h"

namespace nn {

// Defaults give the best strict-span F1 with valid spans on CoNLL-2003 (see README); the reference pipeline's
// exact output is decoding argmax with its aggregation.
struct ExtractOptions {
  Aggregation aggregation = Aggregation::kAverage;
  Decoding decoding = Decoding::kViterbi;
  bool repair = false;
  std::optional<TaggingScheme> scheme;  // unset: the scheme detected from the model's labels
  std::vector<std::string> keep_types;  // report only these entity types; empty: all
  float min_score = 0.0f;               // report only entities scoring at least this
  SpanMode span_mode = SpanMode::kNested;  // span models: whether kept spans may nest or must not overlap
  double span_threshold = 0;               // span models: candidates score above it; 0: config.json's
  BatchLimits batch;
  size_t stride = 128;                 // tokens shared by consecutive windows of a long text
  size_t max_text_length = 1u << 24;   // UTF-16 units; longer texts are refused, not truncated
};

// The per-request "baton": filled on the JS thread (texts, options), worked on by a native thread
// (result), read back on the JS thread. It never points into JS memory.
struct ExtractRequest {
  std::vector<std::u16string> texts;
  // UTF-8 input instead of `texts`: text i is utf8[utf8_bounds[i], utf8_bounds[i + 1]). It is decoded on the worker
  // thread, and entity offsets are then given in bytes within each text.
  std::string utf8;
  std::vector<uint32_t> utf8_bounds;
  ExtractOptions options;
  EntityColumns result;
};

// Fills request->result. Throws nn::Error: kInvalidArgument when the stride leaves no room in the window,
// kTextTooLong naming the first text over max_text_length.
void RunExtract(const Model& model, ExtractRequest* request);

}  // namespace nn
