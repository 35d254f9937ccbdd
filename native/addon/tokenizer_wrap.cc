#include "addon/tokenizer_wrap.h"

#include "addon/convert.h"

namespace nn::addon {

Napi::Function TokenizerWrap::Define(Napi::Env env) {
  return DefineClass(env, "NativeTokenizer",
                     {InstanceMethod<&TokenizerWrap::Encode>("encode"),
                      InstanceMethod<&TokenizerWrap::IdToToken>("idToToken"),
                      InstanceMethod<&TokenizerWrap::EncodeMany>("encodeMany")});
}

TokenizerWrap::TokenizerWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TokenizerWrap>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "tokenizer path must be a string");
  const std::string path = info[0].As<Napi::String>().Utf8Value();
  tokenizer_ = GuardCore(env, [&] { return Tokenizer::FromFile(path); });
}

Napi::Value TokenizerWrap::Encode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::u16string text = ToU16String(info.Length() >= 1 ? info[0] : env.Undefined(), "text");
  const bool add_special_tokens = info.Length() < 2 || info[1].ToBoolean().Value();
  Encoding encoding;
  tokenizer_->Encode(text, &encoding, add_special_tokens);
  return EncodingToObject(env, std::move(encoding), *tokenizer_);
}

Napi::Value TokenizerWrap::IdToToken(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "id must be a number");
  return Napi::String::New(env, tokenizer_->IdToToken(info[0].As<Napi::Number>().Int32Value()));
}

Napi::Value TokenizerWrap::EncodeMany(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsArray()) throw Napi::TypeError::New(env, "texts must be an array of strings");
  Napi::Array texts = info[0].As<Napi::Array>();
  std::vector<std::u16string> copies;
  copies.reserve(texts.Length());
  for (uint32_t i = 0; i < texts.Length(); ++i) copies.push_back(ToU16String(texts.Get(i), "texts[i]"));
  Encoding encoding;
  double tokens = 0;
  for (const std::u16string& text : copies) {
    tokenizer_->Encode(text, &encoding, false);
    tokens += static_cast<double>(encoding.size());
  }
  return Napi::Number::New(env, tokens);
}

}  // namespace nn::addon
