// Running one batch of windows through the model: padded inputs in, the output checked against the head's shape.
#pragma once

#include <cstddef>
#include <vector>

#include "core/model.h"
#include "core/runtime/session.h"
#include "core/tokenizer/tokenizer.h"

namespace nn {

// Runs windows as one padded batch of `sequence` tokens and checks the output's shape against `output_dims`.
// Throws nn::Error: kInferenceFailed, kInvalidModel for an output of another shape.
OutputTensor RunBatch(const Model& model, const std::vector<const Encoding*>& windows, size_t sequence,
                      const std::vector<size_t>& output_dims, BatchInputs* inputs);

}  // namespace nn
