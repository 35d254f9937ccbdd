// Character classes of the regular expressions HF `tokenizers` runs through Oniguruma (the GPT-2 split of
// ByteLevel, Split and Replace patterns): \p{L}, \p{N} as of Unicode 14.0 (Oniguruma 6.9.8), \s as White_Space.
#pragma once

#include <cstdint>

#include "core/tokenizer/unicode.h"

namespace nn::regex_classes {

bool IsLetterSlow(char32_t c);  // table lookups for non-ASCII
bool IsNumberSlow(char32_t c);

// General category L* (Lu, Ll, Lt, Lm, Lo).
inline bool IsLetter(char32_t c) {
  if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  return IsLetterSlow(c);
}

// General category N* (Nd, Nl, No).
inline bool IsNumber(char32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  return IsNumberSlow(c);
}

// \s: the White_Space property.
inline bool IsSpace(char32_t c) { return unicode::IsWhitespace(c); }

}  // namespace nn::regex_classes
