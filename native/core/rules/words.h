// The words rules see in a text, and the folded form they are compared in. Phrase lists, overrides, allow-lists and
// context words all match whole words, so a phrase and a text are cut the same way: a word is a run of word
// characters (letters, marks, digits, '_'), except that each CJK ideograph and kana is a word of its own (those
// scripts put no spaces between words); every other character that is not a space is a word of its own ("AT&T" is
// AT, &, T). Offsets are UTF-16 units of the original text, so what is found maps back without a table.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nn::rules {

struct Word {
  uint32_t start;  // UTF-16 offsets in the text
  uint32_t end;
  bool joined;  // no space between this word and the previous one ("AT&T": & and T are joined)
};

void SplitWords(std::u16string_view text, std::vector<Word>* words);

// How words are compared: case-insensitively by default (Unicode lowercase), and optionally without accents
// (canonical decomposition, nonspacing marks dropped: "Zürich" = "Zurich").
struct Folding {
  bool case_fold = true;
  bool accent_fold = false;
  bool operator==(const Folding& other) const {
    return case_fold == other.case_fold && accent_fold == other.accent_fold;
  }
};

// Replaces *out with the folded form of text[word.start, word.end), as UTF-8 (a hash key).
void FoldWord(std::u16string_view text, const Word& word, const Folding& folding, std::string* out);

// The folded form of a whole string, words separated by single spaces (for exact-form tables: overrides, allow).
std::string FoldPhrase(std::u16string_view text, const Folding& folding);

}  // namespace nn::rules
