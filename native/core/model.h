// A model directory (a Hugging Face export) loaded once: tokenizer, inference session, label scheme and head.
// Immutable after Load and shared (std::shared_ptr<const Model>) by every request and thread; per-request
// state lives in the engine's jobs and their head decoders, never here.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/decode/aggregation.h"
#include "core/decode/head.h"
#include "core/decode/label_scheme.h"
#include "core/runtime/session.h"
#include "core/tokenizer/tokenizer.h"

namespace nn {

struct ModelParams {
  std::string directory;         // holds config.json, tokenizer.json and the ONNX file
  std::string model_file;        // relative to directory (or absolute); "" = model.onnx, then onnx/model.onnx
  std::string ort_library_path;  // libonnxruntime.so.1 to dlopen
  // kPreferred when ort_library_path is native-ner's default for the device rather than the caller's (ort_runtime.h).
  OrtRuntime::Choice ort_library_choice = OrtRuntime::Choice::kRequired;
  SessionParams session;
  // A calibration file (decode/calibration.h) to apply; "" for none. lib/ resolves the default (calibration.json
  // beside the model when there is one).
  std::string calibration_path;
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
  // What the output holds and how it is decoded (config.json "ner_head").
  const Head& head() const { return *head_; }
  const SubwordRule& subwords() const { return subwords_; }
  const OrtRuntime& runtime() const { return *runtime_; }
  // The most tokens (special tokens included) one model input may hold: the positions a text may use, capped by
  // tokenizer_config.json's model_max_length (512 for BERT, and for RoBERTa's 514-row position table).
  size_t max_tokens() const { return max_tokens_; }
  const std::string& model_path() const { return model_path_; }
  // Loadable but suspect: what a user should know about this model directory (e.g. a tokenizer without special
  // tokens). Empty for a sound model.
  const std::vector<std::string>& warnings() const { return warnings_; }
  // The calibration applied to every call: a factor per label for its logits (empty: none), and its file.
  const std::vector<float>& inverse_temperatures() const { return inverse_temperatures_; }
  const std::string& calibration_path() const { return calibration_path_; }

 private:
  Model() = default;
  const OrtRuntime* runtime_ = nullptr;
  std::unique_ptr<Tokenizer> tokenizer_;
  std::unique_ptr<InferenceSession> session_;
  LabelScheme labels_;
  std::unique_ptr<Head> head_;
  SubwordRule subwords_;
  size_t max_tokens_ = 512;
  std::string model_path_;
  std::vector<std::string> warnings_;
  std::vector<float> inverse_temperatures_;
  std::string calibration_path_;
};

}  // namespace nn
