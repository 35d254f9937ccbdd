#include "core/tokenizer/unicode.h"

#include <algorithm>

#include "core/tokenizer/unicode_tables.h"

namespace nn::unicode {
namespace {

using namespace nn::unicode_tables;

// Binary search for the last entry whose `first` is <= c.
template <typename Entry>
const Entry* FindRun(const Entry* table, size_t size, char32_t c) {
  const Entry* end = table + size;
  const Entry* it =
      std::upper_bound(table, end, c, [](char32_t value, const Entry& entry) { return value < entry.first; });
  if (it == table) return nullptr;
  --it;
  return c <= it->last ? it : nullptr;
}

bool InRanges(const CodePointRange* table, size_t size, char32_t c) { return FindRun(table, size, c) != nullptr; }

bool IsAsciiPunctuation(char32_t c) {
  return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
}

// Hangul syllable decomposition is algorithmic (Unicode 3.12).
constexpr char32_t kHangulFirst = 0xAC00;
constexpr char32_t kHangulCount = 11172;
constexpr char32_t kLeadFirst = 0x1100;
constexpr char32_t kVowelFirst = 0x1161;
constexpr char32_t kTrailFirst = 0x11A7;
constexpr char32_t kVowelCount = 21;
constexpr char32_t kTrailCount = 28;

}  // namespace

bool IsOther(char32_t c) {
  if (c < 0x80) return c < 0x20 || c == 0x7F;
  if (c < 0xA0) return true;  // C1 controls
  return InRanges(kOther, kOtherSize, c);
}

bool IsWhitespace(char32_t c) {
  if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D);
  return InRanges(kWhiteSpace, kWhiteSpaceSize, c);
}

bool IsMarkNonspacing(char32_t c) {
  if (c < 0x300) return false;
  return InRanges(kMarkNonspacing, kMarkNonspacingSize, c);
}

bool IsBertPunctuation(char32_t c) {
  if (c < 0x80) return IsAsciiPunctuation(c);
  return InRanges(kPunctuation, kPunctuationSize, c);
}

bool IsChineseChar(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
         (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

bool IsWordChar(char32_t c) {
  if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
  return InRanges(kWordChar, kWordCharSize, c);
}

uint8_t CombiningClass(char32_t c) {
  if (c < 0x300) return 0;
  const CombiningClassRun* run = FindRun(kCombiningClass, kCombiningClassSize, c);
  return run ? run->combining_class : 0;
}

size_t Decompose(char32_t c, char32_t out[kMaxDecompositionLength]) {
  if (c < 0xC0) {
    out[0] = c;
    return 1;
  }
  if (c >= kHangulFirst && c < kHangulFirst + kHangulCount) {
    const char32_t index = c - kHangulFirst;
    out[0] = kLeadFirst + index / (kVowelCount * kTrailCount);
    out[1] = kVowelFirst + (index % (kVowelCount * kTrailCount)) / kTrailCount;
    const char32_t trail = index % kTrailCount;
    if (trail == 0) return 2;
    out[2] = kTrailFirst + trail;
    return 3;
  }
  const Decomposition* end = kDecomposition + kDecompositionSize;
  const Decomposition* it = std::lower_bound(
      kDecomposition, end, c, [](const Decomposition& entry, char32_t value) { return entry.code_point < value; });
  if (it == end || it->code_point != c) {
    out[0] = c;
    return 1;
  }
  std::copy_n(kDecompositionPool + it->pool_offset, it->length, out);
  return it->length;
}

size_t ToLower(char32_t c, char32_t out[kMaxLowercaseLength]) {
  if (c < 0x80) {
    out[0] = (c >= 'A' && c <= 'Z') ? c + 32 : c;
    return 1;
  }
  for (size_t i = 0; i < kMultiLowercaseSize; ++i) {  // a single entry (U+0130) today
    if (kMultiLowercase[i].code_point == c) {
      std::copy_n(kMultiLowercase[i].lower, kMultiLowercase[i].length, out);
      return kMultiLowercase[i].length;
    }
  }
  const LowercaseRun* run = FindRun(kLowercase, kLowercaseSize, c);
  out[0] = (run && (c - run->first) % run->stride == 0) ? static_cast<char32_t>(static_cast<int32_t>(c) + run->delta) : c;
  return 1;
}

}  // namespace nn::unicode
