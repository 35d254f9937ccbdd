#include "core/engine/extract.h"

#include <algorithm>
#include <string>

#include "core/engine/windows.h"
#include "core/error.h"
#include "core/tokenizer/utf.h"

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

// Every text of a request cut into model windows.
struct RequestWindows {
  std::vector<Encoding> windows;
  std::vector<uint32_t> owner;   // the text each window belongs to
  std::vector<size_t> first{0};  // text i owns windows [first[i], first[i + 1])
  std::vector<size_t> begins;    // where each window starts among its text's tokens
};

// Tokenizes each text and cuts it into windows; `on_text(i, bare, cut)` sees each text's tokens once they are cut
// (its windows are cut.first[i] .. cut.first[i + 1]).
template <typename OnText>
RequestWindows CutIntoWindows(const Model& model, const ExtractRequest& request, OnText on_text) {
  RequestWindows out;
  Encoding bare;
  for (size_t i = 0; i < request.texts.size(); ++i) {
    model.tokenizer().Encode(request.texts[i], &bare, /*add_special_tokens=*/false);
    SplitIntoWindows(bare, model.tokenizer(), model.max_tokens(), request.options.stride, &out.windows, &out.begins);
    out.owner.resize(out.windows.size(), static_cast<uint32_t>(i));
    out.first.push_back(out.windows.size());
    on_text(i, bare, static_cast<const RequestWindows&>(out));
  }
  return out;
}

// Runs every window through the model in length-sorted batches and hands `decode(window, output)` each window's
// rows of the output, whose shape must be [batch, sequence, per_token...].
template <typename Decode>
void RunWindows(const Model& model, const RequestWindows& cut, const BatchLimits& limits,
                const std::vector<size_t>& per_token, Decode decode) {
  std::vector<size_t> lengths(cut.windows.size());
  for (size_t w = 0; w < cut.windows.size(); ++w) lengths[w] = cut.windows[w].size();
  size_t floats_per_token = 1;
  for (size_t d : per_token) floats_per_token *= d;

  BatchInputs inputs;
  for (const BatchPlan& plan : PlanBatches(lengths, limits)) {
    FillInputs(plan, cut.windows, model.tokenizer().pad_id(), &inputs);
    OutputTensor output = model.session().Run(inputs);
    std::vector<int64_t> expected{static_cast<int64_t>(plan.items.size()), static_cast<int64_t>(plan.sequence)};
    for (size_t d : per_token) expected.push_back(static_cast<int64_t>(d));
    if (output.shape() != expected) {
      std::string dims;
      for (int64_t d : expected) dims += (dims.empty() ? "" : ", ") + std::to_string(d);
      throw Error(ErrorCode::kInvalidModel, "the model's output '" + model.session().output_name() +
                                                "' has an unexpected shape; expected [" + dims +
                                                "] from config.json (labels, span width)");
    }
    for (size_t row = 0; row < plan.items.size(); ++row) {
      decode(plan.items[row], output.data() + row * plan.sequence * floats_per_token);
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
  std::vector<WindowCuts> window_cuts;
  const RequestWindows cut = CutIntoWindows(model, *request, [&](size_t i, const Encoding& bare, const RequestWindows& so_far) {
    words.emplace_back(request->texts[i]);
    for (size_t w = so_far.first[i]; w < so_far.first[i + 1]; ++w) {
      const size_t begin = so_far.begins[w];
      window_cuts.push_back(FindWindowCuts(bare, begin, begin + so_far.windows[w].size() - template_tokens, words[i]));
    }
  });

  const SpanHeadShape head{model.span_head().max_width, model.labels().size()};
  // Scores are float32, as the reference compares them.
  const float threshold =
      static_cast<float>(options.span_threshold > 0 ? options.span_threshold : model.span_head().threshold);
  std::vector<std::vector<SpanCandidate>> candidates(count);
  RunWindows(model, cut, options.batch, {head.max_width, head.labels}, [&](uint32_t window, const float* logits) {
    const uint32_t text = cut.owner[window];
    CollectSpanCandidates(logits, head, threshold, cut.windows[window], window_cuts[window], words[text],
                          model.labels(), &candidates[text]);
  });

  request->result = EntityColumns{};
  request->result.Reserve(count, cut.windows.size());
  std::vector<Entity> text_entities;
  for (size_t i = 0; i < count; ++i) {
    text_entities.clear();
    SelectSpans(options.span_mode, words[i], &candidates[i], &text_entities);
    KeepWanted(model.labels(), options, &text_entities);
    request->result.Append(text_entities);
  }
}

// UTF-8 input: decodes each text to UTF-16, the form the tokenizer reads, and returns for each text the byte
// offset of every UTF-16 unit (and of its end), to give entity offsets back in bytes.
std::vector<std::vector<uint32_t>> DecodeUtf8Input(ExtractRequest* request) {
  std::vector<std::vector<uint32_t>> unit_bytes;
  if (request->utf8_bounds.empty()) return unit_bytes;
  const size_t count = request->utf8_bounds.size() - 1;
  request->texts.resize(count);
  unit_bytes.resize(count);
  for (size_t i = 0; i < count; ++i) {
    const std::string_view text(request->utf8.data() + request->utf8_bounds[i],
                                request->utf8_bounds[i + 1] - request->utf8_bounds[i]);
    request->texts[i] = utf::Utf8ToUtf16(text, &unit_bytes[i]);
  }
  return unit_bytes;
}

void ToByteOffsets(const std::vector<std::vector<uint32_t>>& unit_bytes, EntityColumns* result) {
  for (size_t i = 0; i < result->text_count(); ++i) {
    for (size_t k = result->offsets[i]; k < result->offsets[i + 1]; ++k) {
      result->starts[k] = unit_bytes[i][result->starts[k]];
      result->ends[k] = unit_bytes[i][result->ends[k]];
    }
  }
}

// Token classifiers: each window is decoded on its own, then a text's windows are merged.
void ExtractTokens(const Model& model, ExtractRequest* request) {
  const size_t count = request->texts.size();
  const ExtractOptions& options = request->options;
  const RequestWindows cut = CutIntoWindows(model, *request, [](size_t, const Encoding&, const RequestWindows&) {});
  const TransitionRules rules(model.labels(), options.scheme.value_or(DetectTaggingScheme(model.labels())));
  const DecodeParams decode{options.aggregation, options.decoding, options.repair, &rules};

  // Batches run in length order, so entities are decoded per window and joined in window order afterwards.
  std::vector<std::vector<Entity>> window_entities(cut.windows.size());
  RunWindows(model, cut, options.batch, {model.labels().size()}, [&](uint32_t window, const float* logits) {
    Aggregate(decode, logits, cut.windows[window], request->texts[cut.owner[window]], model.labels(), model.subwords(),
              &window_entities[window]);
  });

  request->result = EntityColumns{};
  request->result.Reserve(count, cut.windows.size());
  std::vector<Entity> text_entities;
  for (size_t i = 0; i < count; ++i) {
    text_entities.clear();
    for (size_t w = cut.first[i]; w < cut.first[i + 1]; ++w) {
      text_entities.insert(text_entities.end(), window_entities[w].begin(), window_entities[w].end());
    }
    if (cut.first[i + 1] - cut.first[i] > 1) MergeWindowEntities(&text_entities);
    KeepWanted(model.labels(), options, &text_entities);
    request->result.Append(text_entities);
  }
}

}  // namespace

void RunExtract(const Model& model, ExtractRequest* request) {
  const std::vector<std::vector<uint32_t>> unit_bytes = DecodeUtf8Input(request);
  CheckRequest(model, *request);
  if (model.head() == NerHead::kSpan) {
    ExtractSpans(model, request);
  } else {
    ExtractTokens(model, request);
  }
  if (!unit_bytes.empty()) ToByteOffsets(unit_bytes, &request->result);
}

}  // namespace nn
