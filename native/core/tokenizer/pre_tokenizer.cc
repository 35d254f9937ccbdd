#include "core/tokenizer/pre_tokenizer.h"

#include "core/tokenizer/unicode.h"

namespace nn {
namespace {

enum CharClass : uint8_t { kWordChar, kWhitespace, kPunctuation };

CharClass Classify(char32_t c) {
  if (unicode::IsWhitespace(c)) return kWhitespace;
  if (unicode::IsBertPunctuation(c)) return kPunctuation;
  return kWordChar;
}

struct AsciiClasses {
  CharClass of[128];
  constexpr AsciiClasses() : of() {
    for (char32_t c = 0; c < 128; ++c) {
      const bool space = c == ' ' || (c >= 0x09 && c <= 0x0D);
      const bool punct = (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
                         (c >= 0x7B && c <= 0x7E);
      of[c] = space ? kWhitespace : punct ? kPunctuation : kWordChar;
    }
  }
};
constexpr AsciiClasses kAsciiClasses;

}  // namespace

void PreTokenizer::Split(const NormalizedText& text, CharRange range, std::vector<CharRange>* words) const {
  if (range.begin >= range.end) return;
  if (!split_on_whitespace_ && !split_on_punctuation_) {
    words->push_back(range);
    return;
  }
  const NormalizedChar* chars = text.chars.data();
  uint32_t word_begin = range.begin;
  for (uint32_t i = range.begin; i < range.end; ++i) {
    const char32_t c = chars[i].code_point;
    CharClass cls = c < 128 ? kAsciiClasses.of[c] : Classify(c);
    if (cls == kPunctuation && !split_on_punctuation_) cls = kWordChar;
    if (cls == kWhitespace && !split_on_whitespace_) cls = kWordChar;
    if (cls == kWordChar) continue;
    if (word_begin < i) words->push_back(CharRange{word_begin, i});
    if (cls == kPunctuation) words->push_back(CharRange{i, i + 1});
    word_begin = i + 1;
  }
  if (word_begin < range.end) words->push_back(CharRange{word_begin, range.end});
}

}  // namespace nn
