// A model directory (a Hugging Face export) loaded once: tokenizer, inference session and label scheme.
// Immutable after Load and shared (std::shared_ptr<const Model>) by every request and thread; per-request
// state lives in the engine's request structs, never here.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/decode/aggregation.h"
#include "core/decode/label_scheme.h"
#include "core/runtime/session.h"
#include "core/tokenizer/tokenizer.h"

namespace nn {

struct ModelParams {
  std::string directory;         // holds config.json, tokenizer.json and the ONNX file
  std::string model_file;        // relative to directory (or absolute); "" = model.onnx, then onnx/model.onnx
  std::string ort_library_path;  // libonnxruntime.so.1 to dlopen
  SessionParams session;
};

// What the model's output holds (config.json "ner_head").
enum class NerHead {
  kToken,  // a token classifier: [batch, sequence, labels] logits, softmax over id2label
  kSpan,   // a span head: [batch, sequence, max_width, labels] logits, one sigmoid per span and type
};

// A span head's parameters, from config.json (span_max_width, span_threshold) or the output's shape.
struct SpanHeadParams {
  size_t max_width = 0;    // a span covers at most this many subwords
  double threshold = 0.5;  // spans scoring above it are entity candidates
};

class Model {
 public:
  // Throws nn::Error: kModelNotFound (missing directory or file), kInvalidModel (unusable file, labels that do
  // not match the model's output width, an output shape that does not fit the head), kRuntimeUnavailable
  // (ONNX Runtime cannot be loaded).
  static std::shared_ptr<const Model> Load(const ModelParams& params);
  // Frees the session and weights and hands the freed memory back to the system (see model.cc).
  ~Model();

  const Tokenizer& tokenizer() const { return *tokenizer_; }
  const InferenceSession& session() const { return *session_; }
  const LabelScheme& labels() const { return labels_; }
  NerHead head() const { return head_; }
  // Meaningful only when head() is kSpan.
  const SpanHeadParams& span_head() const { return span_head_; }
  const SubwordRule& subwords() const { return subwords_; }
  const OrtRuntime& runtime() const { return *runtime_; }
  // The most tokens (special tokens included) one model input may hold, e.g. 512 for BERT.
  size_t max_tokens() const { return max_tokens_; }
  const std::string& model_path() const { return model_path_; }
  // Loadable but suspect: what a user should know about this model directory (e.g. a tokenizer without special
  // tokens). Empty for a sound model.
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  Model() = default;
  const OrtRuntime* runtime_ = nullptr;
  std::unique_ptr<Tokenizer> tokenizer_;
  std::unique_ptr<InferenceSession> session_;
  LabelScheme labels_;
  NerHead head_ = NerHead::kToken;
  SpanHeadParams span_head_;
  SubwordRule subwords_;
  size_t max_tokens_ = 512;
  std::string model_path_;
  std::vector<std::string> warnings_;
};

}  // namespace nn
