// NativeModel: the JS handle of one loaded model and its engine (one per handle, so dispose() has one thing to
// stop). Every in-flight call holds its own reference to the engine, which holds the immutable core Model, so
// dispose() never frees what an engine thread is using: the engine's threads stop once the last call settles.
#pragma once

#include <napi.h>

#include <memory>

#include "core/engine/engine.h"
#include "core/model.h"

namespace nn::addon {

class ModelWrap : public Napi::ObjectWrap<ModelWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  // Wraps an already loaded model and its engine (the async load path).
  static Napi::Value Wrap(Napi::Env env, std::shared_ptr<Engine> engine);

  // new NativeModel(params): loads synchronously on the calling thread.
  explicit ModelWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value Extract(const Napi::CallbackInfo& info);   // (texts, options) => Promise<columns>
  Napi::Value Tokenize(const Napi::CallbackInfo& info);  // (text, addSpecialTokens?) => encoding
  Napi::Value Info(const Napi::CallbackInfo& info);      // labels, types, window, paths, ORT, device, head
  Napi::Value Stats(const Napi::CallbackInfo& info);       // the engine's counters, as plain numbers
  Napi::Value ResetStats(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);

  const Model& Require(Napi::Env env) const;  // throws ERR_DISPOSED after dispose()

  std::shared_ptr<const Model> model_;
  std::shared_ptr<Engine> engine_;
};

}  // namespace nn::addon
