#include "core/tokenizer/byte_level.h"

#include <utility>

#include "core/tokenizer/regex_classes.h"
#include "core/tokenizer/transformations.h"

namespace nn {
namespace {

struct ByteTable {
  char32_t of[256];
  constexpr ByteTable() : of() {
    char32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      of[b] = printable ? static_cast<char32_t>(b) : next++;
    }
  }
};
constexpr ByteTable kByteTable;

// The classes the GPT-2 pattern tells apart.
enum Gpt2Class : uint8_t { kLetter, kNumber, kSpace, kOtherChar };

Gpt2Class ClassOf(char32_t c) {
  if (regex_classes::IsLetter(c)) return kLetter;
  if (regex_classes::IsNumber(c)) return kNumber;
  if (regex_classes::IsSpace(c)) return kSpace;
  return kOtherChar;
}

struct AsciiGpt2Classes {
  Gpt2Class of[128];
  constexpr AsciiGpt2Classes() : of() {
    for (char32_t c = 0; c < 128; ++c) {
      const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      const bool number = c >= '0' && c <= '9';
      const bool space = c == ' ' || (c >= 0x09 && c <= 0x0D);
      of[c] = letter ? kLetter : number ? kNumber : space ? kSpace : kOtherChar;
    }
  }
};
constexpr AsciiGpt2Classes kAsciiClasses;

inline Gpt2Class Classify(char32_t c) { return c < 128 ? kAsciiClasses.of[c] : ClassOf(c); }

// Length of the contraction ('s 't 're 've 'm 'll 'd) starting at i, or 0.
uint32_t ContractionAt(const NormalizedChar* chars, uint32_t i, uint32_t end) {
  if (chars[i].code_point != '\'' || i + 1 >= end) return 0;
  const char32_t a = chars[i + 1].code_point;
  if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
  if (i + 2 >= end) return 0;
  const char32_t b = chars[i + 2].code_point;
  if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
  return 0;
}

}  // namespace

char32_t ByteLevelChar(uint8_t byte) { return kByteTable.of[byte]; }

void SplitGpt2(const NormalizedText& text, CharRange range, std::vector<CharRange>* words) {
  const NormalizedChar* chars = text.chars.data();
  const uint32_t end = range.end;
  uint32_t i = range.begin;
  while (i < end) {
    uint32_t stop;
    if (const uint32_t contraction = ContractionAt(chars, i, end)) {
      stop = i + contraction;
    } else {
      const Gpt2Class first = Classify(chars[i].code_point);
      // " ?X+" for the letter, number and other classes: the optional space takes the next character's class.
      uint32_t run_start = i;
      Gpt2Class run_class = first;
      if (chars[i].code_point == ' ' && i + 1 < end) {
        const Gpt2Class next = Classify(chars[i + 1].code_point);
        if (next != kSpace) {
          run_start = i + 1;
          run_class = next;
        }
      }
      if (run_class != kSpace) {
        stop = run_start + 1;
        while (stop < end && Classify(chars[stop].code_point) == run_class) ++stop;
      } else {
        // \s+(?!\S) then \s+: a whitespace run, leaving its last character to the word after it.
        stop = i + 1;
        while (stop < end && Classify(chars[stop].code_point) == kSpace) ++stop;
        if (stop < end && stop - i > 1) --stop;
      }
    }
    words->push_back(CharRange{i, stop});
    i = stop;
  }
}

void ByteLevelPreTokenizer::Apply(PreTokenized* state, PreTokenized* spare) const {
  // 1. The prefix space: HF's prepend(" ") on every word that does not start with one (the space takes the
  //    span of the character it is put before).
  if (add_prefix_space_) {
    bool any = false;
    for (const CharRange& word : state->words) any = any || state->text.chars[word.begin].code_point != ' ';
    if (any) {
      spare->clear();
      const NormalizedChar* chars = state->text.chars.data();
      for (const CharRange& word : state->words) {
        const uint32_t begin = static_cast<uint32_t>(spare->text.chars.size());
        if (chars[word.begin].code_point != ' ') {
          AppendNormalizedChar(' ', chars[word.begin].start, chars[word.begin].end, &spare->text);
        }
        for (uint32_t k = word.begin; k < word.end; ++k) {
          AppendNormalizedChar(chars[k].code_point, chars[k].start, chars[k].end, &spare->text);
        }
        spare->words.push_back(CharRange{begin, static_cast<uint32_t>(spare->text.chars.size())});
      }
      spare->bytes_pending = state->bytes_pending;
      spare->origin = state->origin;
      std::swap(*state, *spare);
    }
  }
  // 2. The GPT-2 split.
  if (use_regex_) {
    spare->words.clear();
    for (const CharRange& word : state->words) SplitGpt2(state->text, word, &spare->words);
    std::swap(state->words, spare->words);
  }
  // 3. Bytes to characters: every byte of a character becomes one character with that character's span.
  state->whole_piece = false;
  if (defer_byte_mapping_) {
    state->bytes_pending = true;
    return;
  }
  spare->clear();
  const NormalizedText& text = state->text;
  for (const CharRange& word : state->words) {
    const uint32_t begin = static_cast<uint32_t>(spare->text.chars.size());
    for (uint32_t k = word.begin; k < word.end; ++k) {
      const NormalizedChar& c = text.chars[k];
      const uint32_t byte_end = text.ByteOffset(k + 1);
      for (uint32_t b = c.byte_offset; b < byte_end; ++b) {
        AppendNormalizedChar(ByteLevelChar(static_cast<uint8_t>(text.utf8[b])), c.start, c.end, &spare->text);
      }
    }
    spare->words.push_back(CharRange{begin, static_cast<uint32_t>(spare->text.chars.size())});
  }
  spare->origin = state->origin;
  std::swap(*state, *spare);
}

}  // namespace nn
