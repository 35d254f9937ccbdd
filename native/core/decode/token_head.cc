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
        params_{options.aggregation.value_or(kDefaultAggregation), options.decoding.value_or(kDefaultDecoding),
                options.repair.value_or(false), &rules_} {}

  void TextCut(size_t i, const Encoding&) override { window_entities_.resize(windows_.first[i + 1]); }

  void DecodeWindow(size_t w, const float* output) override {
    const size_t text = windows_.owner[w];
    if (text < windows_.forced.size() && !windows_.forced[text].empty()) {
      std::vector<ForcedSpan> forced;
      WindowForcedSpans(w, windows_.forced[text], &forced);
      DecodeParams params = params_;
      params.forced = &forced;
      Aggregate(params, output, windows_.windows[w], windows_.text(text), model_.labels, model_.subwords,
                &window_entities_[w]);
      return;
    }
    Aggregate(params_, output, windows_.windows[w], windows_.text(windows_.owner[w]), model_.labels, model_.subwords,
              &window_entities_[w]);
  }

  void TextEntities(size_t i, std::vector<Entity>* out) override {
    out->clear();
    for (size_t w = windows_.first[i]; w < windows_.first[i + 1]; ++w) {
      out->insert(out->end(), window_entities_[w].begin(), window_entities_[w].end());
    }
    if (windows_.first[i + 1] - windows_.first[i] > 1) MergeWindowEntities(out);
  }

 private:
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
