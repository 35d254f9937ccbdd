// One extract request from texts to entities: tokenize, check the window, batch, run, decode.
#pragma once

#include <string>
#include <vector>

#include "core/decode/aggregation.h"
#include "core/decode/entity.h"
#include "core/engine/batcher.h"
#include "core/model.h"

namespace nn {

struct ExtractOptions {
  Aggregation aggregation = Aggregation::kSimple;
  BatchLimits batch;
};

// The per-request "baton": filled on the JS thread (texts, options), worked on by a native thread
// (result), read back on the JS thread. It never points into JS memory.
struct ExtractRequest {
  std::vector<std::u16string> texts;
  ExtractOptions options;
  EntityColumns result;
};

// Fills request->result. Throws nn::Error; kTextTooLong names the first text that does not fit the window.
void RunExtract(const Model& model, ExtractRequest* request);

}  // namespace nn
