// Async work. Loading runs on a libuv thread (PromiseWorker); extract calls go to the model's engine, whose own
// threads settle each call's Promise through a thread-safe function, so no libuv thread waits on a call. Every
// exception is caught off the JS thread: a failure rejects the Promise, it never takes the process down.
#pragma once

#include <napi.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/engine/extract.h"
#include "core/engine/engine.h"
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
  std::optional<Error> error_;  // set when Work() failed
};

class LoadModelWorker : public PromiseWorker {
 public:
  // Loads the model and starts its engine; `make_wrap` turns the engine into the JS NativeModel object.
  LoadModelWorker(Napi::Env env, ModelParams params, EngineParams engine_params,
                  std::function<Napi::Value(Napi::Env, std::shared_ptr<Engine>)> make_wrap);

 private:
  void Work() override;
  Napi::Value Result(Napi::Env env) override;

  ModelParams params_;
  EngineParams engine_params_;
  std::shared_ptr<Engine> engine_;
  std::function<Napi::Value(Napi::Env, std::shared_ptr<Engine>)> make_wrap_;
};

// Submits `request` to `engine` and returns its Promise of result columns. The call keeps the engine alive until
// it settles, so disposing the model's handle lets calls in flight finish.
Napi::Promise QueueExtract(Napi::Env env, std::shared_ptr<Engine> engine, std::unique_ptr<ExtractRequest> request);

}  // namespace nn::addon
