// Per-environment state (the main thread and each worker thread get their own), which keeps the addon
// context-aware: no JS handle lives in a static.
#pragma once

#include <napi.h>

namespace nn::addon {

struct AddonData {
  Napi::FunctionReference model_constructor;
  Napi::FunctionReference tokenizer_constructor;

  static AddonData& Of(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }
};

}  // namespace nn::addon
