// Conversions between JS values and core types: the options objects lib/ builds, texts, encodings and typed arrays.
// One of the addon's files that know napi.h (all of native/addon does; nothing under native/core does).
#pragma once

#include <napi.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine/engine.h"
#include "core/engine/extract.h"
#include "core/error.h"
#include "core/model.h"
#include "core/tokenizer/tokenizer.h"

namespace nn::addon {

// A JS Error carrying `code` (an nn::ErrorCode name); lib/ turns it into a NerError.
Napi::Error MakeError(Napi::Env env, ErrorCode code, const std::string& message);

// lib/ checks every argument before it reaches the binding (types, ranges, choices; see lib/options.ts). The binding
// asserts only JS types and that a value fits its C++ type; anything else reaching it is a bug in lib/: this error,
// with code ERR_INTERNAL, names the value (`what`, e.g. "extract option batchSize"), what it was and what was
// expected.
Napi::Error UncheckedValueError(Napi::Env env, const std::string& what, const Napi::Value& got,
                                const std::string& expected);

// Reads one options object lib/ built. Absent (undefined) options read as std::nullopt; a value of the wrong type,
// or one its C++ type cannot hold, throws UncheckedValueError.
class OptionReader {
 public:
  // The largest integer a JS number holds exactly (Number.MAX_SAFE_INTEGER).
  static constexpr uint64_t kMaxSafeInteger = (uint64_t{1} << 53) - 1;

  // `what` names the object's members in messages ("extract option"). undefined reads as an empty object.
  OptionReader(const Napi::Value& value, std::string what);

  std::optional<std::string> String(const char* key) const;
  std::optional<bool> Boolean(const char* key) const;
  std::optional<double> Number(const char* key) const;  // a finite number
  std::optional<uint64_t> Integer(const char* key, uint64_t max = kMaxSafeInteger) const;  // 0 .. max
  std::optional<std::vector<std::string>> Strings(const char* key) const;
  // A name the core parses (ParseAggregation, ...): the core's parser rejects unknown names (kInvalidArgument).
  template <typename Parse>
  auto Choice(const char* key, Parse parse) const -> std::optional<decltype(parse(std::string_view()))>;

 private:
  Napi::Value Get(const char* key) const;
  [[noreturn]] void Unchecked(const std::string& key, const Napi::Value& got, const char* expected) const;

  Napi::Env env_;
  Napi::Object object_;  // empty for undefined
  std::string what_;
};

// Reads a JS string as UTF-16, the one copy of the text native-ner makes. Throws a TypeError for non-strings.
std::u16string ToU16String(const Napi::Value& value, const char* what);

// Model-load parameters from {directory, modelFile, ortLibraryPath, intraOpThreads, interOpThreads, optimizeGraph,
// device, deviceId}.
ModelParams ToModelParams(const Napi::Value& value);

// Engine parameters from the same object: {workerThreads, maxWaitMs}.
EngineParams ToEngineParams(const Napi::Value& value);

// Per-call options from {aggregation, decoding, repair, scheme, spanMode, spanThreshold, labels, minScore, batchSize,
// batchTokens, stride, maxTextLength, maxWindows, timeoutMs, segment, lineBreaks}; undefined gives the defaults. Which
// options apply to the model's head, and the stride against its window, are the core's checks (ExtractJob).
ExtractOptions ToExtractOptions(const Napi::Value& value);

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

template <typename Parse>
auto OptionReader::Choice(const char* key, Parse parse) const -> std::optional<decltype(parse(std::string_view()))> {
  const std::optional<std::string> name = String(key);
  if (!name) return std::nullopt;
  return GuardCore(env_, [&] { return parse(*name); });
}

}  // namespace nn::addon
