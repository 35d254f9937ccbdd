#include "addon/convert.h"

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

// A thread count or device ordinal: an integer from 0 to 1024; absent is 0 (the default).
int ReadSmallCount(const Napi::Object& object, const char* key) {
  Napi::Value v = object.Get(key);
  if (v.IsUndefined()) return 0;
  if (!v.IsNumber()) throw Napi::TypeError::New(object.Env(), std::string(key) + " must be a number");
  const double n = v.As<Napi::Number>().DoubleValue();
  if (!(n >= 0 && n <= 1024) || n != static_cast<int>(n)) {
    throw MakeError(object.Env(), ErrorCode::kInvalidArgument, std::string(key) + " must be an integer from 0 to 1024");
  }
  return static_cast<int>(n);
}

std::string ReadString(const Napi::Object& object, const char* key) {
  Napi::Value v = object.Get(key);
  if (v.IsUndefined()) return "";
  if (!v.IsString()) throw Napi::TypeError::New(object.Env(), std::string(key) + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

}  // namespace

ModelParams ToModelParams(const Napi::Value& value) {
  if (!value.IsObject()) throw Napi::TypeError::New(value.Env(), "model parameters must be an object");
  Napi::Object object = value.As<Napi::Object>();
  ModelParams params;
  params.directory = ReadString(object, "directory");
  params.model_file = ReadString(object, "modelFile");
  params.ort_library_path = ReadString(object, "ortLibraryPath");
  params.session.intra_op_threads = ReadSmallCount(object, "intraOpThreads");
  params.session.inter_op_threads = ReadSmallCount(object, "interOpThreads");
  const std::string device = ReadString(object, "device");
  if (device == "cuda") {
    params.session.device = Device::kCuda;
  } else if (device == "auto") {
    params.session.device = Device::kAuto;
  } else if (!device.empty() && device != "cpu") {
    throw MakeError(object.Env(), ErrorCode::kInvalidArgument, "device must be 'cpu', 'cuda' or 'auto'");
  }
  params.session.device_id = ReadSmallCount(object, "deviceId");
  Napi::Value optimize = object.Get("optimizeGraph");
  if (!optimize.IsUndefined()) params.session.optimize_graph = optimize.ToBoolean().Value();
  return params;
}

EngineParams ToEngineParams(const Napi::Value& value) {
  if (!value.IsObject()) throw Napi::TypeError::New(value.Env(), "model parameters must be an object");
  Napi::Object object = value.As<Napi::Object>();
  EngineParams params;
  params.worker_threads = static_cast<size_t>(ReadSmallCount(object, "workerThreads"));
  Napi::Value wait = object.Get("maxWaitMs");
  if (!wait.IsUndefined()) {
    if (!wait.IsNumber()) throw Napi::TypeError::New(object.Env(), "maxWaitMs must be a number");
    const double ms = wait.As<Napi::Number>().DoubleValue();
    if (!(ms >= 0 && ms <= 1000)) {
      throw MakeError(object.Env(), ErrorCode::kInvalidArgument, "maxWaitMs must be from 0 to 1000");
    }
    params.max_wait_ms = ms;
  }
  return params;
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
