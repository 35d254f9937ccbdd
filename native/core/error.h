// One error type for the whole core. The N-API layer turns it into a JS `NerError` whose `code` is
// ErrorCodeName(code()), so every code here is part of the public API (documented in README.md).
#pragma once

#include <exception>
#include <new>
#include <stdexcept>
#include <string>

namespace nn {

enum class ErrorCode {
  kInvalidArgument,     // a caller passed a value the API does not accept
  kModelNotFound,       // model directory or one of its files is missing
  kInvalidModel,        // a model file exists but cannot be used (corrupt ONNX, bad JSON, missing id2label, ...)
  kRuntimeUnavailable,  // the ONNX Runtime shared library cannot be found or loaded
  kInferenceFailed,     // ONNX Runtime failed while running the model
  kTextTooLong,         // a text is longer than the call's maxTextLength
  kTooManyWindows,      // a call needs more model windows than its maxWindows allows
  kTimeout,             // a call was not done within its timeoutMs
  kDisposed,            // the model was disposed before or during the call
  kInternal,            // a bug in native-ner: please report it
};

inline const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "ERR_INVALID_ARGUMENT";
    case ErrorCode::kModelNotFound: return "ERR_MODEL_NOT_FOUND";
    case ErrorCode::kInvalidModel: return "ERR_INVALID_MODEL";
    case ErrorCode::kRuntimeUnavailable: return "ERR_RUNTIME_UNAVAILABLE";
    case ErrorCode::kInferenceFailed: return "ERR_INFERENCE_FAILED";
    case ErrorCode::kTextTooLong: return "ERR_TEXT_TOO_LONG";
    case ErrorCode::kTooManyWindows: return "ERR_TOO_MANY_WINDOWS";
    case ErrorCode::kTimeout: return "ERR_TIMEOUT";
    case ErrorCode::kDisposed: return "ERR_DISPOSED";
    case ErrorCode::kInternal: return "ERR_INTERNAL";
  }
  return "ERR_INTERNAL";
}

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

// The nn::Error for an exception caught where it cannot travel on (an engine thread, the N-API boundary):
// nn::Error as it is, anything else as kInternal.
inline Error ErrorFromException(std::exception_ptr caught) {
  try {
    std::rethrow_exception(caught);
  } catch (const Error& e) {
    return e;
  } catch (const std::bad_alloc&) {
    return Error(ErrorCode::kInternal, "out of memory");
  } catch (const std::exception& e) {
    return Error(ErrorCode::kInternal, e.what());
  } catch (...) {
    return Error(ErrorCode::kInternal, "unknown native exception");
  }
}

}  // namespace nn
