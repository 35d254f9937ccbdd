// A model directory's tokenizer as transformers 5 builds it (AutoTokenizer.from_pretrained), which is what the
// reference pipeline tokenizes with. That is tokenizer.json, except where tokenizer_config.json's "tokenizer_class"
// constructor rebuilds the stages itself (transformers' TokenizersBackend.convert_to_native_format hands such a
// class only the file's vocabulary, merges and SentencePiece charsmap):
//
// - XLMRobertaTokenizer(Fast): normalizer = the file's Precompiled charsmap alone (its Strip and Replace steps
//   dropped); pre-tokenizer = WhitespaceSplit then Metaspace("▁", prepend_scheme "always", or "never" when
//   add_prefix_space is false); Unigram with unk_id 3 and no byte fallback; post-processor bos $A eos. Its offsets
//   differ from the file's: "▁Paris" covers "Paris", not " Paris", and a lone "▁" covers the character after it.
// - BertTokenizer, RobertaTokenizer and unnamed classes build what their tokenizer.json holds: the file stands.
//
// Whatever the class, the special tokens tokenizer_config.json names (bos, eos, unk, sep, cls, pad, mask, and
// additional_special_tokens) are special added tokens, as transformers adds them when loading, even when the file's
// added_tokens lacks them (tokens absent from the vocabulary are left out: the model has no row for them).
//
// Tokenizer::FromFile reads tokenizer.json alone, as the `tokenizers` library does; the Model uses this.
#pragma once

#include <string>
#include <string_view>

#include "core/util/json.h"

namespace nn {

// `tokenizer_json` adjusted as described above; `tokenizer_config` is tokenizer_config.json's root (null when the
// directory has none).
json::Value AsTransformersBuildsIt(json::Value tokenizer_json, const json::Value& tokenizer_config);

// The token a tokenizer_config.json names for `key` ("unk_token"): a string, or an AddedToken object's "content";
// "" when absent.
std::string ConfigToken(const json::Value& tokenizer_config, std::string_view key);

}  // namespace nn
