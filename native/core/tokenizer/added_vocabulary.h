// Added tokens (tokenizer.json's `added_tokens`): found in the text before the model runs and mapped
// straight to their ids, like HF's AddedVocabulary. Tokens with normalized=false are matched on the raw
// input, tokens with normalized=true on the normalized text of what lies between those matches.
// Matching is leftmost-longest; single_word, lstrip and rstrip behave as in HF.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/tokenizer/normalizer.h"
#include "core/tokenizer/pre_tokenizer.h"

namespace nn {

struct AddedToken {
  std::string content;  // UTF-8
  int32_t id = -1;
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = false;
  bool special = false;
};

// A stretch of text that is either one added token (token_id >= 0) or plain text (token_id == -1).
// Units are UTF-16 offsets for raw splits and character indices into a NormalizedText for normalized ones.
struct TextSegment {
  uint32_t begin;
  uint32_t end;
  int32_t token_id;
};

class AddedVocabulary {
 public:
  AddedVocabulary() = default;
  // `normalize` (the tokenizer's normalizer over a whole text) turns the contents of normalized=true tokens
  // into the patterns to look for.
  using NormalizeFunction = std::function<void(std::u16string_view text, NormalizedText* out)>;
  AddedVocabulary(std::vector<AddedToken> tokens, const NormalizeFunction& normalize);
  // Patterns point into tokens_: movable, not copyable.
  AddedVocabulary(AddedVocabulary&&) = default;
  AddedVocabulary& operator=(AddedVocabulary&&) = default;
  AddedVocabulary(const AddedVocabulary&) = delete;
  AddedVocabulary& operator=(const AddedVocabulary&) = delete;

  bool has_raw_tokens() const { return !raw_patterns_.empty(); }
  bool has_normalized_tokens() const { return !normalized_patterns_.empty(); }
  const std::vector<AddedToken>& tokens() const { return tokens_; }

  // Splits the whole input; segments cover it in order (empty input gives no segments).
  void SplitRaw(std::u16string_view text, std::vector<TextSegment>* segments) const;

  // Splits characters [range.begin, range.end) of a normalized piece; segments cover the range in order.
  void SplitNormalized(const NormalizedText& text, CharRange range, std::vector<TextSegment>* segments) const;

 private:
  struct RawPattern {
    std::u16string text;
    const AddedToken* token;
  };
  struct NormalizedPattern {
    std::u32string text;  // the normalized content
    const AddedToken* token;
  };

  std::vector<AddedToken> tokens_;
  std::vector<RawPattern> raw_patterns_;
  std::vector<NormalizedPattern> normalized_patterns_;
  std::vector<uint8_t> raw_first_unit_;          // indexed by UTF-16 unit: 1 if a raw pattern starts with it
  std::vector<char32_t> normalized_first_chars_;  // sorted first characters of the normalized patterns
};

}  // namespace nn
