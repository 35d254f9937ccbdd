#include "addon/planted_faults.h"

#if defined(NATIVE_NER_PLANTED_FAULTS)

#include <cstdint>
#include <string>

namespace nn::addon {
namespace {

// volatile: the compiler must not prove the faults away.
volatile int32_t g_index = 8;
volatile int32_t g_large = INT32_MAX;

// Memory faults for ASan; UBSan's own bounds checks are off here so that ASan is the one to report them.
__attribute__((no_sanitize("undefined"))) int32_t MemoryFault(const std::string& kind) {
  auto* block = new int32_t[8]();
  int32_t result = 0;
  if (kind == "heap-overflow") result = block[g_index];  // one past the end
  delete[] block;
  if (kind == "use-after-free") result = block[0];
  return result;
}

Napi::Value PlantedFault(const Napi::CallbackInfo& info) {
  const std::string kind = info[0].As<Napi::String>().Utf8Value();
  const int32_t result = kind == "signed-overflow" ? g_large + 1 : MemoryFault(kind);
  return Napi::Number::New(info.Env(), result);
}

}  // namespace

void ExportPlantedFaults(Napi::Env env, Napi::Object exports) {
  exports.Set("plantedFault", Napi::Function::New(env, PlantedFault, "plantedFault"));
}

}  // namespace nn::addon

#endif
