#include "addon/model_wrap.h"

#include "addon/addon_data.h"
#include "addon/convert.h"
#include "addon/workers.h"

namespace nn::addon {
namespace {

ExtractOptions ToExtractOptions(Napi::Env env, const Napi::Value& value) {
  ExtractOptions options;
  if (value.IsUndefined()) return options;
  if (!value.IsObject()) throw Napi::TypeError::New(env, "options must be an object");
  Napi::Object object = value.As<Napi::Object>();
  // A string option parsed by the core; absent leaves the default.
  auto read_choice = [&](const char* key, auto parse, auto* out) {
    Napi::Value v = object.Get(key);
    if (v.IsUndefined()) return;
    if (!v.IsString()) throw Napi::TypeError::New(env, std::string(key) + " must be a string");
    *out = GuardCore(env, [&] { return parse(v.As<Napi::String>().Utf8Value()); });
  };
  read_choice("aggregation", ParseAggregation, &options.aggregation);
  read_choice("decoding", ParseDecoding, &options.decoding);
  read_choice("scheme", ParseTaggingScheme, &options.scheme);
  read_choice("spanMode", ParseSpanMode, &options.span_mode);
  Napi::Value span_threshold = object.Get("spanThreshold");
  if (!span_threshold.IsUndefined()) {
    if (!span_threshold.IsNumber()) throw Napi::TypeError::New(env, "spanThreshold must be a number");
    const double threshold = span_threshold.As<Napi::Number>().DoubleValue();
    if (!(threshold > 0 && threshold < 1)) {
      throw MakeError(env, ErrorCode::kInvalidArgument, "spanThreshold must be between 0 and 1, exclusive");
    }
    options.span_threshold = threshold;
  }
  Napi::Value repair = object.Get("repair");
  if (!repair.IsUndefined()) {
    if (!repair.IsBoolean()) throw Napi::TypeError::New(env, "repair must be a boolean");
    options.repair = repair.As<Napi::Boolean>().Value();
  }
  Napi::Value labels = object.Get("labels");
  if (!labels.IsUndefined()) {
    if (!labels.IsArray()) throw Napi::TypeError::New(env, "labels must be an array of strings");
    Napi::Array names = labels.As<Napi::Array>();
    for (uint32_t i = 0; i < names.Length(); ++i) {
      Napi::Value name = names.Get(i);
      if (!name.IsString()) throw Napi::TypeError::New(env, "labels must be an array of strings");
      options.keep_types.push_back(name.As<Napi::String>().Utf8Value());
    }
  }
  Napi::Value min_score = object.Get("minScore");
  if (!min_score.IsUndefined()) {
    if (!min_score.IsNumber()) throw Napi::TypeError::New(env, "minScore must be a number");
    const double score = min_score.As<Napi::Number>().DoubleValue();
    if (!(score >= 0 && score <= 1)) throw MakeError(env, ErrorCode::kInvalidArgument, "minScore must be from 0 to 1");
    options.min_score = static_cast<float>(score);
  }
  auto read_count = [&](const char* key, double min, size_t* out) {
    Napi::Value v = object.Get(key);
    if (v.IsUndefined()) return;
    if (!v.IsNumber()) throw Napi::TypeError::New(env, std::string(key) + " must be a number");
    const double n = v.As<Napi::Number>().DoubleValue();
    if (!(n >= min && n <= 1e12) || n != static_cast<double>(static_cast<size_t>(n))) {
      throw MakeError(env, ErrorCode::kInvalidArgument, std::string(key) + " must be an integer of at least " +
                                                            std::to_string(static_cast<int>(min)));
    }
    *out = static_cast<size_t>(n);
  };
  read_count("batchTokens", 1, &options.batch.max_tokens);
  read_count("batchSize", 1, &options.batch.max_texts);
  read_count("stride", 0, &options.stride);
  read_count("maxTextLength", 1, &options.max_text_length);
  read_count("maxWindows", 1, &options.max_windows);
  size_t timeout_ms = 0;
  read_count("timeoutMs", 1, &timeout_ms);
  options.timeout_ms = static_cast<double>(timeout_ms);
  return options;
}

// {utf8: Uint8Array, offsets: Uint32Array}: text i is utf8[offsets[i], offsets[i + 1]). The bytes are copied once
// (a memcpy on this thread) and decoded on the worker thread.
void ReadUtf8Texts(const Napi::Object& input, ExtractRequest* request) {
  Napi::Env env = input.Env();
  Napi::Value bytes = input.Get("utf8");
  Napi::Value bounds = input.Get("offsets");
  if (!bytes.IsTypedArray() || bytes.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw Napi::TypeError::New(env, "utf8 must be a Buffer or Uint8Array");
  }
  if (!bounds.IsTypedArray() || bounds.As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
    throw Napi::TypeError::New(env, "offsets must be a Uint32Array");
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
  request->options = ToExtractOptions(env, info.Length() >= 2 ? info[1] : env.Undefined());
  if (info.Length() >= 1 && info[0].IsObject() && !info[0].IsArray()) {
    ReadUtf8Texts(info[0].As<Napi::Object>(), request.get());
  } else {
    if (info.Length() < 1 || !info[0].IsArray()) throw Napi::TypeError::New(env, "texts must be an array of strings");
    Napi::Array texts = info[0].As<Napi::Array>();
    request->texts.reserve(texts.Length());
    for (uint32_t i = 0; i < texts.Length(); ++i) {
      Napi::Value text = texts.Get(i);
      if (!text.IsString()) throw Napi::TypeError::New(env, "texts[" + std::to_string(i) + "] must be a string");
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
  out.Set("head", model.head() == NerHead::kSpan ? "span" : "token");
  Napi::Array warnings = Napi::Array::New(env, model.warnings().size());
  for (size_t i = 0; i < model.warnings().size(); ++i) warnings.Set(static_cast<uint32_t>(i), model.warnings()[i]);
  out.Set("warnings", warnings);
  if (model.head() == NerHead::kSpan) {
    out.Set("spanMaxWidth", Napi::Number::New(env, static_cast<double>(model.span_head().max_width)));
    out.Set("spanThreshold", Napi::Number::New(env, model.span_head().threshold));
  }
  return out;
}

Napi::Value ModelWrap::Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Require(env);
  const EngineStats stats = engine_->stats();
  Napi::Object out = Napi::Object::New(env);
  out.Set("calls", stats.calls);
  out.Set("texts", stats.texts);
  out.Set("windows", stats.windows);
  out.Set("batches", stats.batches);
  out.Set("tokens", stats.tokens);
  out.Set("paddedTokens", stats.padded_tokens);
  out.Set("tokenizeSeconds", stats.tokenize_seconds);
  out.Set("inferenceSeconds", stats.inference_seconds);
  out.Set("decodeSeconds", stats.decode_seconds);
  out.Set("waitSeconds", stats.wait_seconds);
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
