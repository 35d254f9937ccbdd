#include "addon/workers.h"

#include <exception>
#include <mutex>

#include "addon/convert.h"
#include "addon/redaction_wrap.h"

namespace nn::addon {

PromiseWorker::PromiseWorker(Napi::Env env, const char* name)
    : Napi::AsyncWorker(env, name), deferred_(Napi::Promise::Deferred::New(env)) {}

void PromiseWorker::Execute() {
  try {
    Work();
  } catch (...) {
    error_ = ErrorFromException(std::current_exception());
  }
}

void PromiseWorker::OnOK() {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  if (error_) {
    deferred_.Reject(MakeError(env, error_->code(), error_->what()).Value());
    return;
  }
  try {
    deferred_.Resolve(Result(env));
  } catch (const Napi::Error& e) {
    deferred_.Reject(e.Value());
  }
}

void PromiseWorker::OnError(const Napi::Error& error) { deferred_.Reject(error.Value()); }

LoadModelWorker::LoadModelWorker(Napi::Env env, ModelParams params, EngineParams engine_params,
                                 std::function<Napi::Value(Napi::Env, std::shared_ptr<Engine>)> make_wrap)
    : PromiseWorker(env, "native-ner:load"),
      params_(std::move(params)),
      engine_params_(engine_params),
      make_wrap_(std::move(make_wrap)) {}

void LoadModelWorker::Work() { engine_ = std::make_shared<Engine>(Model::Load(params_), engine_params_); }

Napi::Value LoadModelWorker::Result(Napi::Env env) { return make_wrap_(env, std::move(engine_)); }

namespace {

struct ExtractOutcome {
  std::unique_ptr<ExtractRequest> request;  // null when the call failed
  std::optional<Error> error;
};

// The thread-safe function of one call. The engine thread that completes the call posts through it unless the
// environment is already gone (its finalizer ran, on teardown): the lock makes "gone" and "post" exclusive.
struct CallSettler;
struct CallContext {
  Napi::Promise::Deferred deferred;
  std::shared_ptr<Engine> engine;  // released on the JS thread once the call has settled
  std::shared_ptr<CallSettler> settler;
};

void SettleExtract(Napi::Env env, Napi::Function, CallContext* context, ExtractOutcome* outcome);
using ExtractTsfn = Napi::TypedThreadSafeFunction<CallContext, ExtractOutcome, SettleExtract>;

struct CallSettler {
  std::mutex mutex;
  bool gone = false;
  ExtractTsfn tsfn;

  void Post(ExtractOutcome* outcome) {
    std::lock_guard<std::mutex> lock(mutex);
    if (gone || tsfn.NonBlockingCall(outcome) != napi_ok) delete outcome;
    if (!gone) tsfn.Release();
  }
};

// With rules, also each entity's source and id (indices into the rule set's names, which lib/ reads once) and the
// label names the labels index.
Napi::Object ColumnsToObject(Napi::Env env, ExtractRequest& request, bool labels_are_tags) {
  EntityColumns& columns = request.result;
  Napi::Object out = Napi::Object::New(env);
  out.Set("offsets", ToTypedArray(env, std::move(columns.offsets)));
  out.Set("textIndex", ToTypedArray(env, std::move(columns.text_index)));
  out.Set("starts", ToTypedArray(env, std::move(columns.starts)));
  out.Set("ends", ToTypedArray(env, std::move(columns.ends)));
  out.Set("labels", ToTypedArray(env, std::move(columns.labels)));
  out.Set("scores", ToTypedArray(env, std::move(columns.scores)));
  out.Set("tokens", ToTypedArray(env, std::move(columns.tokens)));
  out.Set("labelsAreTags", Napi::Boolean::New(env, labels_are_tags));
  if (request.rules) {
    out.Set("sources", ToTypedArray(env, std::move(columns.sources)));
    out.Set("ids", ToTypedArray(env, std::move(columns.ids)));
    Napi::Array names = Napi::Array::New(env, request.label_names.size());
    for (size_t i = 0; i < request.label_names.size(); ++i) names.Set(static_cast<uint32_t>(i), request.label_names[i]);
    out.Set("labelNames", names);
  }
  if (columns.signals) {
    out.Set("minProbs", ToTypedArray(env, std::move(columns.min_probs)));
    out.Set("margins", ToTypedArray(env, std::move(columns.margins)));
    out.Set("entropies", ToTypedArray(env, std::move(columns.entropies)));
    out.Set("textEntropy", ToTypedArray(env, std::move(columns.text_entropy)));
    out.Set("unkRate", ToTypedArray(env, std::move(columns.unk_rate)));
    out.Set("textWindows", ToTypedArray(env, std::move(columns.text_windows)));
    out.Set("textTokens", ToTypedArray(env, std::move(columns.text_tokens)));
  }
  if (columns.token_scores) {
    out.Set("tokenRows", ToTypedArray(env, std::move(columns.token_rows)));
    out.Set("tokenSpans", ToTypedArray(env, std::move(columns.token_spans)));
    out.Set("tokenLogits", ToTypedArray(env, std::move(columns.token_logits)));
  }
  if (request.redaction) out.Set("redacted", RedactedToObject(env, std::move(request.redacted)));
  return out;
}

void SettleExtract(Napi::Env env, Napi::Function, CallContext* context, ExtractOutcome* outcome) {
  std::unique_ptr<ExtractOutcome> owned(outcome);
  if (env == nullptr) return;  // the environment is shutting down
  try {
    Napi::HandleScope scope(env);
    if (outcome->error) {
      context->deferred.Reject(MakeError(env, outcome->error->code(), outcome->error->what()).Value());
      return;
    }
    try {
      const bool labels_are_tags = context->engine->model().head().LabelsAreTags(outcome->request->options.head);
      context->deferred.Resolve(ColumnsToObject(env, *outcome->request, labels_are_tags));
    } catch (const Napi::Error& e) {
      context->deferred.Reject(e.Value());
    }
  } catch (const Napi::Error&) {
    // The environment is being torn down (worker.terminate()) and runs no JS: the promise can no longer be settled,
    // and an exception leaving this callback would end the process (std::terminate).
  }
}

void FinalizeExtract(Napi::Env, void*, CallContext* context) {
  {
    std::lock_guard<std::mutex> lock(context->settler->mutex);
    context->settler->gone = true;
  }
  delete context;
}

}  // namespace

Napi::Promise QueueExtract(Napi::Env env, std::shared_ptr<Engine> engine, std::unique_ptr<ExtractRequest> request) {
  auto* context = new CallContext{Napi::Promise::Deferred::New(env), engine, std::make_shared<CallSettler>()};
  Napi::Promise promise = context->deferred.Promise();
  std::shared_ptr<CallSettler> settler = context->settler;
  // The thread-safe function also keeps the event loop alive while the call is in flight.
  settler->tsfn = ExtractTsfn::New(env, "native-ner:extract", 0, 1, context, FinalizeExtract, (void*)nullptr);
  engine->Submit(std::move(request), [settler](std::unique_ptr<ExtractRequest> done, std::optional<Error> error) {
    settler->Post(new ExtractOutcome{std::move(done), std::move(error)});
  });
  return promise;
}

}  // namespace nn::addon
