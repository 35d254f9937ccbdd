// A model head: what the model's output holds and how it becomes entities. Each kind of head (config.json
// "ner_head") lives in one file, token_head.cc or span_head.cc, and is named on one line of MakeHead's list in
// head.cc. A head decides its output contract (the output's shape against config.json), window decoding, how a
// text's windows are merged into its entities, what its entity labels index, and which options apply to it.
//
// The Model holds its Head: immutable after load and shared by every thread. Each request gets a HeadDecoder of
// its own, which holds the request's per-window results until its texts are finished.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/decode/aggregation.h"
#include "core/decode/entity.h"
#include "core/decode/label_scheme.h"
#include "core/decode/spans.h"
#include "core/decode/tagging.h"
#include "core/tokenizer/tokenizer.h"
#include "core/util/json.h"

namespace nn {

// Extract options that only some heads take; unset means the head's own default. A head rejects the set ones it
// does not take (Head::CheckOptions). The names in comments are the JS option names.
struct HeadOptions {
  std::optional<Aggregation> aggregation;  // "aggregation" (token)
  std::optional<Decoding> decoding;        // "decoding" (token)
  std::optional<bool> repair;              // "repair" (token)
  std::optional<TaggingScheme> scheme;     // "scheme" (token)
  std::optional<SpanMode> span_mode;       // "spanMode" (span)
  std::optional<double> span_threshold;    // "spanThreshold" (span)
  // Not a head's own option: every head fills the confidence signals it can (Entity::min_prob, margin, entropy;
  // HeadDecoder::TextEntropy) when asked ("confidence").
  bool signals = false;
  // Token heads: keep each token's raw logits for HeadDecoder::TextLogits (ner.tokenScores, for calibration).
  bool logits = false;

  // The JS names of the options that are set, in the order above.
  std::vector<std::string> given() const;
};

// A request's texts cut into model windows, as its decoder reads them. Owned by the request's job; a decoder keeps a
// reference and reads a window only after the window was cut.
struct TextWindows {
  const std::vector<std::u16string>* texts = nullptr;
  std::vector<Encoding> windows;  // each wrapped in the tokenizer's template
  std::vector<uint32_t> owner;    // the text each window belongs to
  std::vector<size_t> first{0};   // text i owns windows [first[i], first[i + 1])
  std::vector<size_t> begins;     // where each window starts among its text's tokens (template tokens excluded)
  // Per text (empty, or one entry per text): spans a `constrain` rule forces into the decoding. Heads that cannot
  // force spans ignore them (the rule then acts as an override after decoding).
  std::vector<std::vector<ForcedSpan>> forced;
  std::vector<uint32_t> tokens;   // per text: its tokens (template tokens excluded)
  std::vector<uint32_t> unknown;  // per text: how many of them are the unknown token

  std::u16string_view text(size_t i) const { return (*texts)[i]; }
};

// One request's decoding. DecodeWindow may run on any thread and in any order: each call writes only window w's
// results. TextCut and TextEntities run on one thread at a time.
class HeadDecoder {
 public:
  virtual ~HeadDecoder() = default;
  // Text i has just been cut into its windows (windows.first[i] .. windows.first[i + 1]); `bare` is the text's
  // tokens without template tokens. Called once per text, in order, before any of its windows is decoded.
  virtual void TextCut(size_t i, const Encoding& bare) = 0;
  // `output` is window w's row of its batch's output (Head::output_dims() floats per token).
  virtual void DecodeWindow(size_t w, const float* output) = 0;
  // Once every window of text i is decoded: replaces *out with the text's entities, its windows' results merged.
  virtual void TextEntities(size_t i, std::vector<Entity>* out) = 0;
  // With signals, once text i is decoded: the mean entropy (nats) of its tokens' distributions, each token counted
  // once however many windows saw it; kNoSignal for a head without per-token distributions or a text without tokens.
  virtual float TextEntropy(size_t i) const { return kNoSignal; }
  // With HeadOptions::logits, once text i is decoded: appends each of its tokens once (template tokens excluded), in
  // order: its UTF-16 span to *spans (start, end pairs) and its raw logits (before calibration) to *logits. Heads
  // without per-token logits append nothing.
  virtual void TextLogits(size_t i, std::vector<uint32_t>* spans, std::vector<float>* logits) const {}
};

// What a decoder reads of the model besides its head. Everything here outlives the decoder (the Model does).
struct DecodeContext {
  const LabelScheme& labels;
  const SubwordRule& subwords;
  size_t template_tokens;  // tokens the tokenizer's template adds around each window's text
  // The model's calibration (decode/calibration.h): a factor per label for its logits; null for none.
  const std::vector<float>* inverse_temperatures = nullptr;
};

// The model output a head's contract is checked against, at load.
struct ModelOutput {
  std::string name;            // the output's name in the ONNX graph
  std::string model_path;      // the ONNX file
  std::string config_path;     // config.json, which declared the head
  std::vector<int64_t> shape;  // as declared; -1 for a dynamic dimension
};

class Head {
 public:
  virtual ~Head() = default;

  // config.json's "ner_head" value for this head ("token"), and what a model with it is called in messages
  // ("a token classifier").
  virtual const char* name() const = 0;
  virtual const char* description() const = 0;

  // Load time, once, before the model is shared: checks the output's declared shape ([batch, sequence, ...])
  // against config.json and takes from it what the config left out. Throws nn::Error(kInvalidModel).
  virtual void CheckOutput(const ModelOutput& output) = 0;
  // The output's dimensions after [batch, sequence], as every batch's output must have them.
  virtual std::vector<size_t> output_dims() const = 0;

  // The JS names of the HeadOptions this head takes.
  virtual std::vector<std::string> option_names() const = 0;
  // Throws nn::Error(kInvalidArgument) naming the set options this head does not take. lib/ rejects them first
  // (checkOptionsForHead); this is the native side's guard.
  void CheckOptions(const HeadOptions& options) const;
  // Whether entity labels index LabelScheme::tags() (true) or types() under these options.
  virtual bool LabelsAreTags(const HeadOptions& options) const = 0;
  // This head's fields of the model's info(), named as in JS (a span head's spanMaxWidth and spanThreshold).
  virtual std::vector<std::pair<std::string, double>> info() const { return {}; }

  // A decoder for one request with these options (already checked). `windows` must outlive it.
  virtual std::unique_ptr<HeadDecoder> NewDecoder(const DecodeContext& model, const HeadOptions& options,
                                                  const TextWindows& windows) const = 0;
};

// The head config.json names ("ner_head"; absent: "token"), with its parameters read from the config. Throws
// nn::Error(kInvalidModel) naming `config_path` for an unknown head or a bad parameter.
std::unique_ptr<Head> MakeHead(const json::Value& config, const std::string& config_path, const LabelScheme& labels);

}  // namespace nn
