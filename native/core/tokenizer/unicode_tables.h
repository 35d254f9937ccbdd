// Layout of the generated Unicode tables (unicode_tables.cc, written by scripts/gen_unicode_tables.py).
// Only unicode.cc reads them; everything else asks the predicates in unicode.h.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nn::unicode_tables {

struct CodePointRange {
  char32_t first;
  char32_t last;  // inclusive
};

struct CombiningClassRun {
  char32_t first;
  char32_t last;  // inclusive
  uint8_t combining_class;
};

struct Decomposition {
  char32_t code_point;
  uint16_t pool_offset;  // into kDecompositionPool
  uint8_t length;
};

// Every `stride`-th code point from first to last lowercases to itself + delta.
struct LowercaseRun {
  char32_t first;
  char32_t last;  // inclusive
  uint8_t stride;
  int32_t delta;
};

struct MultiLowercase {
  char32_t code_point;
  uint8_t length;
  char32_t lower[3];
};

// All arrays are sorted by code point.
extern const CodePointRange kOther[];
extern const size_t kOtherSize;
extern const CodePointRange kMarkNonspacing[];
extern const size_t kMarkNonspacingSize;
extern const CodePointRange kPunctuation[];
extern const size_t kPunctuationSize;
extern const CodePointRange kWhiteSpace[];
extern const size_t kWhiteSpaceSize;
extern const CodePointRange kWordChar[];
extern const size_t kWordCharSize;
extern const CombiningClassRun kCombiningClass[];
extern const size_t kCombiningClassSize;
extern const Decomposition kDecomposition[];
extern const size_t kDecompositionSize;
extern const char32_t kDecompositionPool[];
extern const LowercaseRun kLowercase[];
extern const size_t kLowercaseSize;
extern const MultiLowercase kMultiLowercase[];
extern const size_t kMultiLowercaseSize;

}  // namespace nn::unicode_tables
