#include "core/runtime/session.h"

#include <cctype>

#include "core/util/scope_exit.h"

namespace nn {

Device ParseDevice(std::string_view name) {
  if (name == "cpu") return Device::kCpu;
  if (name == "cuda") return Device::kCuda;
  if (name == "auto") return Device::kAuto;
  throw Error(ErrorCode::kInvalidArgument, "unknown device '" + std::string(name) + "'; expected cpu, cuda or auto");
}

void BatchInputs::Resize(size_t batch_size, size_t sequence_length, int64_t pad_id) {
  batch = batch_size;
  sequence = sequence_length;
  const size_t n = batch_size * sequence_length;
  input_ids.assign(n, pad_id);
  attention_mask.assign(n, 0);
  token_type_ids.assign(n, 0);
}

OutputTensor::OutputTensor(OutputTensor&& other) noexcept
    : api_(other.api_), value_(other.value_), data_(other.data_), shape_(std::move(other.shape_)) {
  other.value_ = nullptr;
}

OutputTensor::~OutputTensor() {
  if (value_) api_->ReleaseValue(value_);
}

namespace {

// Threads and graph optimisation: the options every session gets, whatever its device.
void ConfigureCpu(const OrtRuntime& runtime, const SessionParams& params, OrtSessionOptions* options) {
  const OrtApi& api = runtime.api();
  if (params.intra_op_threads > 0) {
    runtime.Check(api.SetIntraOpNumThreads(options, params.intra_op_threads), ErrorCode::kInvalidArgument,
                  "intraOpThreads");
  }
  if (params.inter_op_threads > 0) {
    runtime.Check(api.SetInterOpNumThreads(options, params.inter_op_threads), ErrorCode::kInvalidArgument,
                  "interOpThreads");
  }
  runtime.Check(api.SetSessionGraphOptimizationLevel(options, params.optimize_graph ? ORT_ENABLE_ALL : ORT_DISABLE_ALL),
                ErrorCode::kInternal, "SetSessionGraphOptimizationLevel");
}

// Registers the CUDA execution provider; returns why it cannot be used, or "" when it is registered.
std::string AppendCudaProvider(const OrtRuntime& runtime, OrtSessionOptions* options, int device_id) {
  const OrtApi& api = runtime.api();
  OrtCUDAProviderOptionsV2* cuda = nullptr;
  if (OrtStatus* status = api.CreateCUDAProviderOptions(&cuda)) {
    std::string problem = api.GetErrorMessage(status);
    api.ReleaseStatus(status);
    return problem;
  }
  ScopeExit release_cuda([&] { api.ReleaseCUDAProviderOptions(cuda); });
  const std::string id = std::to_string(device_id);
  const char* keys[] = {"device_id"};
  const char* values[] = {id.c_str()};
  OrtStatus* status = api.UpdateCUDAProviderOptions(cuda, keys, values, 1);
  if (!status) status = api.SessionOptionsAppendExecutionProvider_CUDA_V2(options, cuda);
  if (!status) return "";
  std::string problem = api.GetErrorMessage(status);
  api.ReleaseStatus(status);
  return problem;
}

// Owns a string ORT allocated with its default allocator.
struct OrtString {
  const OrtApi* api;
  OrtAllocator* allocator;
  char* value = nullptr;
  ~OrtString() {
    if (!value) return;
    if (OrtStatus* status = api->AllocatorFree(allocator, value)) api->ReleaseStatus(status);
  }
};

}  // namespace

InferenceSession::InferenceSession(const OrtRuntime& runtime, const std::string& model_path,
                                   const SessionParams& params)
    : runtime_(runtime) {
  const OrtApi& api = runtime.api();
  OrtSessionOptions* options = nullptr;
  runtime.Check(api.CreateSessionOptions(&options), ErrorCode::kInternal, "CreateSessionOptions");
  ScopeExit release_options([&] { api.ReleaseSessionOptions(options); });

  ConfigureCpu(runtime, params, options);

  const bool try_cuda = params.device != Device::kCpu;
  std::string cuda_problem = try_cuda ? AppendCudaProvider(runtime, options, params.device_id) : "";
  OrtStatus* created = nullptr;
  if (try_cuda && cuda_problem.empty()) {
    created = api.CreateSession(runtime.env(), model_path.c_str(), options, &session_);
    if (created) {
      cuda_problem = api.GetErrorMessage(created);
      api.ReleaseStatus(created);
      created = nullptr;
      session_ = nullptr;
    } else {
      device_ = "cuda";
    }
  }
  if (!cuda_problem.empty()) {
    while (!cuda_problem.empty() && std::isspace(static_cast<unsigned char>(cuda_problem.back()))) cuda_problem.pop_back();
    cuda_problem += " (ONNX Runtime " + runtime.version() + " from '" + runtime.library_path() + "'" + params.cuda_hint + ")";
    if (params.device == Device::kCuda) {
      throw Error(ErrorCode::kRuntimeUnavailable,
                  "device 'cuda' is not available: " + cuda_problem +
                      ". It needs an NVIDIA GPU and driver, the CUDA 13 and cuDNN 9 libraries on the library path, and "
                      "ONNX Runtime's CUDA provider libraries next to a CUDA-enabled libonnxruntime of their version (docs/api.md, "
                      "\"CUDA\": onnxruntime-node's own install step, or npm install "
                      "com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9 onnxruntime-node-1.29@npm:onnxruntime-node@1.29.0); "
                      "device 'auto' falls back to the CPU instead");
    }
    device_note_ = "CUDA not used: " + cuda_problem;
    // The CUDA provider may be half-registered on these options: start again from CPU-only ones.
    api.ReleaseSessionOptions(options);
    options = nullptr;
    runtime.Check(api.CreateSessionOptions(&options), ErrorCode::kInternal, "CreateSessionOptions");
    ConfigureCpu(runtime, params, options);
  }
  if (!session_) {
    runtime.Check(api.CreateSession(runtime.env(), model_path.c_str(), options, &session_), ErrorCode::kInvalidModel,
                  "cannot load ONNX model '" + model_path + "'");
  }

  try {
    OrtAllocator* allocator = nullptr;
    runtime.Check(api.GetAllocatorWithDefaultOptions(&allocator), ErrorCode::kInternal, "GetAllocatorWithDefaultOptions");

    size_t input_count = 0;
    runtime.Check(api.SessionGetInputCount(session_, &input_count), ErrorCode::kInvalidModel, "SessionGetInputCount");
    for (size_t i = 0; i < input_count; ++i) {
      OrtString name{&api, allocator};
      runtime.Check(api.SessionGetInputName(session_, i, allocator, &name.value), ErrorCode::kInvalidModel,
                    "SessionGetInputName");
      input_names_.emplace_back(name.value);
      const std::string& n = input_names_.back();
      const int index = static_cast<int>(i);
      if (n == "input_ids") {
        input_ids_input_ = index;
      } else if (n == "attention_mask") {
        attention_mask_input_ = index;
      } else if (n == "token_type_ids") {
        token_type_ids_input_ = index;
      } else {
        throw Error(ErrorCode::kInvalidModel, "model '" + model_path + "' has an input '" + n +
                                                  "'; a token classifier takes input_ids, attention_mask and "
                                                  "optionally token_type_ids");
      }
    }
    if (input_ids_input_ < 0 || attention_mask_input_ < 0) {
      throw Error(ErrorCode::kInvalidModel,
                  "model '" + model_path + "' lacks the input_ids or attention_mask input of a token classifier");
    }

    size_t output_count = 0;
    runtime.Check(api.SessionGetOutputCount(session_, &output_count), ErrorCode::kInvalidModel, "SessionGetOutputCount");
    if (output_count == 0) throw Error(ErrorCode::kInvalidModel, "model '" + model_path + "' has no outputs");
    size_t chosen = 0;  // "logits" when present, else the first output
    for (size_t i = 0; i < output_count; ++i) {
      OrtString name{&api, allocator};
      runtime.Check(api.SessionGetOutputName(session_, i, allocator, &name.value), ErrorCode::kInvalidModel,
                    "SessionGetOutputName");
      if (i == 0 || std::string(name.value) == "logits") {
        chosen = i;
        output_name_ = name.value;
      }
    }

    OrtTypeInfo* type_info = nullptr;
    runtime.Check(api.SessionGetOutputTypeInfo(session_, chosen, &type_info), ErrorCode::kInvalidModel,
                  "SessionGetOutputTypeInfo");
    ScopeExit release_type_info([&] { api.ReleaseTypeInfo(type_info); });
    const OrtTensorTypeAndShapeInfo* tensor_info = nullptr;
    runtime.Check(api.CastTypeInfoToTensorInfo(type_info, &tensor_info), ErrorCode::kInvalidModel, "CastTypeInfoToTensorInfo");
    if (!tensor_info) throw Error(ErrorCode::kInvalidModel, "output '" + output_name_ + "' is not a tensor");
    ONNXTensorElementDataType element_type;
    runtime.Check(api.GetTensorElementType(tensor_info, &element_type), ErrorCode::kInvalidModel, "GetTensorElementType");
    if (element_type != ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT) {
      throw Error(ErrorCode::kInvalidModel, "output '" + output_name_ + "' of '" + model_path + "' is not float32");
    }
    size_t rank = 0;
    runtime.Check(api.GetDimensionsCount(tensor_info, &rank), ErrorCode::kInvalidModel, "GetDimensionsCount");
    output_shape_.resize(rank);
    runtime.Check(api.GetDimensions(tensor_info, output_shape_.data(), rank), ErrorCode::kInvalidModel, "GetDimensions");

    runtime.Check(api.CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &memory_info_), ErrorCode::kInternal,
                  "CreateCpuMemoryInfo");
  } catch (...) {
    api.ReleaseSession(session_);
    session_ = nullptr;
    throw;
  }
}

InferenceSession::~InferenceSession() {
  const OrtApi& api = runtime_.api();
  if (memory_info_) api.ReleaseMemoryInfo(memory_info_);
  if (session_) api.ReleaseSession(session_);
}

OutputTensor InferenceSession::Run(BatchInputs& inputs) const {
  const OrtApi& api = runtime_.api();
  const int64_t shape[2] = {static_cast<int64_t>(inputs.batch), static_cast<int64_t>(inputs.sequence)};
  const size_t bytes = inputs.batch * inputs.sequence * sizeof(int64_t);

  // Input tensors borrow the batch's buffers: no copy. They are released before returning.
  std::vector<OrtValue*> values(input_names_.size(), nullptr);
  auto release_values = [&]() {
    for (OrtValue* v : values)
      if (v) api.ReleaseValue(v);
  };
  auto wrap = [&](int index, std::vector<int64_t>& buffer) {
    runtime_.Check(api.CreateTensorWithDataAsOrtValue(memory_info_, buffer.data(), bytes, shape, 2,
                                                      ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64, &values[index]),
                   ErrorCode::kInferenceFailed, "cannot create an input tensor");
  };

  OrtValue* output = nullptr;
  try {
    wrap(input_ids_input_, inputs.input_ids);
    wrap(attention_mask_input_, inputs.attention_mask);
    if (token_type_ids_input_ >= 0) wrap(token_type_ids_input_, inputs.token_type_ids);

    std::vector<const char*> names;
    for (const std::string& n : input_names_) names.push_back(n.c_str());
    const char* output_names[1] = {output_name_.c_str()};
    runtime_.Check(api.Run(session_, nullptr, names.data(), values.data(), values.size(), output_names, 1, &output),
                   ErrorCode::kInferenceFailed, "ONNX Runtime failed to run the model");
    release_values();
    values.assign(values.size(), nullptr);

    OrtTensorTypeAndShapeInfo* info = nullptr;
    runtime_.Check(api.GetTensorTypeAndShape(output, &info), ErrorCode::kInferenceFailed, "GetTensorTypeAndShape");
    size_t rank = 0;
    OrtStatus* status = api.GetDimensionsCount(info, &rank);
    std::vector<int64_t> out_shape(rank);
    if (!status) status = api.GetDimensions(info, out_shape.data(), rank);
    api.ReleaseTensorTypeAndShapeInfo(info);
    runtime_.Check(status, ErrorCode::kInferenceFailed, "GetDimensions");

    void* data = nullptr;
    runtime_.Check(api.GetTensorMutableData(output, &data), ErrorCode::kInferenceFailed, "GetTensorMutableData");
    return OutputTensor(&api, output, static_cast<const float*>(data), std::move(out_shape));
  } catch (...) {
    release_values();
    if (output) api.ReleaseValue(output);
    throw;
  }
}

}  // namespace nn
