// Extended grapheme clusters (core/tokenizer/graphemes.h), rule by rule, with Unicode 17.0 data as the
// unicode-segmentation crate behind HF has it.
#include <string>
#include <vector>

#include "core/tokenizer/graphemes.h"
#include "tests/check.h"

namespace nn {
namespace {

// Cluster lengths in code points.
std::vector<size_t> Clusters(std::u32string_view text) {
  std::vector<size_t> lengths;
  for (size_t begin = 0; begin < text.size();) {
    const size_t end = unicode::GraphemeClusterEnd(text, begin);
    lengths.push_back(end - begin);
    begin = end;
  }
  return lengths;
}
using Lengths = std::vector<size_t>;

TEST("graphemes", "ASCII, CR LF and controls (GB3-GB5)") {
  CHECK_EQ(Clusters(U"ab c"), (Lengths{1, 1, 1, 1}));
  CHECK_EQ(Clusters(U"a\r\nb\n\rc"), (Lengths{1, 2, 1, 1, 1, 1}));
  CHECK_EQ(Clusters(U"\u0001\u0301"), (Lengths{1, 1}));    // a control takes no mark
  CHECK_EQ(Clusters(std::u32string(U"a\u0301\0", 3)), (Lengths{2, 1}));
  CHECK_EQ(Clusters(U""), Lengths{});
}

TEST("graphemes", "Hangul syllable sequences (GB6-GB8)") {
  CHECK_EQ(Clusters(U"\u1100\u1161\u11A8"), Lengths{3});  // L V T
  CHECK_EQ(Clusters(U"\uAC00\u11A8\u1100"), (Lengths{2, 1}));  // LV T | L
  CHECK_EQ(Clusters(U"\uAC01\u1161"), (Lengths{1, 1}));    // LVT does not take V
  CHECK_EQ(Clusters(U"\u1100\u1100\uAC00"), Lengths{3});  // L L LV
}

TEST("graphemes", "marks, ZWJ, spacing marks and prepend (GB9-GB9b)") {
  CHECK_EQ(Clusters(U"e\u0301\u0302x"), (Lengths{3, 1}));
  CHECK_EQ(Clusters(U"a\u200Db"), (Lengths{2, 1}));
  CHECK_EQ(Clusters(U"\u0915\u093F"), Lengths{2});         // Devanagari KA + vowel sign I (SpacingMark)
  CHECK_EQ(Clusters(U"\u0600\u0661x"), (Lengths{2, 1}));   // Arabic number sign (Prepend) + digit
}

TEST("graphemes", "Indic conjuncts: consonant + virama + consonant stays one cluster (GB9c)") {
  CHECK_EQ(Clusters(U"\u0915\u094D\u0937"), Lengths{3});          // क्ष
  CHECK_EQ(Clusters(U"\u0915\u094D\u200D\u0937"), Lengths{4});    // with ZWJ (InCB=Extend)
  CHECK_EQ(Clusters(U"\u0915\u0937"), (Lengths{1, 1}));           // no virama
  CHECK_EQ(Clusters(U"\u0905\u094D\u0937"), (Lengths{2, 1}));     // independent vowel + virama: no conjunct
  CHECK_EQ(Clusters(U"\u1000\u1039\u1001"), Lengths{3});          // Myanmar (InCB since Unicode 16.0)
}

TEST("graphemes", "emoji ZWJ sequences and modifiers (GB11)") {
  CHECK_EQ(Clusters(U"\U0001F468\u200D\U0001F469\u200D\U0001F467"), Lengths{5});
  CHECK_EQ(Clusters(U"\U0001F44D\U0001F3FD!"), (Lengths{2, 1}));
  CHECK_EQ(Clusters(U"\u2764\uFE0F\u200D\U0001F525"), Lengths{4});  // heart, VS16, ZWJ, fire
  CHECK_EQ(Clusters(U"a\u200D\U0001F600"), (Lengths{2, 1}));        // ZWJ after a non-pictographic
  // U+2605 is no longer Extended_Pictographic in Unicode 17.0.
  CHECK_EQ(Clusters(U"\u2600\u200D\u2605"), (Lengths{2, 1}));
}

TEST("graphemes", "regional indicators pair up from the start of a run (GB12, GB13)") {
  CHECK_EQ(Clusters(U"\U0001F1EB\U0001F1F7"), Lengths{2});
  CHECK_EQ(Clusters(U"\U0001F1E9\U0001F1EA\U0001F1EC"), (Lengths{2, 1}));
  CHECK_EQ(Clusters(U"\U0001F1E9\U0001F1EA\U0001F1EC\U0001F1E7"), (Lengths{2, 2}));
  CHECK_EQ(Clusters(U"\U0001F1E9\u0301\U0001F1EA"), (Lengths{2, 1}));
}

TEST("graphemes", "out-of-range code points are Other") {
  CHECK_EQ(Clusters(std::u32string{0x110000, 0xD800, 0x301}), (Lengths{1, 2}));
}

}  // namespace
}  // namespace nn
