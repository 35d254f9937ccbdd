#include "addon/convert.h"

#include <climits>
#include <cmath>
#include <cstring>
#include <memory>

namespace nn::addon {

Napi::Error MakeError(Napi::Env env, ErrorCode code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, ErrorCodeName(code)));
  return error;
}

std::u16string ToU16String(const Napi::Value& value, const char* what) {
  if (!value.IsString()) throw Napi::TypeError::New(value.Env(), std::string(what) + " must be a string");
  napi_env env = value.Env();
  size_t length = 0;
  NAPI_THROW_IF_FAILED(env, napi_get_value_string_utf16(env, value, nullptr, 0, &length), std::u16string());
  std::u16string text(length, u'\0');
  // N-API writes a terminator, so the buffer handed over is length + 1 units (std::u16string keeps one).
  NAPI_THROW_IF_FAILED(env, napi_get_value_string_utf16(env, value, text.data(), length + 1, &length), std::u16string());
  return text;
}

namespace {

// How an unexpected value is named in UncheckedValueError's message: a number, boolean or string as itself,
// anything else by its kind.
std::string Describe(const Napi::Value& value) {
  switch (value.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return value.As<Napi::Boolean>().Value() ? "true" : "false";
    case napi_number: return value.ToString().Utf8Value();
    case napi_string: {
      std::string text = value.As<Napi::String>().Utf8Value();
      if (text.size() > 40) text = text.substr(0, 40) + "...";
      return "the string '" + text + "'";
    }
    case napi_symbol: return "a symbol";
    case napi_function: return "a function";
    case napi_bigint: return "a bigint";
    case napi_external: return "an external";
    default: return value.IsArray() ? "an array" : "an object";
  }
}

}  // namespace

Napi::Error UncheckedValueError(Napi::Env env, const std::string& what, const Napi::Value& got,
                                const std::string& expected) {
  return MakeError(env, ErrorCode::kInternal,
                   what + " reached the native binding as " + Describe(got) + ", not " + expected +
                       "; lib/ should have rejected it (a bug in native-ner: please report it)");
}

OptionReader::OptionReader(const Napi::Value& value, std::string what) : env_(value.Env()), what_(std::move(what)) {
  if (value.IsUndefined()) return;
  if (!value.IsObject() || value.IsArray()) throw UncheckedValueError(env_, what_ + "s", value, "an object");
  object_ = value.As<Napi::Object>();
}

Napi::Value OptionReader::Get(const char* key) const { return object_.IsEmpty() ? env_.Undefined() : object_.Get(key); }

void OptionReader::Unchecked(const std::string& key, const Napi::Value& got, const char* expected) const {
  throw UncheckedValueError(env_, what_ + " " + key, got, expected);
}

std::optional<std::string> OptionReader::String(const char* key) const {
  const Napi::Value v = Get(key);
  if (v.IsUndefined()) return std::nullopt;
  if (!v.IsString()) Unchecked(key, v, "a string");
  return v.As<Napi::String>().Utf8Value();
}

std::optional<bool> OptionReader::Boolean(const char* key) const {
  const Napi::Value v = Get(key);
  if (v.IsUndefined()) return std::nullopt;
  if (!v.IsBoolean()) Unchecked(key, v, "a boolean");
  return v.As<Napi::Boolean>().Value();
}

std::optional<double> OptionReader::Number(const char* key) const {
  const Napi::Value v = Get(key);
  if (v.IsUndefined()) return std::nullopt;
  if (!v.IsNumber() || !std::isfinite(v.As<Napi::Number>().DoubleValue())) Unchecked(key, v, "a finite number");
  return v.As<Napi::Number>().DoubleValue();
}

std::optional<uint64_t> OptionReader::Integer(const char* key, uint64_t max) const {
  const Napi::Value v = Get(key);
  if (v.IsUndefined()) return std::nullopt;
  const double n = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
  if (!(n >= 0 && n <= static_cast<double>(max)) || n != std::floor(n)) {
    Unchecked(key, v, ("an integer from 0 to " + std::to_string(max)).c_str());
  }
  return static_cast<uint64_t>(n);
}

std::optional<std::vector<std::string>> OptionReader::Strings(const char* key) const {
  const Napi::Value v = Get(key);
  if (v.IsUndefined()) return std::nullopt;
  if (!v.IsArray()) Unchecked(key, v, "an array of strings");
  const Napi::Array items = v.As<Napi::Array>();
  std::vector<std::string> out;
  out.reserve(items.Length());
  for (uint32_t i = 0; i < items.Length(); ++i) {
    const Napi::Value item = items.Get(i);
    if (!item.IsString()) Unchecked(std::string(key) + "[" + std::to_string(i) + "]", item, "a string");
    out.push_back(item.As<Napi::String>().Utf8Value());
  }
  return out;
}

ModelParams ToModelParams(const Napi::Value& value) {
  const OptionReader o(value, "model parameter");
  constexpr uint64_t kMaxInt = INT32_MAX;
  ModelParams params;
  params.directory = o.String("directory").value_or("");
  params.model_file = o.String("modelFile").value_or("");
  params.calibration_path = o.String("calibrationPath").value_or("");
  params.ort_library_path = o.String("ortLibraryPath").value_or("");
  if (o.Boolean("ortLibraryPreferred").value_or(false)) params.ort_library_choice = OrtRuntime::Choice::kPreferred;
  params.session.intra_op_threads = static_cast<int>(o.Integer("intraOpThreads", kMaxInt).value_or(0));
  params.session.inter_op_threads = static_cast<int>(o.Integer("interOpThreads", kMaxInt).value_or(0));
  params.session.optimize_graph = o.Boolean("optimizeGraph").value_or(params.session.optimize_graph);
  params.session.device = o.Choice("device", ParseDevice).value_or(params.session.device);
  params.session.device_id = static_cast<int>(o.Integer("deviceId", kMaxInt).value_or(0));
  return params;
}

EngineParams ToEngineParams(const Napi::Value& value) {
  const OptionReader o(value, "model parameter");
  EngineParams params;
  params.worker_threads = o.Integer("workerThreads").value_or(params.worker_threads);
  params.max_wait_ms = o.Number("maxWaitMs").value_or(params.max_wait_ms);
  return params;
}

ExtractOptions ToExtractOptions(const Napi::Value& value) {
  const OptionReader o(value, "extract option");
  ExtractOptions options;
  HeadOptions& head = options.head;
  head.aggregation = o.Choice("aggregation", ParseAggregation);
  head.decoding = o.Choice("decoding", ParseDecoding);
  head.repair = o.Boolean("repair");
  head.signals = o.Boolean("confidence").value_or(false);
  head.logits = o.Boolean("tokenLogits").value_or(false);  // ner.tokenScores only; not an extract option
  head.scheme = o.Choice("scheme", ParseTaggingScheme);
  head.span_mode = o.Choice("spanMode", ParseSpanMode);
  head.span_threshold = o.Number("spanThreshold");
  if (std::optional<std::vector<std::string>> labels = o.Strings("labels")) options.keep_types = std::move(*labels);
  options.min_score = static_cast<float>(o.Number("minScore").value_or(options.min_score));
  options.batch.max_tokens = o.Integer("batchTokens").value_or(options.batch.max_tokens);
  options.batch.max_texts = o.Integer("batchSize").value_or(options.batch.max_texts);
  options.stride = o.Integer("stride").value_or(options.stride);
  options.max_text_length = o.Integer("maxTextLength").value_or(options.max_text_length);
  options.max_windows = o.Integer("maxWindows").value_or(options.max_windows);
  options.timeout_ms = static_cast<double>(o.Integer("timeoutMs").value_or(0));
  // "segment": "sentences" runs each sentence on its own, split with "lineBreaks"; "none" or absent, texts whole.
  if (o.String("segment").value_or("none") == "sentences") {
    SegmentOptions segment;
    segment.line_breaks = o.Choice("lineBreaks", ParseLineBreaks).value_or(segment.line_breaks);
    options.segment = segment;
  }
  return options;
}

namespace {

template <typename T>
struct TypedArrayTraits;
template <>
struct TypedArrayTraits<int32_t> {
  static constexpr napi_typedarray_type kType = napi_int32_array;
};
template <>
struct TypedArrayTraits<uint32_t> {
  static constexpr napi_typedarray_type kType = napi_uint32_array;
};
template <>
struct TypedArrayTraits<uint8_t> {
  static constexpr napi_typedarray_type kType = napi_uint8_array;
};
template <>
struct TypedArrayTraits<float> {
  static constexpr napi_typedarray_type kType = napi_float32_array;
};

}  // namespace

template <typename T>
Napi::Value ToTypedArray(Napi::Env env, std::vector<T>&& values) {
  const size_t count = values.size();
  const size_t bytes = count * sizeof(T);
  Napi::ArrayBuffer buffer;
  if (count == 0) {
    buffer = Napi::ArrayBuffer::New(env, 0);
  } else {
    auto* owned = new std::vector<T>(std::move(values));
    napi_value raw = nullptr;
    const napi_status status = napi_create_external_arraybuffer(
        env, owned->data(), bytes, [](napi_env, void*, void* hint) { delete static_cast<std::vector<T>*>(hint); }, owned,
        &raw);
    if (status == napi_ok) {
      buffer = Napi::ArrayBuffer(env, raw);
    } else {
      // Runtimes with the V8 sandbox forbid external buffers: fall back to one copy.
      buffer = Napi::ArrayBuffer::New(env, bytes);
      std::memcpy(buffer.Data(), owned->data(), bytes);
      delete owned;
    }
  }
  napi_value array = nullptr;
  NAPI_THROW_IF_FAILED(env, napi_create_typedarray(env, TypedArrayTraits<T>::kType, count, buffer, 0, &array),
                       Napi::Value());
  return Napi::Value(env, array);
}

template Napi::Value ToTypedArray<int32_t>(Napi::Env, std::vector<int32_t>&&);
template Napi::Value ToTypedArray<uint32_t>(Napi::Env, std::vector<uint32_t>&&);
template Napi::Value ToTypedArray<uint8_t>(Napi::Env, std::vector<uint8_t>&&);
template Napi::Value ToTypedArray<float>(Napi::Env, std::vector<float>&&);

Napi::Object EncodingToObject(Napi::Env env, Encoding&& encoding, const Tokenizer& tokenizer) {
  Napi::Object out = Napi::Object::New(env);
  Napi::Array tokens = Napi::Array::New(env, encoding.size());
  for (size_t i = 0; i < encoding.size(); ++i) tokens.Set(static_cast<uint32_t>(i), tokenizer.IdToToken(encoding.ids[i]));
  out.Set("tokens", tokens);
  out.Set("ids", ToTypedArray(env, std::move(encoding.ids)));
  out.Set("typeIds", ToTypedArray(env, std::move(encoding.type_ids)));
  out.Set("starts", ToTypedArray(env, std::move(encoding.starts)));
  out.Set("ends", ToTypedArray(env, std::move(encoding.ends)));
  out.Set("special", ToTypedArray(env, std::move(encoding.special)));
  out.Set("wordIds", ToTypedArray(env, std::move(encoding.word_ids)));
  return out;
}

}  // namespace nn::addon
