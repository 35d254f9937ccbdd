// Conversions between JS values and core types. The only file besides the wraps that knows napi.h.
#pragma once

#include <napi.h>

#include <string>
#include <vector>

#include "core/engine/scheduler.h"
#include "core/error.h"
#include "core/model.h"
#include "core/tokenizer/tokenizer.h"

namespace nn::addon {

// A JS Error carrying `code` (an nn::ErrorCode name); lib/ turns it into a NerError.
Napi::Error MakeError(Napi::Env env, ErrorCode code, const std::string& message);

// Reads a JS string as UTF-16, the one copy of the text native-ner makes. Throws a TypeError for non-strings.
std::u16string ToU16String(const Napi::Value& value, const char* what);

// Model-load parameters from {directory, modelFile, ortLibraryPath, intraOpThreads, interOpThreads, optimizeGraph}.
ModelParams ToModelParams(const Napi::Value& value);

// Engine parameters from the same object: {workerThreads, maxWaitMs}.
EngineParams ToEngineParams(const Napi::Value& value);

// A typed array over native memory: the vector's buffer is handed to V8 without a copy and freed by its finalizer
// (or copied where the runtime forbids external buffers).
template <typename T>
Napi::Value ToTypedArray(Napi::Env env, std::vector<T>&& values);

// {ids, typeIds, starts, ends, special, wordIds} as typed arrays, and tokens as strings.
Napi::Object EncodingToObject(Napi::Env env, Encoding&& encoding, const Tokenizer& tokenizer);

// Runs `body`, turning an nn::Error or std::exception thrown by the core into a JS exception.
template <typename F>
auto GuardCore(Napi::Env env, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (...) {
    const Error error = ErrorFromException(std::current_exception());
    throw MakeError(env, error.code(), error.what());
  }
}

}  // namespace nn::addon
