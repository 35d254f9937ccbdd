// Unicode character properties, each matching what Hugging Face `tokenizers` uses for BERT.
// HF mixes Unicode versions (categories 8.0, normalization 9.0, lowercase/whitespace 17.0); the tables in
// unicode_tables.cc reproduce each one. See scripts/gen_unicode_tables.py.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nn::unicode {

// General category Cc, Cf or Co. Unassigned (Cn) and surrogate (Cs) code points are NOT included,
// matching HF's `is_other`, so BertNormalizer's clean_text keeps unassigned code points.
bool IsOther(char32_t c);

// Rust's char::is_whitespace (the White_Space property).
bool IsWhitespace(char32_t c);

// General category Mn (what strip_accents drops after NFD).
bool IsMarkNonspacing(char32_t c);

// BertPreTokenizer's punctuation: ASCII punctuation (which includes symbols like $ + < = > ^ ` | ~)
// or a general category P*.
bool IsBertPunctuation(char32_t c);

// The CJK ideograph blocks BertNormalizer surrounds with spaces (HF's exact ranges).
bool IsChineseChar(char32_t c);

// Regex `\w` (Alphabetic, marks, decimal digits, connector punctuation, Join_Control), used by
// added tokens with single_word.
bool IsWordChar(char32_t c);

// Canonical combining class (0 for starters).
uint8_t CombiningClass(char32_t c);

constexpr size_t kMaxDecompositionLength = 4;
// Writes the full canonical decomposition (NFD, Hangul included) of `c` to `out`; returns its length
// (1 and out[0] == c when `c` does not decompose).
size_t Decompose(char32_t c, char32_t out[kMaxDecompositionLength]);

constexpr size_t kMaxLowercaseLength = 3;
// Rust's char::to_lowercase: writes the lowercase form of `c` (usually 1 char; U+0130 gives 2).
size_t ToLower(char32_t c, char32_t out[kMaxLowercaseLength]);

}  // namespace nn::unicode
