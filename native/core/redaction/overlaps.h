// Overlapping and nested detections (model entities, rule matches, a span model's nested entities) become one
// region each before any text is rewritten, so a rewrite never cuts into another one's characters. Regions also
// snap outward to grapheme cluster boundaries, so a combining mark or the rest of an emoji sequence at a
// detection's edge is rewritten with it instead of being left dangling.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace nn::redaction {

struct Detection {
  uint32_t start;  // UTF-16 offsets in the text
  uint32_t end;
  float score;
  uint32_t index;  // the caller's own index (the entity's position)
};

struct Region {
  uint32_t start;
  uint32_t end;
  uint32_t leader;  // position in the detections of the one whose label and operator the region takes
};

// The regions of `detections`, in text order and disjoint: each is the union of a group of detections that
// overlap one another (directly or through others); touching detections (one ends where the next starts) stay
// apart. The leader is the outermost member: the longest, then the most confident, then the first.
std::vector<Region> MergeOverlaps(const std::vector<Detection>& detections);

// The UTF-16 offsets in `text` where extended grapheme clusters start, and text.size(); ascending.
std::vector<uint32_t> GraphemeBoundaries(std::u16string_view text);

// Widens [*start, *end) to the nearest boundaries around it (from GraphemeBoundaries of the same text).
void SnapToBoundaries(const std::vector<uint32_t>& boundaries, uint32_t* start, uint32_t* end);

}  // namespace nn::redaction
