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
  // How a model names its library. A process hosts one ONNX Runtime (one environment), so once a library is loaded,
  // a model that merely prefers another (native-ner's own default choice for its device) runs on the loaded one,
  // while a model whose caller required a library (ortLibraryPath, NATIVE_NER_ORT_LIBRARY) must name that one.
  enum class Choice { kRequired, kPreferred };

  // Loads the library at `library_path` on first use and returns the process runtime; later calls get the same
  // runtime (see Choice). Throws nn::Error: kRuntimeUnavailable with the reason and how to fix it;
  // kInvalidArgument when `choice` is kRequired and another library is already loaded.
  static OrtRuntime& Load(const std::string& library_path, Choice choice = Choice::kRequired);

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
