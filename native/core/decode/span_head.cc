// The span head (config.json "ner_head": "span"): the output is [batch, sequence, max_width, labels] logits, one
// sigmoid per span of up to max_width subwords and type (decode/spans.h). A long text's windows overlap, so the
// candidates of all its windows are pooled and chosen from once, over the whole text: a span that two windows both
// see comes out once. Entity labels are always types; token aggregation and tag decoding do not apply.
#include <cmath>
#include <string>
#include <vector>

#include "core/decode/head.h"
#include "core/error.h"

namespace nn {
namespace {

// From config.json (span_max_width, span_threshold) or, for the width, the output's shape.
struct SpanParams {
  size_t max_width = 0;    // a span covers at most this many subwords; 0 until known
  double threshold = 0.5;  // spans scoring above it are entity candidates
};

// span_max_width stays 0 when the config leaves it to the output's shape.
SpanParams ReadSpanParams(const json::Value& config, const std::string& source) {
  SpanParams span;
  if (const json::Value* v = config.find("span_max_width")) {
    const double width = v->as_number(-1);
    if (!(width >= 1 && width <= 4096) || width != std::floor(width)) {
      throw Error(ErrorCode::kInvalidModel, source + ": span_max_width must be a positive integer");
    }
    span.max_width = static_cast<size_t>(width);
  }
  if (const json::Value* v = config.find("span_threshold")) {
    const double threshold = v->as_number(-1);
    if (!(threshold > 0 && threshold < 1)) {
      throw Error(ErrorCode::kInvalidModel, source + ": span_threshold must be a number between 0 and 1, exclusive");
    }
    span.threshold = threshold;
  }
  return span;
}

class SpanDecoder final : public HeadDecoder {
 public:
  SpanDecoder(const DecodeContext& model, SpanHeadShape shape, float threshold, SpanMode mode, bool signals,
              const TextWindows& windows)
      : model_(model), windows_(windows), shape_(shape), threshold_(threshold), mode_(mode), signals_(signals) {
    words_.reserve(windows.texts->size());
  }

  void TextCut(size_t i, const Encoding& bare) override {
    words_.emplace_back(windows_.text(i));
    for (size_t w = windows_.first[i]; w < windows_.first[i + 1]; ++w) {
      const size_t begin = windows_.begins[w];
      window_cuts_.push_back(
          FindWindowCuts(bare, begin, begin + windows_.windows[w].size() - model_.template_tokens, words_[i]));
    }
    window_candidates_.resize(windows_.first[i + 1]);
  }

  void DecodeWindow(size_t w, const float* output) override {
    CollectSpanCandidates(output, shape_, threshold_, windows_.windows[w], window_cuts_[w],
                          words_[windows_.owner[w]], model_.labels, &window_candidates_[w]);
  }

  void TextEntities(size_t i, std::vector<Entity>* out) override {
    out->clear();
    std::vector<SpanCandidate> candidates;
    for (size_t w = windows_.first[i]; w < windows_.first[i + 1]; ++w) {
      candidates.insert(candidates.end(), window_candidates_[w].begin(), window_candidates_[w].end());
    }
    SelectSpans(mode_, words_[i], &candidates, out);
    if (signals_) {
      // A span's label is one sigmoid: a yes/no decision of probability p, whose top-2 margin is |p - (1 - p)|.
      for (Entity& e : *out) {
        const double p = e.score;
        e.min_prob = e.score;
        e.margin = static_cast<float>(std::fabs(2 * p - 1));
        e.entropy = static_cast<float>((p > 0 ? -p * std::log(p) : 0) + (p < 1 ? -(1 - p) * std::log(1 - p) : 0));
      }
    }
  }

 private:
  const DecodeContext model_;
  const TextWindows& windows_;
  const SpanHeadShape shape_;
  const float threshold_;
  const SpanMode mode_;
  const bool signals_;
  std::vector<TextWords> words_;  // per text
  std::vector<WindowCuts> window_cuts_;
  std::vector<std::vector<SpanCandidate>> window_candidates_;
};

class SpanHead final : public Head {
 public:
  SpanHead(SpanParams params, size_t labels) : params_(params), labels_(labels) {}

  const char* name() const override { return "span"; }
  const char* description() const override { return "a span model"; }

  // Fills in the span width the config left out.
  void CheckOutput(const ModelOutput& output) override {
    const std::vector<int64_t>& shape = output.shape;
    if (shape.size() != 4) {
      throw Error(ErrorCode::kInvalidModel, "output '" + output.name + "' of '" + output.model_path + "' has rank " +
                                                std::to_string(shape.size()) + "; " + output.config_path +
                                                " declares a span head (ner_head \"span\"), which outputs "
                                                "[batch, sequence, max_width, labels]");
    }
    if (shape[2] > 0 && params_.max_width == 0) params_.max_width = static_cast<size_t>(shape[2]);
    if (params_.max_width == 0) {
      throw Error(ErrorCode::kInvalidModel, output.config_path + " has no span_max_width and the output '" +
                                                output.name + "' leaves its span dimension dynamic");
    }
    if (shape[2] > 0 && static_cast<size_t>(shape[2]) != params_.max_width) {
      throw Error(ErrorCode::kInvalidModel, output.config_path + " gives span_max_width " +
                                                std::to_string(params_.max_width) + " but the model outputs " +
                                                std::to_string(shape[2]) +
                                                " span widths per token; the config does not belong to this model");
    }
    if (shape[3] > 0 && static_cast<size_t>(shape[3]) != labels_) {
      throw Error(ErrorCode::kInvalidModel, output.config_path + " lists " + std::to_string(labels_) +
                                                " labels but the model outputs " + std::to_string(shape[3]) +
                                                " scores per span; the config does not belong to this model");
    }
  }

  std::vector<size_t> output_dims() const override { return {params_.max_width, labels_}; }

  std::vector<std::string> option_names() const override { return {"spanMode", "spanThreshold"}; }

  bool LabelsAreTags(const HeadOptions&) const override { return false; }

  std::vector<std::pair<std::string, double>> info() const override {
    return {{"spanMaxWidth", static_cast<double>(params_.max_width)}, {"spanThreshold", params_.threshold}};
  }

  std::unique_ptr<HeadDecoder> NewDecoder(const DecodeContext& model, const HeadOptions& options,
                                          const TextWindows& windows) const override {
    // Scores are float32, as the reference compares them.
    const auto threshold = static_cast<float>(options.span_threshold.value_or(params_.threshold));
    return std::make_unique<SpanDecoder>(model, SpanHeadShape{params_.max_width, labels_}, threshold,
                                         options.span_mode.value_or(SpanMode::kNested), options.signals, windows);
  }

 private:
  SpanParams params_;
  size_t labels_;
};

}  // namespace

std::unique_ptr<Head> MakeSpanHead(const json::Value& config, const std::string& config_path,
                                   const LabelScheme& labels) {
  return std::make_unique<SpanHead>(ReadSpanParams(config, config_path), labels.size());
}

}  // namespace nn
