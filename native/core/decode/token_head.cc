// The token head (config.json "ner_head": "token", the default): a token classifier's output is [batch, sequence,
// labels] logits, one softmax over id2label per token. Each window is decoded alone (aggregation, argmax or Viterbi);
// a long text's windows are then merged as the reference pipeline merges them.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/decode/head.h"
#include "core/error.h"

namespace nn {
namespace {

// The defaults give the best strict-span F1 with valid spans on CoNLL-2003 (see README); the reference pipeline's
// exact output is decoding argmax with its aggregation.
constexpr Aggregation kDefaultAggregation = Aggregation::kAverage;
constexpr Decoding kDefaultDecoding = Decoding::kViterbi;

class TokenDecoder final : public HeadDecoder {
 public:
  TokenDecoder(const DecodeContext& model, const HeadOptions& options, const TextWindows& windows)
      : model_(model),
        windows_(windows),
        rules_(model.labels, options.scheme.value_or(DetectTaggingScheme(model.labels))),
        params_(MakeParams(model, options, &rules_)),
        keep_logits_(options.logits) {}

  void TextCut(size_t i, const Encoding&) override {
    window_entities_.resize(windows_.first[i + 1]);
    if (params_.signals) window_entropy_.resize(windows_.first[i + 1]);
    if (keep_logits_) window_logits_.resize(windows_.first[i + 1]);
  }

  void DecodeWindow(size_t w, const float* output) override {
    const size_t text = windows_.owner[w];
    DecodeParams params = params_;
    std::vector<ForcedSpan> forced;
    if (text < windows_.forced.size() && !windows_.forced[text].empty()) {
      WindowForcedSpans(w, windows_.forced[text], &forced);
      params.forced = &forced;
    }
    std::vector<float> entropies;
    if (params_.signals) params.token_entropies = &entropies;
    Aggregate(params, output, windows_.windows[w], windows_.text(text), model_.labels, model_.subwords,
              &window_entities_[w]);
    if (params_.signals) window_entropy_[w] = OwnEntropy(w, entropies);
    if (keep_logits_) KeepLogits(w, output);
  }

  void TextLogits(size_t i, std::vector<uint32_t>* spans, std::vector<float>* logits) const override {
    for (size_t w = windows_.first[i]; w < windows_.first[i + 1] && w < window_logits_.size(); ++w) {
      spans->insert(spans->end(), window_logits_[w].spans.begin(), window_logits_[w].spans.end());
      logits->insert(logits->end(), window_logits_[w].logits.begin(), window_logits_[w].logits.end());
    }
  }

  float TextEntropy(size_t i) const override {
    double sum = 0;
    size_t count = 0;
    for (size_t w = windows_.first[i]; w < windows_.first[i + 1] && w < window_entropy_.size(); ++w) {
      sum += window_entropy_[w].sum;
      count += window_entropy_[w].count;
    }
    return count == 0 ? kNoSignal : static_cast<float>(sum / static_cast<double>(count));
  }

  void TextEntities(size_t i, std::vector<Entity>* out) override {
    out->clear();
    for (size_t w = windows_.first[i]; w < windows_.first[i + 1]; ++w) {
      out->insert(out->end(), window_entities_[w].begin(), window_entities_[w].end());
    }
    if (windows_.first[i + 1] - windows_.first[i] > 1) MergeWindowEntities(out);
  }

 private:
  struct EntropySum {
    double sum = 0;
    size_t count = 0;
  };

  static DecodeParams MakeParams(const DecodeContext& model, const HeadOptions& options, const TransitionRules* rules) {
    DecodeParams params{options.aggregation.value_or(kDefaultAggregation), options.decoding.value_or(kDefaultDecoding),
                        options.repair.value_or(false), rules};
    params.inverse_temperatures = model.inverse_temperatures;
    params.signals = options.signals;
    return params;
  }

  struct WindowLogits {
    std::vector<uint32_t> spans;
    std::vector<float> logits;
  };

  // How many of window w's text tokens (of `tokens`) it owns: consecutive windows share tokens (the stride), and a
  // shared token belongs to the later window, so each of the text's tokens is counted once, whatever order windows
  // decode in.
  size_t OwnedTokens(size_t w, size_t tokens) const {
    const size_t text = windows_.owner[w];
    const bool last = w + 1 == windows_.first[text + 1];
    return last ? tokens : std::min(tokens, windows_.begins[w + 1] - windows_.begins[w]);
  }

  void KeepLogits(size_t w, const float* output) {
    const Encoding& window = windows_.windows[w];
    const size_t width = model_.labels.size();
    size_t text_tokens = 0;
    for (size_t t = 0; t < window.size(); ++t) text_tokens += !window.special[t];
    const size_t owned = OwnedTokens(w, text_tokens);
    WindowLogits& kept = window_logits_[w];
    size_t k = 0;
    for (size_t t = 0; t < window.size() && k < owned; ++t) {
      if (window.special[t]) continue;
      kept.spans.push_back(window.starts[t]);
      kept.spans.push_back(window.ends[t]);
      kept.logits.insert(kept.logits.end(), output + t * width, output + (t + 1) * width);
      ++k;
    }
  }

  // The entropy of the tokens window w owns (OwnedTokens).
  EntropySum OwnEntropy(size_t w, const std::vector<float>& entropies) const {
    const size_t owned = OwnedTokens(w, entropies.size());
    EntropySum out;
    for (size_t k = 0; k < owned; ++k) out.sum += entropies[k];
    out.count = owned;
    return out;
  }

  // The spans wholly inside window w's part of its text: from its first token's start (the text's start for its
  // first window) to its last token's end (the text's end for its last window). A span cut by the window's edge is
  // forced in the window that holds it whole (consecutive windows overlap by the stride), or in none.
  void WindowForcedSpans(size_t w, const std::vector<ForcedSpan>& spans, std::vector<ForcedSpan>* out) const {
    const Encoding& window = windows_.windows[w];
    const size_t text = windows_.owner[w];
    uint32_t from = UINT32_MAX, to = 0;
    for (size_t t = 0; t < window.size(); ++t) {
      if (window.special[t]) continue;
      from = std::min(from, window.starts[t]);
      to = std::max(to, window.ends[t]);
    }
    if (w == windows_.first[text]) from = 0;
    if (w + 1 == windows_.first[text + 1]) to = UINT32_MAX;
    for (const ForcedSpan& span : spans) {
      if (span.start >= from && span.end <= to) out->push_back(span);
    }
  }

  const DecodeContext model_;
  const TextWindows& windows_;
  const TransitionRules rules_;
  const DecodeParams params_;
  std::vector<std::vector<Entity>> window_entities_;
  std::vector<EntropySum> window_entropy_;  // with signals, per window
  const bool keep_logits_;
  std::vector<WindowLogits> window_logits_;  // with logits, per window
};

class TokenHead final : public Head {
 public:
  explicit TokenHead(size_t labels) : labels_(labels) {}

  const char* name() const override { return "token"; }
  const char* description() const override { return "a token classifier"; }

  void CheckOutput(const ModelOutput& output) override {
    const std::vector<int64_t>& shape = output.shape;
    if (shape.size() != 3) {
      throw Error(ErrorCode::kInvalidModel, "output '" + output.name + "' of '" + output.model_path + "' has rank " +
                                                std::to_string(shape.size()) +
                                                "; a token classifier outputs [batch, sequence, labels]");
    }
    if (shape[2] > 0 && static_cast<size_t>(shape[2]) != labels_) {
      throw Error(ErrorCode::kInvalidModel, output.config_path + " lists " + std::to_string(labels_) +
                                                " labels but the model outputs " + std::to_string(shape[2]) +
                                                " scores per token; the config does not belong to this model");
    }
  }

  std::vector<size_t> output_dims() const override { return {labels_}; }

  std::vector<std::string> option_names() const override { return {"aggregation", "decoding", "repair", "scheme"}; }

  // Aggregation "none" reports each token with its tag ("B-PER"); every other strategy groups tokens into types.
  bool LabelsAreTags(const HeadOptions& options) const override {
    return nn::LabelsAreTags(options.aggregation.value_or(kDefaultAggregation));
  }

  std::unique_ptr<HeadDecoder> NewDecoder(const DecodeContext& model, const HeadOptions& options,
                                          const TextWindows& windows) const override {
    return std::make_unique<TokenDecoder>(model, options, windows);
  }

 private:
  size_t labels_;
};

}  // namespace

std::unique_ptr<Head> MakeTokenHead(const json::Value&, const std::string&, const LabelScheme& labels) {
  return std::make_unique<TokenHead>(labels.size());
}

}  // namespace nn
