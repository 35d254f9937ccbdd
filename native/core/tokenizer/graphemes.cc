#include "core/tokenizer/graphemes.h"

#include <algorithm>

#include "core/tokenizer/grapheme_tables.h"

namespace nn::unicode {
namespace {

using namespace nn::grapheme_tables;

GraphemeCategory Category(char32_t c) {
  if (c < 0x7F) return c >= 0x20 ? kOther : c == '\n' ? kLF : c == '\r' ? kCR : kControl;
  if (c >= 0xAC00 && c <= 0xD7A3) return (c - 0xAC00) % 28 == 0 ? kLV : kLVT;  // Hangul syllables
  const GraphemeRun* end = kGraphemeRuns + kGraphemeRunsSize;
  const GraphemeRun* it = std::upper_bound(kGraphemeRuns, end, c,
                                           [](char32_t value, const GraphemeRun& run) { return value < run.first; });
  if (it == kGraphemeRuns) return kOther;
  --it;
  return c <= it->last ? it->category : kOther;
}

bool IsExtend(GraphemeCategory c) { return c == kExtend || c == kExtendLinker || c == kExtendNoInCB; }

// What the rules that look back (GB9c, GB11, GB12/13) need to know about the cluster so far. Those contexts
// never cross a cluster start (Extend, ZWJ and linkers do not break from what precedes them, and a run of
// regional indicators pairs from its first), so tracking them from the cluster's first character suffices.
struct Context {
  int regional_indicators = 0;      // consecutive RIs ending at the previous character
  bool pictographic_run = false;    // the previous characters end with Extended_Pictographic Extend*
  bool zwj_after_pictographic = false;  // the previous character is a ZWJ that ends such a run
  int conjunct = 0;  // 1: InCB=Consonant then InCB=Extend*; 2: Consonant [Extend Linker]* with a Linker

  void Add(GraphemeCategory c) {
    regional_indicators = c == kRegionalIndicator ? regional_indicators + 1 : 0;
    zwj_after_pictographic = c == kZWJ && pictographic_run;
    pictographic_run = c == kExtendedPictographic || (pictographic_run && IsExtend(c));
    if (c == kInCBConsonant) {
      conjunct = 1;
    } else if (c == kExtendLinker) {
      conjunct = conjunct ? 2 : 0;
    } else if (c != kExtend && c != kZWJ) {  // InCB=Extend keeps the state
      conjunct = 0;
    }
  }
};

// The crate's pair rules, in its order (check_pair).
bool IsBreak(GraphemeCategory before, GraphemeCategory after, const Context& context) {
  if (before == kCR && after == kLF) return false;                                           // GB3
  if (before == kControl || before == kCR || before == kLF) return true;                     // GB4
  if (after == kControl || after == kCR || after == kLF) return true;                        // GB5
  if (before == kL && (after == kL || after == kV || after == kLV || after == kLVT)) return false;  // GB6
  if ((before == kLV || before == kV) && (after == kV || after == kT)) return false;          // GB7
  if ((before == kLVT || before == kT) && after == kT) return false;                         // GB8
  if (IsExtend(after) || after == kZWJ) return false;                                        // GB9
  if (after == kSpacingMark) return false;                                                   // GB9a
  if (before == kPrepend) return false;                                                      // GB9b
  if (after == kInCBConsonant) return context.conjunct != 2;                                 // GB9c
  if (before == kZWJ && after == kExtendedPictographic) return !context.zwj_after_pictographic;  // GB11
  if (before == kRegionalIndicator && after == kRegionalIndicator) {                         // GB12, GB13
    return context.regional_indicators % 2 == 0;
  }
  return true;  // GB999
}

}  // namespace

size_t GraphemeClusterEnd(std::u32string_view text, size_t begin) {
  if (begin >= text.size()) return text.size();
  GraphemeCategory before = Category(text[begin]);
  Context context;
  context.Add(before);
  for (size_t i = begin + 1; i < text.size(); ++i) {
    const char32_t c = text[i];
    // ASCII after ASCII other than CR LF: always a boundary (GB999 or GB4/GB5).
    if (c < 0x7F && text[i - 1] < 0x7F && !(c == '\n' && text[i - 1] == '\r')) return i;
    const GraphemeCategory after = Category(c);
    if (IsBreak(before, after, context)) return i;
    context.Add(after);
    before = after;
  }
  return text.size();
}

}  // namespace nn::unicode
