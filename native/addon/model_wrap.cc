#include "addon/model_wrap.h"

#include "addon/addon_data.h"
#include "addon/convert.h"
#include "addon/monitoring_wrap.h"
#include "addon/redaction_wrap.h"
#include "addon/rules_wrap.h"
#include "addon/workers.h"

namespace nn::addon {
namespace {

// {utf8: Uint8Array, offsets: Uint32Array}: text i is utf8[offsets[i], offsets[i + 1]). The bytes are copied once
// (a memcpy on this thread) and decoded on the worker thread. lib/ checks the two types; the offsets are the caller's
// data, passed through as given, so whether they fit the bytes is checked here.
void ReadUtf8Texts(const Napi::Object& input, ExtractRequest* request) {
  Napi::Env env = input.Env();
  Napi::Value bytes = input.Get("utf8");
  Napi::Value bounds = input.Get("offsets");
  if (!bytes.IsTypedArray() || bytes.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw UncheckedValueError(env, "input utf8", bytes, "a Uint8Array");
  }
  if (!bounds.IsTypedArray() || bounds.As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
    throw UncheckedValueError(env, "input offsets", bounds, "a Uint32Array");
  }
  Napi::Uint8Array data = bytes.As<Napi::Uint8Array>();
  Napi::Uint32Array offsets = bounds.As<Napi::Uint32Array>();
  if (offsets.ElementLength() < 1) {
    throw MakeError(env, ErrorCode::kInvalidArgument, "offsets needs at least one entry (0 for no texts)");
  }
  for (size_t i = 0; i < offsets.ElementLength(); ++i) {
    const bool ordered = i == 0 || offsets[i] >= offsets[i - 1];
    if (!ordered || offsets[i] > data.ElementLength()) {
      throw MakeError(env, ErrorCode::kInvalidArgument,
                      "offsets must be non-decreasing byte offsets within utf8; offsets[" + std::to_string(i) +
                          "] = " + std::to_string(offsets[i]) + " is not");
    }
  }
  request->utf8.assign(reinterpret_cast<const char*>(data.Data()), data.ElementLength());
  request->utf8_bounds.assign(offsets.Data(), offsets.Data() + offsets.ElementLength());
}

}  // namespace

Napi::Function ModelWrap::Define(Napi::Env env) {
  return DefineClass(env, "NativeModel",
                     {InstanceMethod<&ModelWrap::Extract>("extract"), InstanceMethod<&ModelWrap::Tokenize>("tokenize"),
                      InstanceMethod<&ModelWrap::Info>("info"), InstanceMethod<&ModelWrap::Stats>("stats"),
                      InstanceMethod<&ModelWrap::ResetStats>("resetStats"),
                      InstanceMethod<&ModelWrap::Dispose>("dispose")});
}

Napi::Value ModelWrap::Wrap(Napi::Env env, std::shared_ptr<Engine> engine) {
  // The constructor recognises this External as "already loaded".
  auto* holder = new std::shared_ptr<Engine>(std::move(engine));
  auto external = Napi::External<std::shared_ptr<Engine>>::New(
      env, holder, [](Napi::Env, std::shared_ptr<Engine>* p) { delete p; });
  return AddonData::Of(env).model_constructor.New({external});
}

ModelWrap::ModelWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ModelWrap>(info) {
  Napi::Env env = info.Env();
  if (info.Length() >= 1 && info[0].IsExternal()) {
    // Moved out, not copied: the External lives until garbage collection, and a copy left in it would keep the
    // engine (its threads, the ONNX session) alive after dispose().
    engine_ = std::move(*info[0].As<Napi::External<std::shared_ptr<Engine>>>().Data());
  } else {
    const Napi::Value params = info.Length() >= 1 ? info[0] : env.Undefined();
    const ModelParams model_params = ToModelParams(params);
    const EngineParams engine_params = ToEngineParams(params);
    engine_ = GuardCore(env, [&] { return std::make_shared<Engine>(Model::Load(model_params), engine_params); });
  }
  model_ = engine_->shared_model();
}

const Model& ModelWrap::Require(Napi::Env env) const {
  if (!model_) throw MakeError(env, ErrorCode::kDisposed, "this model was disposed; load it again to use it");
  return *model_;
}

Napi::Value ModelWrap::Extract(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Require(env);
  auto request = std::make_unique<ExtractRequest>();
  request->options = ToExtractOptions(info.Length() >= 2 ? info[1] : env.Undefined());
  request->rules = ToRuleSet(info.Length() >= 3 ? info[2] : env.Undefined());  // held by the call
  request->redaction = ToRedactionPolicy(info.Length() >= 4 ? info[3] : env.Undefined());
  request->monitor = ToMonitor(info.Length() >= 5 ? info[4] : env.Undefined());  // held by the call
  const Napi::Value input = info.Length() >= 1 ? info[0] : env.Undefined();
  if (input.IsObject() && !input.IsArray()) {
    ReadUtf8Texts(input.As<Napi::Object>(), request.get());
  } else {
    if (!input.IsArray()) throw UncheckedValueError(env, "input texts", input, "an array of strings");
    Napi::Array texts = input.As<Napi::Array>();
    request->texts.reserve(texts.Length());
    for (uint32_t i = 0; i < texts.Length(); ++i) {
      Napi::Value text = texts.Get(i);
      if (!text.IsString()) throw UncheckedValueError(env, "texts[" + std::to_string(i) + "]", text, "a string");
      request->texts.push_back(ToU16String(text, "text"));
    }
  }
  return QueueExtract(env, engine_, std::move(request));
}

Napi::Value ModelWrap::Tokenize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Model& model = Require(env);
  const std::u16string text = ToU16String(info.Length() >= 1 ? info[0] : env.Undefined(), "text");
  const bool add_special_tokens = info.Length() < 2 || info[1].ToBoolean().Value();
  Encoding encoding;
  model.tokenizer().Encode(text, &encoding, add_special_tokens);
  return EncodingToObject(env, std::move(encoding), model.tokenizer());
}

Napi::Value ModelWrap::Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Model& model = Require(env);
  Napi::Object out = Napi::Object::New(env);
  Napi::Array tags = Napi::Array::New(env, model.labels().size());
  for (size_t i = 0; i < model.labels().size(); ++i) tags.Set(static_cast<uint32_t>(i), model.labels().tag(i).name);
  Napi::Array types = Napi::Array::New(env, model.labels().types().size());
  for (size_t i = 0; i < model.labels().types().size(); ++i) types.Set(static_cast<uint32_t>(i), model.labels().types()[i]);
  out.Set("labels", tags);
  out.Set("types", types);
  out.Set("maxTokens", Napi::Number::New(env, static_cast<double>(model.max_tokens())));
  out.Set("modelPath", model.model_path());
  out.Set("ortVersion", model.runtime().version());
  out.Set("ortLibraryPath", model.runtime().library_path());
  out.Set("takesTokenTypeIds", Napi::Boolean::New(env, model.session().takes_token_type_ids()));
  out.Set("device", model.session().device());
  out.Set("deviceNote", model.session().device_note());
  out.Set("head", model.head().name());
  out.Set("calibrationPath", model.calibration_path());
  Napi::Array warnings = Napi::Array::New(env, model.warnings().size());
  for (size_t i = 0; i < model.warnings().size(); ++i) warnings.Set(static_cast<uint32_t>(i), model.warnings()[i]);
  out.Set("warnings", warnings);
  for (const auto& [name, value] : model.head().info()) out.Set(name, Napi::Number::New(env, value));
  return out;
}

Napi::Value ModelWrap::Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Require(env);
  const EngineStats stats = engine_->stats();
  Napi::Object out = Napi::Object::New(env);
#define NN_STATS_TO_JS(field, js, unit) out.Set(js, stats.field);
  NN_ENGINE_STATS(NN_STATS_TO_JS)
#undef NN_STATS_TO_JS
  return out;
}

Napi::Value ModelWrap::ResetStats(const Napi::CallbackInfo& info) {
  Require(info.Env());
  engine_->ResetStats();
  return info.Env().Undefined();
}

Napi::Value ModelWrap::Dispose(const Napi::CallbackInfo& info) {
  // Calls whose texts are already in the model finish (unless dispose(true) aborts them too); queued ones are
  // rejected now rather than run. Running calls keep the engine; its threads stop when the last of them settles.
  const bool abort_running = info.Length() >= 1 && info[0].ToBoolean().Value();
  if (engine_ && abort_running) {
    engine_->CancelAll(Error(ErrorCode::kDisposed, "the model was disposed with abortRunning before this call finished"));
  } else if (engine_) {
    engine_->CancelQueued(Error(ErrorCode::kDisposed, "the model was disposed before this call ran"));
  }
  engine_.reset();
  model_.reset();
  return info.Env().Undefined();
}

}  // namespace nn::addon
