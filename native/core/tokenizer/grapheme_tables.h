// Layout of the generated grapheme cluster table (grapheme_tables.cc, written by scripts/gen_grapheme_tables.py).
// Only graphemes.cc reads it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nn::grapheme_tables {

// Grapheme_Cluster_Break values (Unicode 17.0), with Extend split by Indic_Conjunct_Break and the two
// categories unicode-segmentation gives GCB=Other characters of its own.
enum GraphemeCategory : uint8_t {
  kOther,
  kCR,
  kLF,
  kControl,
  kExtend,        // and InCB=Extend
  kExtendLinker,  // InCB=Linker (viramas)
  kExtendNoInCB,  // Extend but not InCB=Extend (U+200C)
  kZWJ,           // also InCB=Extend
  kRegionalIndicator,
  kPrepend,
  kSpacingMark,
  kL,
  kV,
  kT,
  kLV,
  kLVT,
  kExtendedPictographic,
  kInCBConsonant,
};

struct GraphemeRun {
  char32_t first;
  char32_t last;  // inclusive
  GraphemeCategory category;
};

// Sorted by code point; code points in no run are kOther.
extern const GraphemeRun kGraphemeRuns[];
extern const size_t kGraphemeRunsSize;

}  // namespace nn::grapheme_tables
