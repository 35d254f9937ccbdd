#include "core/engine/extract.h"

#include <string>

#include "core/error.h"

namespace nn {
namespace {

// Copies the batch's encodings into padded model inputs (pad id, attention mask 0 beyond each text).
void FillInputs(const BatchPlan& plan, const std::vector<Encoding>& encodings, int64_t pad_id, BatchInputs* inputs) {
  inputs->Resize(plan.items.size(), plan.sequence, pad_id);
  for (size_t row = 0; row < plan.items.size(); ++row) {
    const Encoding& encoding = encodings[plan.items[row]];
    const size_t base = row * plan.sequence;
    for (size_t t = 0; t < encoding.size(); ++t) {
      inputs->input_ids[base + t] = encoding.ids[t];
      inputs->attention_mask[base + t] = 1;
      inputs->token_type_ids[base + t] = encoding.type_ids[t];
    }
  }
}

}  // namespace

void RunExtract(const Model& model, ExtractRequest* request) {
  const size_t count = request->texts.size();
  std::vector<Encoding> encodings(count);
  std::vector<size_t> lengths(count);
  for (size_t i = 0; i < count; ++i) {
    model.tokenizer().Encode(request->texts[i], &encodings[i]);
    lengths[i] = encodings[i].size();
    if (lengths[i] > model.max_tokens()) {
      throw Error(ErrorCode::kTextTooLong,
                  "text " + std::to_string(i) + " needs " + std::to_string(lengths[i]) + " tokens but the model window is " +
                      std::to_string(model.max_tokens()) + "; split it into shorter texts (sentences or paragraphs)");
    }
  }

  // Decoded per text first, then laid out in input order.
  std::vector<std::vector<Entity>> entities(count);
  const size_t width = model.labels().size();
  BatchInputs inputs;
  for (const BatchPlan& plan : PlanBatches(lengths, request->options.batch)) {
    FillInputs(plan, encodings, model.tokenizer().pad_id(), &inputs);
    OutputTensor logits = model.session().Run(inputs);
    const std::vector<int64_t>& shape = logits.shape();
    if (shape.size() != 3 || static_cast<size_t>(shape[0]) != plan.items.size() ||
        static_cast<size_t>(shape[1]) != plan.sequence || static_cast<size_t>(shape[2]) != width) {
      throw Error(ErrorCode::kInvalidModel, "the model returned logits of an unexpected shape; expected [" +
                                                std::to_string(plan.items.size()) + ", " + std::to_string(plan.sequence) +
                                                ", " + std::to_string(width) + "] (one score per label in config.json)");
    }
    for (size_t row = 0; row < plan.items.size(); ++row) {
      const uint32_t item = plan.items[row];
      Aggregate(request->options.aggregation, logits.data() + row * plan.sequence * width, encodings[item],
                request->texts[item], model.labels(), model.subwords(), &entities[item]);
    }
  }

  size_t total = 0;
  for (const auto& e : entities) total += e.size();
  request->result = EntityColumns{};
  request->result.Reserve(count, total);
  for (const auto& e : entities) request->result.Append(e);
}

}  // namespace nn
