// Splits normalized text into words: BertPreTokenizer (whitespace removed, each punctuation character a
// word of its own) or WhitespaceSplit (whitespace only), or no splitting at all.
#pragma once

#include <cstdint>
#include <vector>

#include "core/tokenizer/normalizer.h"

namespace nn {

// Characters [begin, end) of a NormalizedText.
struct CharRange {
  uint32_t begin;
  uint32_t end;
};

class PreTokenizer {
 public:
  PreTokenizer(bool split_on_whitespace, bool split_on_punctuation)
      : split_on_whitespace_(split_on_whitespace), split_on_punctuation_(split_on_punctuation) {}

  // Appends the words of characters [range.begin, range.end) of `text` to *words; never empty words.
  void Split(const NormalizedText& text, CharRange range, std::vector<CharRange>* words) const;

  bool splits_on_whitespace() const { return split_on_whitespace_; }

 private:
  bool split_on_whitespace_;
  bool split_on_punctuation_;
};

}  // namespace nn
