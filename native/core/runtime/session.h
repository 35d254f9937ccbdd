// One ONNX Runtime inference session per model file. Run() is const and thread-safe (ORT sessions are),
// so every worker thread shares the one copy of the weights.
#pragma once

#include <onnxruntime_c_api.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/runtime/ort_runtime.h"

namespace nn {

enum class Device {
  kCpu,
  kCuda,  // the CUDA execution provider, or an error saying what is missing
  kAuto,  // CUDA when it can be used, else the CPU
};

// Parses "cpu", "cuda" or "auto". Throws nn::Error(kInvalidArgument) otherwise.
Device ParseDevice(std::string_view name);

struct SessionParams {
  int intra_op_threads = 0;  // 0: ONNX Runtime's default (one per physical core)
  int inter_op_threads = 0;  // 0: ONNX Runtime's default
  bool optimize_graph = true;
  Device device = Device::kCpu;
  int device_id = 0;  // CUDA device ordinal
  // Added to the reason CUDA cannot be used, when the caller knows more (e.g. that the process runs a library
  // loaded earlier instead of the one chosen for CUDA).
  std::string cuda_hint;
};

// A padded batch in the layout the model takes: [batch, sequence] int64, row-major.
struct BatchInputs {
  size_t batch = 0;
  size_t sequence = 0;
  std::vector<int64_t> input_ids;
  std::vector<int64_t> attention_mask;
  std::vector<int64_t> token_type_ids;

  void Resize(size_t batch_size, size_t sequence_length, int64_t pad_id);
};

// The float output of one Run, owned until destruction; data() is row-major [batch, sequence, ...], the dimensions
// after sequence being the model head's (labels; or span width and labels).
class OutputTensor {
 public:
  OutputTensor(const OrtApi* api, OrtValue* value, const float* data, std::vector<int64_t> shape)
      : api_(api), value_(value), data_(data), shape_(std::move(shape)) {}
  OutputTensor(OutputTensor&& other) noexcept;
  OutputTensor(const OutputTensor&) = delete;
  OutputTensor& operator=(const OutputTensor&) = delete;
  ~OutputTensor();

  const float* data() const { return data_; }
  const std::vector<int64_t>& shape() const { return shape_; }

 private:
  const OrtApi* api_;
  OrtValue* value_;
  const float* data_;
  std::vector<int64_t> shape_;
};

class InferenceSession {
 public:
  // Throws nn::Error: kInvalidModel when ORT cannot load the file or its inputs/outputs are not a NER model's
  // (input_ids, attention_mask, optional token_type_ids; a float output, "logits" or the first). The output's shape
  // is the model head's to check (decode/head.h).
  InferenceSession(const OrtRuntime& runtime, const std::string& model_path, const SessionParams& params);
  ~InferenceSession();
  InferenceSession(const InferenceSession&) = delete;
  InferenceSession& operator=(const InferenceSession&) = delete;

  // Runs one batch. Throws nn::Error(kInferenceFailed).
  OutputTensor Run(BatchInputs& inputs) const;

  bool takes_token_type_ids() const { return token_type_ids_input_ >= 0; }
  const std::string& output_name() const { return output_name_; }
  // The output's declared shape; -1 for dimensions the model leaves dynamic.
  const std::vector<int64_t>& output_shape() const { return output_shape_; }
  // Where the model runs: "cpu" or "cuda"; with Device::kAuto, why CUDA was not used ("" otherwise).
  const std::string& device() const { return device_; }
  const std::string& device_note() const { return device_note_; }

 private:
  const OrtRuntime& runtime_;
  OrtSession* session_ = nullptr;
  OrtMemoryInfo* memory_info_ = nullptr;
  std::vector<std::string> input_names_;  // in the model's order
  int input_ids_input_ = -1, attention_mask_input_ = -1, token_type_ids_input_ = -1;
  std::string output_name_;
  std::vector<int64_t> output_shape_;
  std::string device_ = "cpu";
  std::string device_note_;
};

}  // namespace nn
