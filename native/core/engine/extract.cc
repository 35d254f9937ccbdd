#include "core/engine/extract.h"

#include <algorithm>
#include <string>

#include "core/engine/windows.h"
#include "core/error.h"
#include "core/util/utf.h"

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
  size_t windows = 0;
  for (size_t i = 0; i < request.texts.size(); ++i) {
    model.tokenizer().Encode(request.texts[i], &bare, /*add_special_tokens=*/false);
    // Counted before the windows exist, so a hostile stride cannot make them take the memory first.
    windows += CountWindows(bare.size(), model.tokenizer(), model.max_tokens(), request.options.stride);
    if (request.options.max_windows > 0 && windows > request.options.max_windows) {
      throw Error(ErrorCode::kTooManyWindows, TooManyWindowsMessage(request.options));
    }
    SplitIntoWindows(bare, model.tokenizer(), model.max_tokens(), request.options.stride, &out.windows, &out.begins);
    out.owner.resize(out.windows.size(), static_cast<uint32_t>(i));
    out.first.push_back(out.windows.size());
    on_text(i, bare, static_cast<const RequestWindows&>(out));
  }
  return out;
}

}  // namespace

std::string TooManyWindowsMessage(const ExtractOptions& options) {
  return "the texts of this call need more than maxWindows " + std::to_string(options.max_windows) +
         " model windows; send fewer or shorter texts, use a smaller stride (now " + std::to_string(options.stride) +
         "), or raise maxWindows";
}

namespace {

void CheckRequest(const Model& model, const ExtractRequest& request, size_t first_text) {
  const ExtractOptions& options = request.options;
  const size_t template_tokens = model.tokenizer().template_size();
  const size_t content = model.max_tokens() - template_tokens;
  if (options.stride >= content) {
    throw Error(ErrorCode::kInvalidArgument, "stride " + std::to_string(options.stride) +
                                                 " leaves no new tokens in a window of " + std::to_string(content) +
                                                 " text tokens; use a stride below " + std::to_string(content));
  }
  for (size_t i = 0; i < request.texts.size(); ++i) {
    if (request.texts[i].size() > options.max_text_length) {
      throw Error(ErrorCode::kTextTooLong, "text " + std::to_string(first_text + i) + " has " + std::to_string(request.texts[i].size()) +
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

}  // namespace

// Per-window results are kept apart until Finish, so windows decode independently and in any order.
struct ExtractJob::State {
  const Model& model;
  ExtractRequest* request;
  std::vector<std::vector<uint32_t>> unit_bytes;  // UTF-8 input only: byte offset of each UTF-16 unit
  RequestWindows cut;
  std::vector<size_t> output_dims;
  // Token classifiers.
  std::unique_ptr<TransitionRules> rules;
  DecodeParams decode;
  std::vector<std::vector<Entity>> window_entities;
  // Span models: a long text's windows overlap, so the candidates of all its windows are pooled and chosen
  // from once, over the whole text: a span that two windows both see comes out once.
  std::vector<TextWords> words;
  std::vector<WindowCuts> window_cuts;
  std::vector<std::vector<SpanCandidate>> window_candidates;
  SpanHeadShape span_shape{};
  float span_threshold = 0;

  State(const Model& m, ExtractRequest* r) : model(m), request(r) {}
};

ExtractJob::ExtractJob(const Model& model, ExtractRequest* request, size_t first_text)
    : state_(std::make_unique<State>(model, request)) {
  State& s = *state_;
  s.unit_bytes = DecodeUtf8Input(request);
  CheckRequest(model, *request, first_text);
  const ExtractOptions& options = request->options;
  if (model.head() == NerHead::kSpan) {
    const size_t template_tokens = model.tokenizer().template_size();
    s.words.reserve(request->texts.size());
    s.cut = CutIntoWindows(model, *request, [&](size_t i, const Encoding& bare, const RequestWindows& so_far) {
      s.words.emplace_back(request->texts[i]);
      for (size_t w = so_far.first[i]; w < so_far.first[i + 1]; ++w) {
        const size_t begin = so_far.begins[w];
        s.window_cuts.push_back(
            FindWindowCuts(bare, begin, begin + so_far.windows[w].size() - template_tokens, s.words[i]));
      }
    });
    s.span_shape = SpanHeadShape{model.span_head().max_width, model.labels().size()};
    // Scores are float32, as the reference compares them.
    s.span_threshold =
        static_cast<float>(options.span_threshold > 0 ? options.span_threshold : model.span_head().threshold);
    s.output_dims = {s.span_shape.max_width, s.span_shape.labels};
    s.window_candidates.resize(s.cut.windows.size());
  } else {
    s.cut = CutIntoWindows(model, *request, [](size_t, const Encoding&, const RequestWindows&) {});
    s.rules = std::make_unique<TransitionRules>(model.labels(),
                                                options.scheme.value_or(DetectTaggingScheme(model.labels())));
    s.decode = DecodeParams{options.aggregation, options.decoding, options.repair, s.rules.get()};
    s.output_dims = {model.labels().size()};
    s.window_entities.resize(s.cut.windows.size());
  }
}

ExtractJob::~ExtractJob() = default;

size_t ExtractJob::window_count() const { return state_->cut.windows.size(); }

const Encoding& ExtractJob::window(size_t w) const { return state_->cut.windows[w]; }

const std::vector<size_t>& ExtractJob::output_dims() const { return state_->output_dims; }

void ExtractJob::DecodeWindow(size_t w, const float* output) {
  State& s = *state_;
  const uint32_t text = s.cut.owner[w];
  if (s.model.head() == NerHead::kSpan) {
    CollectSpanCandidates(output, s.span_shape, s.span_threshold, s.cut.windows[w], s.window_cuts[w], s.words[text],
                          s.model.labels(), &s.window_candidates[w]);
  } else {
    Aggregate(s.decode, output, s.cut.windows[w], s.request->texts[text], s.model.labels(), s.model.subwords(),
              &s.window_entities[w]);
  }
}

void ExtractJob::Finish() {
  State& s = *state_;
  const size_t count = s.request->texts.size();
  EntityColumns& result = s.request->result;
  result = EntityColumns{};
  result.Reserve(count, s.cut.windows.size());
  std::vector<Entity> text_entities;
  std::vector<SpanCandidate> candidates;
  for (size_t i = 0; i < count; ++i) {
    text_entities.clear();
    if (s.model.head() == NerHead::kSpan) {
      candidates.clear();
      for (size_t w = s.cut.first[i]; w < s.cut.first[i + 1]; ++w) {
        candidates.insert(candidates.end(), s.window_candidates[w].begin(), s.window_candidates[w].end());
      }
      SelectSpans(s.request->options.span_mode, s.words[i], &candidates, &text_entities);
    } else {
      for (size_t w = s.cut.first[i]; w < s.cut.first[i + 1]; ++w) {
        text_entities.insert(text_entities.end(), s.window_entities[w].begin(), s.window_entities[w].end());
      }
      if (s.cut.first[i + 1] - s.cut.first[i] > 1) MergeWindowEntities(&text_entities);
    }
    KeepWanted(s.model.labels(), s.request->options, &text_entities);
    result.Append(text_entities);
  }
  if (!s.unit_bytes.empty()) ToByteOffsets(s.unit_bytes, &result);
}

size_t FloatsPerToken(const std::vector<size_t>& output_dims) {
  size_t floats = 1;
  for (size_t d : output_dims) floats *= d;
  return floats;
}

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
