#include "addon/redaction_wrap.h"

#include <string>
#include <utility>
#include <vector>

#include "addon/convert.h"
#include "core/redaction/restore.h"
#include "core/util/utf.h"

namespace nn::addon {
namespace {

using PseudonymHandle = std::shared_ptr<redaction::PseudonymTable>;

constexpr redaction::OperatorKind kOperatorKinds[] = {
    redaction::OperatorKind::kReplace, redaction::OperatorKind::kMask,    redaction::OperatorKind::kRemove,
    redaction::OperatorKind::kHash,    redaction::OperatorKind::kPseudonym, redaction::OperatorKind::kEncrypt,
    redaction::OperatorKind::kKeep};

redaction::OperatorKind ParseOperatorKind(std::string_view name) {
  for (redaction::OperatorKind kind : kOperatorKinds) {
    if (name == redaction::OperatorName(kind)) return kind;
  }
  throw Error(ErrorCode::kInvalidArgument, "unknown redaction operator '" + std::string(name) + "'");
}

std::string BytesOf(Napi::Env env, const Napi::Value& value, const char* what) {
  if (value.IsUndefined()) return {};
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw UncheckedValueError(env, what, value, "a Uint8Array");
  }
  Napi::Uint8Array bytes = value.As<Napi::Uint8Array>();
  return std::string(reinterpret_cast<const char*>(bytes.Data()), bytes.ElementLength());
}

// A JS string with exactly these UTF-16 units, typed as a plain Napi::Value on purpose: Object::Set given a
// Napi::String converts it through std::string (UTF-8), which turns a lone surrogate into U+FFFD, and a redacted
// text must keep every unit of its input outside the rewritten regions.
Napi::Value Utf16String(Napi::Env env, const std::u16string& text) { return Napi::Value(Napi::String::New(env, text)); }

Napi::Array ArrayOf(Napi::Env env, const Napi::Value& value, const char* what) {
  if (!value.IsArray()) throw UncheckedValueError(env, what, value, "an array");
  return value.As<Napi::Array>();
}

redaction::Operator ToOperator(const OptionReader& spec) {
  redaction::Operator op;
  op.kind = *spec.Choice("type", ParseOperatorKind);
  if (const auto with = spec.String("with")) op.replacement = utf::Utf8ToUtf16(*with);
  if (const auto mask = spec.String("char")) {
    const std::u32string code_points = utf::Utf8ToCodePoints(*mask);
    if (!code_points.empty()) op.mask_char = code_points.front();
  }
  if (const auto keep = spec.Integer("keepLast", UINT32_MAX)) op.keep_last = static_cast<uint32_t>(*keep);
  if (const auto length = spec.Integer("length", 64)) op.hash_length = static_cast<uint32_t>(*length);
  return op;
}

PseudonymHandle ToPseudonyms(const Napi::Value& value) {
  if (!value.IsExternal()) throw Napi::TypeError::New(value.Env(), "pseudonyms must be a handle from newPseudonyms");
  return *value.As<Napi::External<PseudonymHandle>>().Data();
}

}  // namespace

std::shared_ptr<const redaction::Policy> ToRedactionPolicy(const Napi::Value& value) {
  if (value.IsUndefined() || value.IsNull()) return nullptr;
  Napi::Env env = value.Env();
  if (!value.IsObject()) throw UncheckedValueError(env, "redaction policy", value, "an object");
  Napi::Object object = value.As<Napi::Object>();
  auto policy = std::make_shared<redaction::Policy>();
  Napi::Array operators = ArrayOf(env, object.Get("operators"), "redaction operators");
  for (uint32_t i = 0; i < operators.Length(); ++i) {
    const OptionReader spec(operators.Get(i), "redaction operator");
    const std::string label = spec.String("label").value_or("*");
    if (label == "*") {
      policy->fallback = ToOperator(spec);
    } else {
      policy->operators[label] = ToOperator(spec);
    }
  }
  Napi::Array minimums = ArrayOf(env, object.Get("minScores"), "redaction minScores");
  for (uint32_t i = 0; i < minimums.Length(); ++i) {
    const OptionReader entry(minimums.Get(i), "redaction minScore");
    policy->min_scores[entry.String("label").value_or("")] = static_cast<float>(entry.Number("min").value_or(0));
  }
  Napi::Array allow = ArrayOf(env, object.Get("allow"), "redaction allow");
  for (uint32_t i = 0; i < allow.Length(); ++i) policy->allow.insert(ToU16String(allow.Get(i), "allowed value"));
  policy->hash_key = BytesOf(env, object.Get("hashKey"), "redaction hashKey");
  policy->encrypt_key = BytesOf(env, object.Get("encryptKey"), "redaction encryptKey");
  const Napi::Value scope = object.Get("pseudonyms");
  if (scope.IsString() && scope.As<Napi::String>().Utf8Value() == "call") {
    policy->pseudonyms = redaction::PseudonymScope::kCall;
  } else if (scope.IsExternal()) {
    policy->pseudonyms = redaction::PseudonymScope::kShared;
    policy->shared_pseudonyms = ToPseudonyms(scope);
  } else if (!(scope.IsString() && scope.As<Napi::String>().Utf8Value() == "text")) {
    throw UncheckedValueError(env, "redaction pseudonyms", scope, "'text', 'call' or a pseudonym handle");
  }
  return policy;
}

Napi::Object RedactedToObject(Napi::Env env, redaction::RedactedTexts&& redacted) {
  Napi::Object out = Napi::Object::New(env);
  Napi::Array texts = Napi::Array::New(env, redacted.texts.size());
  for (size_t i = 0; i < redacted.texts.size(); ++i) texts.Set(static_cast<uint32_t>(i), Utf16String(env, redacted.texts[i]));
  out.Set("texts", texts);
  out.Set("offsets", ToTypedArray(env, std::move(redacted.offsets)));
  out.Set("starts", ToTypedArray(env, std::move(redacted.starts)));
  out.Set("ends", ToTypedArray(env, std::move(redacted.ends)));
  out.Set("newStarts", ToTypedArray(env, std::move(redacted.new_starts)));
  out.Set("newEnds", ToTypedArray(env, std::move(redacted.new_ends)));
  out.Set("labels", ToTypedArray(env, std::move(redacted.labels)));
  out.Set("operators", ToTypedArray(env, std::move(redacted.operators)));
  out.Set("scores", ToTypedArray(env, std::move(redacted.scores)));
  out.Set("sources", ToTypedArray(env, std::move(redacted.sources)));
  return out;
}

Napi::Value NewPseudonyms(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<redaction::PseudonymTable::LabelValues> entries;
  if (info.Length() >= 1 && !info[0].IsUndefined()) {
    Napi::Array given = ArrayOf(env, info[0], "pseudonym entries");
    for (uint32_t i = 0; i < given.Length(); ++i) {
      Napi::Array pair = ArrayOf(env, given.Get(i), "pseudonym entry");
      const Napi::Value label = pair.Get(0u);
      if (!label.IsString()) throw UncheckedValueError(env, "pseudonym label", label, "a string");
      redaction::PseudonymTable::LabelValues entry{label.As<Napi::String>().Utf8Value(), {}};
      Napi::Array values = ArrayOf(env, pair.Get(1u), "pseudonym values");
      for (uint32_t k = 0; k < values.Length(); ++k) entry.values.push_back(ToU16String(values.Get(k), "pseudonym value"));
      entries.push_back(std::move(entry));
    }
  }
  PseudonymHandle table = GuardCore(env, [&] { return std::make_shared<redaction::PseudonymTable>(std::move(entries)); });
  return Napi::External<PseudonymHandle>::New(env, new PseudonymHandle(std::move(table)),
                                              [](Napi::Env, PseudonymHandle* p) { delete p; });
}

Napi::Value PseudonymEntries(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const PseudonymHandle table = ToPseudonyms(info.Length() >= 1 ? info[0] : env.Undefined());
  const std::vector<redaction::PseudonymTable::LabelValues> entries = table->Entries();
  Napi::Array out = Napi::Array::New(env, entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    Napi::Array values = Napi::Array::New(env, entries[i].values.size());
    for (size_t k = 0; k < entries[i].values.size(); ++k) values.Set(static_cast<uint32_t>(k), Utf16String(env, entries[i].values[k]));
    Napi::Array pair = Napi::Array::New(env, 2);
    pair.Set(0u, entries[i].label);
    pair.Set(1u, values);
    out.Set(static_cast<uint32_t>(i), pair);
  }
  return out;
}

Napi::Value Restore(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::u16string text = ToU16String(info.Length() >= 1 ? info[0] : env.Undefined(), "text");
  const std::string key = BytesOf(env, info.Length() >= 2 ? info[1] : env.Undefined(), "restore key");
  return Napi::String::New(env, GuardCore(env, [&] { return redaction::Restore(text, key); }));
}

Napi::Value OperatorNames(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env, std::size(kOperatorKinds));
  for (redaction::OperatorKind kind : kOperatorKinds) out.Set(static_cast<uint32_t>(kind), redaction::OperatorName(kind));
  return out;
}

}  // namespace nn::addon
