#include "core/runtime/ort_runtime.h"

#include <dlfcn.h>

#include <memory>
#include <mutex>

namespace nn {
namespace {

std::mutex g_runtime_mutex;
std::unique_ptr<OrtRuntime> g_runtime;  // never destroyed before exit: sessions may outlive any owner

}  // namespace

OrtRuntime& OrtRuntime::Load(const std::string& library_path, Choice choice) {
  std::lock_guard<std::mutex> lock(g_runtime_mutex);
  if (g_runtime) {
    if (choice == Choice::kRequired && library_path != g_runtime->library_path_) {
      throw Error(ErrorCode::kInvalidArgument,
                  "ONNX Runtime is already loaded in this process from '" + g_runtime->library_path_ +
                      "'; a process holds one ONNX Runtime library, so '" + library_path +
                      "' cannot be loaded beside it: give every model the same ortLibraryPath (or none)");
    }
    return *g_runtime;
  }

  // RTLD_LOCAL keeps ORT's symbols out of the global namespace, away from other addons (onnxruntime-node).
  void* handle = dlopen(library_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* reason = dlerror();
    throw Error(ErrorCode::kRuntimeUnavailable,
                "cannot load the ONNX Runtime library '" + library_path + "': " + (reason ? reason : "unknown error") +
                    ". Reinstall onnxruntime-node (npm install) or pass ortLibraryPath / set NATIVE_NER_ORT_LIBRARY.");
  }
  using GetApiBaseFn = const OrtApiBase* (*)();
  auto get_api_base = reinterpret_cast<GetApiBaseFn>(dlsym(handle, "OrtGetApiBase"));
  if (!get_api_base) {
    dlclose(handle);
    throw Error(ErrorCode::kRuntimeUnavailable, "'" + library_path + "' is not an ONNX Runtime library (no OrtGetApiBase)");
  }
  const OrtApiBase* base = get_api_base();
  // Asking for the header's API version works with any newer library: the C API only ever grows.
  const OrtApi* api = base ? base->GetApi(ORT_API_VERSION) : nullptr;
  if (!api) {
    std::string found = base ? base->GetVersionString() : "unknown";
    dlclose(handle);
    throw Error(ErrorCode::kRuntimeUnavailable, "ONNX Runtime " + found + " at '" + library_path +
                                                    "' does not provide C API version " +
                                                    std::to_string(ORT_API_VERSION) + "; install onnxruntime-node >= 1.21");
  }

  auto runtime = std::unique_ptr<OrtRuntime>(new OrtRuntime());
  runtime->api_ = api;
  runtime->version_ = base->GetVersionString();
  runtime->library_path_ = library_path;
  runtime->Check(api->CreateEnv(ORT_LOGGING_LEVEL_ERROR, "native-ner", &runtime->env_), ErrorCode::kRuntimeUnavailable,
                 "cannot create the ONNX Runtime environment");
  g_runtime = std::move(runtime);
  return *g_runtime;
}

void OrtRuntime::Check(OrtStatus* status, ErrorCode code, const std::string& context) const {
  if (!status) return;
  std::string message = context + ": " + api_->GetErrorMessage(status);
  api_->ReleaseStatus(status);
  throw Error(code, message);
}

}  // namespace nn
