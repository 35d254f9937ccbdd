// Redaction for JS: the policy extract takes per call (lib/redaction.ts builds it from checked options), the
// pseudonym table a caller keeps across calls (a handle, like rules'), restore(), and the call's rewritten texts.
#pragma once

#include <napi.h>

#include <memory>

#include "core/redaction/policy.h"
#include "core/redaction/redactor.h"

namespace nn::addon {

// The policy of {operators: [{label ('*': every other), type, with?, char?, keepLast?, length?}], minScores:
// [{label, min}], allow: string[], hashKey?: Uint8Array, encryptKey?: Uint8Array, pseudonyms: 'text' | 'call' |
// handle}; null for undefined.
std::shared_ptr<const redaction::Policy> ToRedactionPolicy(const Napi::Value& value);

// {texts: string[], offsets, starts, ends, newStarts, newEnds, labels, operators, scores, sources}: typed arrays
// but texts; operators index operatorNames().
Napi::Object RedactedToObject(Napi::Env env, redaction::RedactedTexts&& redacted);

// newPseudonyms([[label, values[]], ...]) => handle; ERR_INVALID_ARGUMENT for a repeated label or value.
Napi::Value NewPseudonyms(const Napi::CallbackInfo& info);
// pseudonymEntries(handle) => [[label, values[]], ...], values in number order.
Napi::Value PseudonymEntries(const Napi::CallbackInfo& info);
// restore(text, key: Uint8Array) => string (core/redaction/restore.h).
Napi::Value Restore(const Napi::CallbackInfo& info);
// operatorNames() => the operators' names, in the order RedactedToObject's operators index.
Napi::Value OperatorNames(const Napi::CallbackInfo& info);

}  // namespace nn::addon
