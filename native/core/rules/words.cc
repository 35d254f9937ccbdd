#include "core/rules/words.h"

#include "core/tokenizer/unicode.h"
#include "core/util/utf.h"

namespace nn::rules {
namespace {

bool IsIdeograph(char32_t c) { return unicode::IsChineseChar(c) || (c >= 0x3040 && c <= 0x30FF); }

}  // namespace

void SplitWords(std::u16string_view text, std::vector<Word>* words) {
  words->clear();
  bool space_before = true;
  bool in_word = false;  // inside a run of word characters
  for (size_t i = 0; i < text.size();) {
    size_t units;
    const char32_t c = utf::DecodeUtf16(text, i, &units);
    const uint32_t start = static_cast<uint32_t>(i);
    i += units;
    if (unicode::IsWhitespace(c)) {
      space_before = true;
      in_word = false;
      continue;
    }
    const bool word_char = unicode::IsWordChar(c) && !IsIdeograph(c);
    if (word_char && in_word) {
      words->back().end = static_cast<uint32_t>(i);
      continue;
    }
    words->push_back(Word{start, static_cast<uint32_t>(i), !space_before && !words->empty()});
    in_word = word_char;
    space_before = false;
  }
}

void FoldWord(std::u16string_view text, const Word& word, const Folding& folding, std::string* out) {
  out->clear();
  for (size_t i = word.start; i < word.end;) {
    const char16_t unit = text[i];
    if (unit < 0x80) {  // ASCII: the common case, no tables
      out->push_back(static_cast<char>(folding.case_fold && unit >= 'A' && unit <= 'Z' ? unit + 32 : unit));
      ++i;
      continue;
    }
    size_t units;
    const char32_t c = utf::DecodeUtf16(text, i, &units);
    i += units;
    char32_t decomposed[unicode::kMaxDecompositionLength];
    size_t parts = 1;
    decomposed[0] = c;
    if (folding.accent_fold) parts = unicode::Decompose(c, decomposed);
    for (size_t p = 0; p < parts; ++p) {
      if (folding.accent_fold && unicode::IsMarkNonspacing(decomposed[p])) continue;
      if (folding.case_fold) {
        char32_t lower[unicode::kMaxLowercaseLength];
        const size_t n = unicode::ToLower(decomposed[p], lower);
        for (size_t k = 0; k < n; ++k) utf::AppendUtf8(lower[k], out);
      } else {
        utf::AppendUtf8(decomposed[p], out);
      }
    }
  }
}

std::string FoldPhrase(std::u16string_view text, const Folding& folding) {
  std::vector<Word> words;
  SplitWords(text, &words);
  std::string out, word;
  for (const Word& w : words) {
    FoldWord(text, w, folding, &word);
    if (!out.empty() && !w.joined) out.push_back(' ');
    out += word;
  }
  return out;
}

}  // namespace nn::rules
