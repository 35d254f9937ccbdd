// Async work: each worker carries its request ("baton") to a libuv thread, where only core code runs,
// and settles a Promise back on the JS thread. Every exception is caught on the worker thread: a failure
// rejects the Promise, it never takes the process down.
#pragma once

#include <napi.h>

#include <functional>
#include <memory>
#include <string>

#include "core/engine/extract.h"
#include "core/error.h"
#include "core/model.h"

namespace nn::addon {

// Shared part: runs Work() off the JS thread and records a core failure as (code, message).
class PromiseWorker : public Napi::AsyncWorker {
 public:
  PromiseWorker(Napi::Env env, const char* name);
  Napi::Promise promise() const { return deferred_.Promise(); }

 protected:
  virtual void Work() = 0;                         // worker thread: core code only
  virtual Napi::Value Result(Napi::Env env) = 0;   // JS thread, after Work succeeded

 private:
  void Execute() final;
  void OnOK() final;
  void OnError(const Napi::Error& error) final;

  Napi::Promise::Deferred deferred_;
  bool failed_ = false;
  ErrorCode error_code_ = ErrorCode::kInternal;
  std::string error_message_;
};

class LoadModelWorker : public PromiseWorker {
 public:
  // `make_wrap` turns the loaded model into the JS NativeModel object.
  LoadModelWorker(Napi::Env env, ModelParams params,
                  std::function<Napi::Value(Napi::Env, std::shared_ptr<const Model>)> make_wrap);

 private:
  void Work() override;
  Napi::Value Result(Napi::Env env) override;

  ModelParams params_;
  std::shared_ptr<const Model> model_;
  std::function<Napi::Value(Napi::Env, std::shared_ptr<const Model>)> make_wrap_;
};

class ExtractWorker : public PromiseWorker {
 public:
  ExtractWorker(Napi::Env env, std::shared_ptr<const Model> model, ExtractRequest request);

 private:
  void Work() override;
  Napi::Value Result(Napi::Env env) override;

  std::shared_ptr<const Model> model_;  // keeps the model alive while the work runs, even past dispose()
  ExtractRequest request_;
};

}  // namespace nn::addon
