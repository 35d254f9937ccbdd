// Sanitizer builds only (NATIVE_NER_PLANTED_FAULTS, set by CMake's NATIVE_NER_SANITIZE): an export that commits a
// chosen memory or undefined-behaviour fault on purpose, so `npm run test:sanitize` can show that the binary it
// tests really is instrumented (the sanitizer must report the fault and abort). Never in a release build.
#pragma once

#include <napi.h>

namespace nn::addon {

#if defined(NATIVE_NER_PLANTED_FAULTS)
// plantedFault('heap-overflow' | 'use-after-free' | 'signed-overflow'): does it; returns only if not caught.
void ExportPlantedFaults(Napi::Env env, Napi::Object exports);
#else
inline void ExportPlantedFaults(Napi::Env, Napi::Object) {}
#endif

}  // namespace nn::addon
