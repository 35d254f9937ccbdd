#include "core/engine/extract.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/engine/windows.h"
#include "core/error.h"
#include "core/util/utf.h"

namespace nn {

std::string TooManyWindowsMessage(const ExtractOptions& options) {
  return "the texts of this call need more than maxWindows " + std::to_string(options.max_windows) +
         " model windows; send fewer or shorter texts, use a smaller stride (now " + std::to_string(options.stride) +
         "), or raise maxWindows";
}

namespace {

// Checks what needs the model: the stride against its window, the options against its head, the texts' lengths.
void CheckRequest(const Model& model, const ExtractRequest& request, size_t first_text) {
  const ExtractOptions& options = request.options;
  const size_t template_tokens = model.tokenizer().template_size();
  const size_t content = model.max_tokens() - template_tokens;
  if (options.stride >= content) {
    throw Error(ErrorCode::kInvalidArgument, "stride " + std::to_string(options.stride) +
                                                 " leaves no new tokens in a window of " + std::to_string(content) +
                                                 " text tokens; use a stride below " + std::to_string(content));
  }
  model.head().CheckOptions(options.head);
  for (size_t i = 0; i < request.texts.size(); ++i) {
    if (request.texts[i].size() > options.max_text_length) {
      throw Error(ErrorCode::kTextTooLong, "text " + std::to_string(first_text + i) + " has " + std::to_string(request.texts[i].size()) +
                                               " UTF-16 units, over maxTextLength " +
                                               std::to_string(options.max_text_length) +
                                               "; split it or raise maxTextLength");
    }
  }
}

// Tokenizes each of `texts` and cuts it into windows, telling `decoder` of each text once its windows are cut.
void CutIntoWindows(const Model& model, const ExtractOptions& options, const std::vector<std::u16string>& texts,
                    TextWindows* out, HeadDecoder* decoder) {
  Encoding bare;
  size_t windows = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    model.tokenizer().Encode(texts[i], &bare, /*add_special_tokens=*/false);
    // Counted before the windows exist, so a hostile stride cannot make them take the memory first.
    windows += CountWindows(bare.size(), model.tokenizer(), model.max_tokens(), options.stride);
    if (options.max_windows > 0 && windows > options.max_windows) {
      throw Error(ErrorCode::kTooManyWindows, TooManyWindowsMessage(options));
    }
    SplitIntoWindows(bare, model.tokenizer(), model.max_tokens(), options.stride, &out->windows, &out->begins);
    out->tokens.push_back(static_cast<uint32_t>(bare.size()));
    out->unknown.push_back(static_cast<uint32_t>(std::count(bare.ids.begin(), bare.ids.end(), model.tokenizer().unk_id())));
    out->owner.resize(out->windows.size(), static_cast<uint32_t>(i));
    out->first.push_back(out->windows.size());
    decoder->TextCut(i, bare);
  }
}

// The request's texts cut into sentences, which the job then runs as its texts.
struct Sentences {
  std::vector<std::u16string> texts;
  std::vector<uint32_t> starts;  // each sentence's offset in its text
  std::vector<size_t> first{0};  // text i owns sentences [first[i], first[i + 1])
};

void SplitIntoSentences(const std::vector<std::u16string>& texts, const SegmentOptions& options, Sentences* out) {
  std::vector<SentenceSpan> spans;
  for (const std::u16string& text : texts) {
    spans.clear();
    SplitSentences(text, options, &spans);
    for (const SentenceSpan& span : spans) {
      out->texts.emplace_back(text, span.start, span.end - span.start);
      out->starts.push_back(span.start);
    }
    out->first.push_back(out->texts.size());
  }
}

// Applies the keep_types and min_score filters. `tags`: entity labels index the model's tags, not its types.
// `type_names`: what non-tag labels index (the model's types, or those and the rules' labels).
void KeepWanted(const LabelScheme& labels, const std::vector<std::string>& type_names, const ExtractOptions& options,
                bool tags, std::vector<Entity>* entities) {
  if (options.keep_types.empty() && options.min_score <= 0.0f) return;
  auto wanted = [&](const Entity& e) {
    if (e.score < options.min_score) return false;
    if (options.keep_types.empty()) return true;
    const std::string& name = tags ? labels.types()[labels.tag(e.label).entity] : type_names[e.label];
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

// Constrain rules: finds each text's kept matches before decoding and gives the decoder each constrain match whose
// label is one of the model's types as a forced span of the text it runs (a sentence, with segmentation: a match
// crossing a sentence boundary is not forced). The matches are kept for Finish, which applies the rest of the rules.
void MatchBeforeDecoding(const Model& model, const ExtractRequest& request, const std::optional<Sentences>& sentences,
                         const rules::BoundLabels& bound, std::vector<std::vector<rules::RuleMatch>>* matches,
                         TextWindows* cut) {
  const rules::RuleSet& rules = *request.rules;
  const size_t model_types = model.labels().types().size();
  const size_t run_count = sentences ? sentences->texts.size() : request.texts.size();
  cut->forced.assign(run_count, {});
  matches->resize(request.texts.size());
  for (size_t i = 0; i < request.texts.size(); ++i) {
    (*matches)[i] = rules.KeptMatches(request.texts[i]);
    for (const rules::RuleMatch& m : (*matches)[i]) {
      const int32_t type = bound.rule_label[m.label];
      if (rules.rules()[m.rule].mode != rules::RuleMode::kConstrain || static_cast<size_t>(type) >= model_types) continue;
      if (!sentences) {
        cut->forced[i].push_back(ForcedSpan{m.start, m.end, type});
        continue;
      }
      for (size_t k = sentences->first[i]; k < sentences->first[i + 1]; ++k) {
        const uint32_t start = sentences->starts[k], end = start + static_cast<uint32_t>(sentences->texts[k].size());
        if (m.start >= start && m.end <= end) cut->forced[k].push_back(ForcedSpan{m.start - start, m.end - start, type});
      }
    }
  }
}

}  // namespace

// Per-window results live in the head's decoder until Finish, so windows decode independently and in any order.
struct ExtractJob::State {
  const Model& model;
  ExtractRequest* request;
  std::vector<std::vector<uint32_t>> unit_bytes;  // UTF-8 input only: byte offset of each UTF-16 unit
  std::optional<Sentences> sentences;             // options.segment only: what the model runs instead of the texts
  TextWindows cut;
  std::vector<size_t> output_dims;
  std::unique_ptr<HeadDecoder> decoder;
  // With rules: the label table, and (with constrain rules) each text's kept matches, found before decoding.
  rules::BoundLabels bound;
  std::vector<std::vector<rules::RuleMatch>> matches;

  State(const Model& m, ExtractRequest* r) : model(m), request(r) {}
};

ExtractJob::ExtractJob(const Model& model, ExtractRequest* request, size_t first_text)
    : state_(std::make_unique<State>(model, request)) {
  State& s = *state_;
  s.unit_bytes = DecodeUtf8Input(request);
  CheckRequest(model, *request, first_text);
  if (request->rules && model.head().LabelsAreTags(request->options.head)) {
    throw Error(ErrorCode::kInvalidArgument,
                "rules need entities with types; aggregation 'none' gives tagged tokens, so use another aggregation");
  }
  if (request->redaction && model.head().LabelsAreTags(request->options.head)) {
    throw Error(ErrorCode::kInvalidArgument,
                "redaction needs entities with types; aggregation 'none' gives tagged tokens, so use another aggregation");
  }
  if (request->redaction && !request->utf8_bounds.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "redaction takes texts as strings, not UTF-8 bytes");
  }
  if (request->options.segment) {
    s.sentences.emplace();
    SplitIntoSentences(request->texts, *request->options.segment, &*s.sentences);
  }
  const std::vector<std::u16string>& run = s.sentences ? s.sentences->texts : request->texts;
  s.cut.texts = &run;
  if (request->rules) {
    s.bound = request->rules->BindLabels(model.labels().types());
    if (request->rules->has_constrain_rules()) MatchBeforeDecoding(model, *request, s.sentences, s.bound, &s.matches, &s.cut);
  }
  const DecodeContext context{model.labels(), model.subwords(), model.tokenizer().template_size(),
                               model.inverse_temperatures().empty() ? nullptr : &model.inverse_temperatures()};
  s.decoder = model.head().NewDecoder(context, request->options.head, s.cut);
  CutIntoWindows(model, request->options, run, &s.cut, s.decoder.get());
  s.output_dims = model.head().output_dims();
}

ExtractJob::~ExtractJob() = default;

size_t ExtractJob::window_count() const { return state_->cut.windows.size(); }

const Encoding& ExtractJob::window(size_t w) const { return state_->cut.windows[w]; }

const std::vector<size_t>& ExtractJob::output_dims() const { return state_->output_dims; }

void ExtractJob::DecodeWindow(size_t w, const float* output) { state_->decoder->DecodeWindow(w, output); }

void ExtractJob::Finish() {
  State& s = *state_;
  const size_t count = s.request->texts.size();
  EntityColumns& result = s.request->result;
  result = EntityColumns{};
  result.Reserve(count, s.cut.windows.size());
  result.signals = s.request->options.head.signals;
  result.token_scores = s.request->options.head.logits;
  if (result.token_scores) result.token_rows.push_back(0);
  const bool tags = s.model.head().LabelsAreTags(s.request->options.head);
  // Text i's own signals: over its sentences with segmentation (their entropies weighted by their tokens).
  auto text_signals = [&s](size_t i, EntityColumns* out) {
    const size_t first = s.sentences ? s.sentences->first[i] : i;
    const size_t last = s.sentences ? s.sentences->first[i + 1] : i + 1;
    uint32_t tokens = 0, unknown = 0, windows = 0;
    double entropy = 0;
    size_t measured = 0;
    for (size_t k = first; k < last; ++k) {
      tokens += s.cut.tokens[k];
      unknown += s.cut.unknown[k];
      windows += static_cast<uint32_t>(s.cut.first[k + 1] - s.cut.first[k]);
      const float e = s.decoder->TextEntropy(k);
      if (!std::isnan(e)) {
        entropy += static_cast<double>(e) * s.cut.tokens[k];
        measured += s.cut.tokens[k];
      }
    }
    out->AppendTextSignals(measured == 0 ? kNoSignal : static_cast<float>(entropy / static_cast<double>(measured)),
                           unknown, windows, tokens);
  };
  const rules::RuleSet* rules = s.request->rules.get();
  const rules::BoundLabels& bound = s.bound;
  const std::vector<std::string>& type_names = rules ? bound.names : s.model.labels().types();
  std::vector<Entity> text_entities;
  std::vector<Entity> sentence_entities;
  for (size_t i = 0; i < count; ++i) {
    if (s.sentences) {
      // Sentences come in text order and each one's entities in order, so the text's stay ordered.
      text_entities.clear();
      for (size_t k = s.sentences->first[i]; k < s.sentences->first[i + 1]; ++k) {
        s.decoder->TextEntities(k, &sentence_entities);
        for (Entity& e : sentence_entities) {
          e.start += s.sentences->starts[k];
          e.end += s.sentences->starts[k];
          text_entities.push_back(e);
        }
      }
    } else {
      s.decoder->TextEntities(i, &text_entities);
    }
    if (rules) rules->Apply(s.request->texts[i], bound, &text_entities, s.matches.empty() ? nullptr : &s.matches[i]);
    KeepWanted(s.model.labels(), type_names, s.request->options, tags, &text_entities);
    result.Append(text_entities);
    if (result.signals) text_signals(i, &result);
    if (result.token_scores) {
      const size_t first = s.sentences ? s.sentences->first[i] : i;
      const size_t last = s.sentences ? s.sentences->first[i + 1] : i + 1;
      for (size_t k = first; k < last; ++k) {
        const size_t from = result.token_spans.size();
        s.decoder->TextLogits(k, &result.token_spans, &result.token_logits);
        if (s.sentences) {
          for (size_t x = from; x < result.token_spans.size(); ++x) result.token_spans[x] += s.sentences->starts[k];
        }
      }
      result.token_rows.push_back(static_cast<uint32_t>(result.token_spans.size() / 2));
    }
  }
  if (!s.unit_bytes.empty()) ToByteOffsets(s.unit_bytes, &result);
  if (rules) s.request->label_names = bound.names;
}

}  // namespace nn
