// BertNormalizer (and its Lowercase and NFD parts) with offset tracking, reproducing HF's NormalizedString alignments: every normalized
// character remembers the input span (UTF-16 units) of the character it came from. Characters a step
// inserts share the span of the character before them, removed characters vanish (so they only end up
// inside a token's offsets when they sit between two kept characters of that token).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nn {

struct NormalizedChar {
  char32_t code_point;
  uint32_t byte_offset;  // where its UTF-8 encoding starts in NormalizedText::utf8
  uint32_t start;        // input span it came from, in UTF-16 units
  uint32_t end;
};

// A normalized piece of input: its UTF-8 text (what vocabularies are keyed on) and its characters.
struct NormalizedText {
  std::string utf8;
  std::vector<NormalizedChar> chars;

  void clear() {
    utf8.clear();
    chars.clear();
  }
  // Byte offset of character `i`; utf8.size() for i == chars.size().
  uint32_t ByteOffset(size_t i) const {
    return i < chars.size() ? chars[i].byte_offset : static_cast<uint32_t>(utf8.size());
  }
};

// The steps, always applied in this order (BertNormalizer's order). strip_marks implies nfd.
struct NormalizerOptions {
  bool clean_text = false;            // drop NUL, U+FFFD and Cc/Cf/Co except \t\n\r; whitespace -> ' '
  bool handle_chinese_chars = false;  // put spaces around CJK ideographs
  bool nfd = false;                   // canonical decomposition
  bool strip_marks = false;           // then drop nonspacing marks (strip_accents)
  bool lowercase = false;             // Rust's char::to_lowercase
};

class Normalizer {
 public:
  explicit Normalizer(NormalizerOptions options) : options_(options) {}

  // Appends the normalization of text[begin, end) to *out. Spans are offsets into `text`. Never fails.
  void Normalize(std::u16string_view text, size_t begin, size_t end, NormalizedText* out) const;
  // The same over already-normalized characters (a step after another one), keeping their spans; `origin`
  // is where the piece starts in the input.
  void Normalize(const NormalizedText& in, uint32_t origin, NormalizedText* out) const;

  const NormalizerOptions& options() const { return options_; }

 private:
  NormalizerOptions options_;
};

}  // namespace nn
