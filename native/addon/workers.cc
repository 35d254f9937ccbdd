#include "addon/workers.h"

#include <exception>
#include <new>

#include "addon/convert.h"

namespace nn::addon {

PromiseWorker::PromiseWorker(Napi::Env env, const char* name)
    : Napi::AsyncWorker(env, name), deferred_(Napi::Promise::Deferred::New(env)) {}

void PromiseWorker::Execute() {
  try {
    Work();
  } catch (const Error& e) {
    failed_ = true;
    error_code_ = e.code();
    error_message_ = e.what();
  } catch (const std::bad_alloc&) {
    failed_ = true;
    error_message_ = "out of memory";
  } catch (const std::exception& e) {
    failed_ = true;
    error_message_ = e.what();
  } catch (...) {
    failed_ = true;
    error_message_ = "unknown native exception";
  }
}

void PromiseWorker::OnOK() {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  if (failed_) {
    deferred_.Reject(MakeError(env, error_code_, error_message_).Value());
    return;
  }
  try {
    deferred_.Resolve(Result(env));
  } catch (const Napi::Error& e) {
    deferred_.Reject(e.Value());
  }
}

void PromiseWorker::OnError(const Napi::Error& error) { deferred_.Reject(error.Value()); }

LoadModelWorker::LoadModelWorker(Napi::Env env, ModelParams params,
                                 std::function<Napi::Value(Napi::Env, std::shared_ptr<const Model>)> make_wrap)
    : PromiseWorker(env, "native-ner:load"), params_(std::move(params)), make_wrap_(std::move(make_wrap)) {}

void LoadModelWorker::Work() { model_ = Model::Load(params_); }

Napi::Value LoadModelWorker::Result(Napi::Env env) { return make_wrap_(env, std::move(model_)); }

ExtractWorker::ExtractWorker(Napi::Env env, std::shared_ptr<const Model> model, ExtractRequest request)
    : PromiseWorker(env, "native-ner:extract"), model_(std::move(model)), request_(std::move(request)) {}

void ExtractWorker::Work() { RunExtract(*model_, &request_); }

Napi::Value ExtractWorker::Result(Napi::Env env) {
  EntityColumns& columns = request_.result;
  Napi::Object out = Napi::Object::New(env);
  out.Set("offsets", ToTypedArray(env, std::move(columns.offsets)));
  out.Set("textIndex", ToTypedArray(env, std::move(columns.text_index)));
  out.Set("starts", ToTypedArray(env, std::move(columns.starts)));
  out.Set("ends", ToTypedArray(env, std::move(columns.ends)));
  out.Set("labels", ToTypedArray(env, std::move(columns.labels)));
  out.Set("scores", ToTypedArray(env, std::move(columns.scores)));
  out.Set("tokens", ToTypedArray(env, std::move(columns.tokens)));
  // A span model's labels are always types: aggregation does not apply to it.
  const bool labels_are_tags = model_->head() == NerHead::kToken && LabelsAreTags(request_.options.aggregation);
  out.Set("labelsAreTags", Napi::Boolean::New(env, labels_are_tags));
  return out;
}

}  // namespace nn::addon
