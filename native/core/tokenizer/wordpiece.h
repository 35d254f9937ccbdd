// The WordPiece model: greedy longest-match-first over the vocabulary, "##"-style prefix on pieces
// after the first; a word that cannot be covered (or is too long) becomes a single unknown token.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/tokenizer/normalizer.h"
#include "core/tokenizer/pre_tokenizer.h"
#include "core/tokenizer/string_table.h"
#include "core/tokenizer/tokenizer.h"

namespace nn {

class WordPiece {
 public:
  // `vocab` maps tokens to ids; `unk_token` must be in it (the caller checks).
  WordPiece(StringTable vocab, std::string unk_token, std::string continuing_subword_prefix,
            size_t max_input_chars_per_word);

  // Appends the tokens of characters [word.begin, word.end) of `text`, all with `word_id`.
  void Tokenize(const NormalizedText& text, CharRange word, int32_t word_id, Encoding* out) const;

  const StringTable& vocab() const { return vocab_; }
  int32_t unk_id() const { return unk_id_; }
  const std::string& unk_token() const { return unk_token_; }
  const std::string& continuing_subword_prefix() const { return prefix_; }

 private:
  StringTable vocab_;         // every token
  StringTable continuation_;  // tokens that start with the prefix, keyed without it
  std::string unk_token_;
  std::string prefix_;
  size_t max_input_chars_per_word_;
  int32_t unk_id_;
};

}  // namespace nn
