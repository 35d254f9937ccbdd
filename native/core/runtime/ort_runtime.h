// The ONNX Runtime shared library, loaded once per process with dlopen, and the process-wide OrtEnv
// (ONNX Runtime allows one environment per process). Nothing is linked at build time: the library
// ships in the onnxruntime-node npm package and its path is found by the JS layer.
#pragma once

#include <onnxruntime_c_api.h>

#include <string>

#include "core/error.h"

namespace nn {

class OrtRuntime {
 public:
  // Loads the library at `library_path` on first use and returns the process runtime. Later calls must name
  // the same path (a process cannot host two ORT environments). Throws nn::Error: kRuntimeUnavailable with the
  // reason and how to fix it; kInvalidArgument when another library is already loaded.
  static OrtRuntime& Load(const std::string& library_path);

  const OrtApi& api() const { return *api_; }
  OrtEnv* env() const { return env_; }
  const std::string& version() const { return version_; }
  const std::string& library_path() const { return library_path_; }

  // Throws nn::Error(code, context + ORT's message) when `status` is an error; frees it either way.
  void Check(OrtStatus* status, ErrorCode code, const std::string& context) const;

 private:
  OrtRuntime() = default;
  const OrtApi* api_ = nullptr;
  OrtEnv* env_ = nullptr;
  std::string version_;
  std::string library_path_;
};

}  // namespace nn
