// NativeTokenizer: a tokenizer.json loaded on its own, for tokenization without a model (tests, benchmarks).
#pragma once

#include <napi.h>

#include <memory>

#include "core/tokenizer/tokenizer.h"

namespace nn::addon {

class TokenizerWrap : public Napi::ObjectWrap<TokenizerWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit TokenizerWrap(const Napi::CallbackInfo& info);  // new NativeTokenizer(pathToTokenizerJson)

 private:
  Napi::Value Encode(const Napi::CallbackInfo& info);      // (text, addSpecialTokens?) => encoding
  Napi::Value IdToToken(const Napi::CallbackInfo& info);   // (id) => string
  Napi::Value EncodeMany(const Napi::CallbackInfo& info);  // (texts) => total token count (speed checks)

  std::unique_ptr<Tokenizer> tokenizer_;
};

}  // namespace nn::addon
