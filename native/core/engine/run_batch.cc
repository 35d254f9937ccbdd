#include "core/engine/run_batch.h"

#include <string>

#include "core/error.h"

namespace nn {
namespace {

// Copies the batch's windows into padded model inputs (pad id, attention mask 0 beyond each window).
void FillInputs(const std::vector<const Encoding*>& windows, size_t sequence, int64_t pad_id, BatchInputs* inputs) {
  inputs->Resize(windows.size(), sequence, pad_id);
  for (size_t row = 0; row < windows.size(); ++row) {
    const Encoding& window = *windows[row];
    const size_t base = row * sequence;
    for (size_t t = 0; t < window.size(); ++t) {
      inputs->input_ids[base + t] = window.ids[t];
      inputs->attention_mask[base + t] = 1;
      inputs->token_type_ids[base + t] = window.type_ids[t];
    }
  }
}

}  // namespace

OutputTensor RunBatch(const Model& model, const std::vector<const Encoding*>& windows, size_t sequence,
                      const std::vector<size_t>& output_dims, BatchInputs* inputs) {
  FillInputs(windows, sequence, model.tokenizer().pad_id(), inputs);
  OutputTensor output = model.session().Run(*inputs);
  std::vector<int64_t> expected{static_cast<int64_t>(windows.size()), static_cast<int64_t>(sequence)};
  for (size_t d : output_dims) expected.push_back(static_cast<int64_t>(d));
  if (output.shape() != expected) {
    std::string dims;
    for (int64_t d : expected) dims += (dims.empty() ? "" : ", ") + std::to_string(d);
    throw Error(ErrorCode::kInvalidModel, "the model's output '" + model.session().output_name() +
                                              "' has an unexpected shape; expected [" + dims +
                                              "] from config.json (labels, span width)");
  }
  return output;
}

}  // namespace nn
