#include "core/engine/extract.h"

#include <algorithm>
#include <string>

#include "core/engine/windows.h"
#include "core/error.h"

namespace nn {
namespace {

// Copies the batch's windows into padded model inputs (pad id, attention mask 0 beyond each window).
void FillInputs(const BatchPlan& plan, const std::vector<Encoding>& windows, int64_t pad_id, BatchInputs* inputs) {
  inputs->Resize(plan.items.size(), plan.sequence, pad_id);
  for (size_t row = 0; row < plan.items.size(); ++row) {
    const Encoding& window = windows[plan.items[row]];
    const size_t base = row * plan.sequence;
    for (size_t t = 0; t < window.size(); ++t) {
      inputs->input_ids[base + t] = window.ids[t];
      inputs->attention_mask[base + t] = 1;
      inputs->token_type_ids[base + t] = window.type_ids[t];
    }
  }
}

void CheckRequest(const Model& model, const ExtractRequest& request) {
  const ExtractOptions& options = request.options;
  const size_t template_tokens = model.tokenizer().prefix_ids().size() + model.tokenizer().suffix_ids().size();
  const size_t content = model.max_tokens() - template_tokens;
  if (options.stride >= content) {
    throw Error(ErrorCode::kInvalidArgument, "stride " + std::to_string(options.stride) +
                                                 " leaves no new tokens in a window of " + std::to_string(content) +
                                                 " text tokens; use a stride below " + std::to_string(content));
  }
  for (size_t i = 0; i < request.texts.size(); ++i) {
    if (request.texts[i].size() > options.max_text_length) {
      throw Error(ErrorCode::kTextTooLong, "text " + std::to_string(i) + " has " + std::to_string(request.texts[i].size()) +
                                               " UTF-16 units, over maxTextLength " +
                                               std::to_string(options.max_text_length) +
                                               "; split it or raise maxTextLength");
    }
  }
}

// Applies the keep_types and min_score filters.
void KeepWanted(const LabelScheme& labels, const ExtractOptions& options, std::vector<Entity>* entities) {
  if (options.keep_types.empty() && options.min_score <= 0.0f) return;
  const bool tags = LabelsAreTags(options.aggregation);
  auto wanted = [&](const Entity& e) {
    if (e.score < options.min_score) return false;
    if (options.keep_types.empty()) return true;
    const int32_t type = tags ? labels.tag(e.label).entity : e.label;
    const std::string& name = labels.types()[type];
    return std::find(options.keep_types.begin(), options.keep_types.end(), name) != options.keep_types.end();
  };
  entities->erase(std::remove_if(entities->begin(), entities->end(), [&](const Entity& e) { return !wanted(e); }),
                  entities->end());
}

// Span models. A long text's windows overlap, so the candidates of all its windows are pooled and chosen from
// once, over the whole text: a span that two windows both see comes out once.
void ExtractSpans(const Model& model, ExtractRequest* request) {
  const ExtractOptions& options = request->options;
  const size_t count = request->texts.size();
  const size_t template_tokens = model.tokenizer().prefix_ids().size() + model.tokenizer().suffix_ids().size();

  std::vector<TextWords> words;
  words.reserve(count);
  std::vector<Encoding> windows;
  std::vector<uint32_t> window_owner;
  std::vector<WindowCuts> window_cuts;
  std::vector<size_t> begins;
  Encoding bare;
  for (size_t i = 0; i < count; ++i) {
    words.emplace_back(request->texts[i]);
    model.tokenizer().Encode(request->texts[i], &bare, /*add_special_tokens=*/false);
    const size_t first = windows.size();
    begins.clear();
    SplitIntoWindows(bare, model.tokenizer(), model.max_tokens(), options.stride, &windows, &begins);
    for (size_t k = 0; k < begins.size(); ++k) {
      const size_t end = begins[k] + windows[first + k].size() - template_tokens;
      window_cuts.push_back(FindWindowCuts(bare, begins[k], end, words[i]));
    }
    window_owner.resize(windows.size(), static_cast<uint32_t>(i));
  }

  std::vector<size_t> lengths(windows.size());
  for (size_t w = 0; w < windows.size(); ++w) lengths[w] = windows[w].size();

  const SpanHeadShape head{model.span_head().max_width, model.labels().size()};
  // Scores are float32, as the reference compares them.
  const float threshold =
      static_cast<float>(options.span_threshold > 0 ? options.span_threshold : model.span_head().threshold);
  std::vector<std::vector<SpanCandidate>> candidates(count);
  BatchInputs inputs;
  for (const BatchPlan& plan : PlanBatches(lengths, options.batch)) {
    FillInputs(plan, windows, model.tokenizer().pad_id(), &inputs);
    OutputTensor logits = model.session().Run(inputs);
    const std::vector<int64_t>& shape = logits.shape();
    if (shape.size() != 4 || static_cast<size_t>(shape[0]) != plan.items.size() ||
        static_cast<size_t>(shape[1]) != plan.sequence || static_cast<size_t>(shape[2]) != head.max_width ||
        static_cast<size_t>(shape[3]) != head.labels) {
      throw Error(ErrorCode::kInvalidModel, "the model returned span logits of an unexpected shape; expected [" +
                                                std::to_string(plan.items.size()) + ", " + std::to_string(plan.sequence) +
                                                ", " + std::to_string(head.max_width) + ", " +
                                                std::to_string(head.labels) + "] (span_max_width, labels in config.json)");
    }
    const size_t row_floats = plan.sequence * head.max_width * head.labels;
    for (size_t row = 0; row < plan.items.size(); ++row) {
      const uint32_t window = plan.items[row];
      const uint32_t text = window_owner[window];
      CollectSpanCandidates(logits.data() + row * row_floats, head, threshold, windows[window], window_cuts[window],
                            words[text], model.labels(), &candidates[text]);
    }
  }

  request->result = EntityColumns{};
  request->result.Reserve(count, windows.size());
  std::vector<Entity> text_entities;
  for (size_t i = 0; i < count; ++i) {
    text_entities.clear();
    SelectSpans(options.span_mode, words[i], &candidates[i], &text_entities);
    KeepWanted(model.labels(), options, &text_entities);
    request->result.Append(text_entities);
  }
}

}  // namespace

void RunExtract(const Model& model, ExtractRequest* request) {
  CheckRequest(model, *request);
  if (model.head() == NerHead::kSpan) return ExtractSpans(model, request);
  const size_t count = request->texts.size();

  // Every text becomes one or more consecutive windows: text i owns windows [first_window[i], first_window[i+1]).
  std::vector<Encoding> windows;
  std::vector<uint32_t> window_owner;
  std::vector<size_t> first_window(count + 1, 0);
  Encoding bare;
  for (size_t i = 0; i < count; ++i) {
    model.tokenizer().Encode(request->texts[i], &bare, /*add_special_tokens=*/false);
    SplitIntoWindows(bare, model.tokenizer(), model.max_tokens(), request->options.stride, &windows);
    window_owner.resize(windows.size(), static_cast<uint32_t>(i));
    first_window[i + 1] = windows.size();
  }

  std::vector<size_t> lengths(windows.size());
  for (size_t w = 0; w < windows.size(); ++w) lengths[w] = windows[w].size();

  const ExtractOptions& options = request->options;
  const TransitionRules rules(model.labels(), options.scheme.value_or(DetectTaggingScheme(model.labels())));
  const DecodeParams decode{options.aggregation, options.decoding, options.repair, &rules};

  // Batches run in length order, so entities are decoded per window and joined in window order afterwards.
  std::vector<std::vector<Entity>> window_entities(windows.size());
  const size_t width = model.labels().size();
  BatchInputs inputs;
  for (const BatchPlan& plan : PlanBatches(lengths, request->options.batch)) {
    FillInputs(plan, windows, model.tokenizer().pad_id(), &inputs);
    OutputTensor logits = model.session().Run(inputs);
    const std::vector<int64_t>& shape = logits.shape();
    if (shape.size() != 3 || static_cast<size_t>(shape[0]) != plan.items.size() ||
        static_cast<size_t>(shape[1]) != plan.sequence || static_cast<size_t>(shape[2]) != width) {
      throw Error(ErrorCode::kInvalidModel, "the model returned logits of an unexpected shape; expected [" +
                                                std::to_string(plan.items.size()) + ", " + std::to_string(plan.sequence) +
                                                ", " + std::to_string(width) + "] (one score per label in config.json)");
    }
    for (size_t row = 0; row < plan.items.size(); ++row) {
      const uint32_t window = plan.items[row];
      Aggregate(decode, logits.data() + row * plan.sequence * width, windows[window],
                request->texts[window_owner[window]], model.labels(), model.subwords(), &window_entities[window]);
    }
  }

  request->result = EntityColumns{};
  request->result.Reserve(count, windows.size());
  std::vector<Entity> text_entities;
  for (size_t i = 0; i < count; ++i) {
    text_entities.clear();
    for (size_t w = first_window[i]; w < first_window[i + 1]; ++w) {
      text_entities.insert(text_entities.end(), window_entities[w].begin(), window_entities[w].end());
    }
    if (first_window[i + 1] - first_window[i] > 1) MergeWindowEntities(&text_entities);
    KeepWanted(model.labels(), options, &text_entities);
    request->result.Append(text_entities);
  }
}

}  // namespace nn
