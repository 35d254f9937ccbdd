// NativeModel: the JS handle of one loaded model. Holds a shared reference to the immutable core Model;
// every in-flight call holds another, so dispose() never frees what a worker thread is using.
#pragma once

#include <napi.h>

#include <memory>

#include "core/model.h"

namespace nn::addon {

class ModelWrap : public Napi::ObjectWrap<ModelWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  // Wraps an already loaded model (the async load path).
  static Napi::Value Wrap(Napi::Env env, std::shared_ptr<const Model> model);

  // new NativeModel(params): loads synchronously on the calling thread.
  explicit ModelWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value Extract(const Napi::CallbackInfo& info);   // (texts, options) => Promise<columns>
  Napi::Value Tokenize(const Napi::CallbackInfo& info);  // (text, addSpecialTokens?) => encoding
  Napi::Value Info(const Napi::CallbackInfo& info);      // labels, types, window, paths, ORT version
  Napi::Value Dispose(const Napi::CallbackInfo& info);

  const Model& Require(Napi::Env env) const;  // throws ERR_DISPOSED after dispose()

  std::shared_ptr<const Model> model_;
};

}  // namespace nn::addon
