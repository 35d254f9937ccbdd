#include "core/redaction/overlaps.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "core/tokenizer/graphemes.h"
#include "core/util/utf.h"

namespace nn::redaction {

std::vector<Region> MergeOverlaps(const std::vector<Detection>& detections) {
  std::vector<uint32_t> order(detections.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const Detection& x = detections[a];
    const Detection& y = detections[b];
    return x.start != y.start ? x.start < y.start : a < b;
  });
  // Whether detection a leads rather than b: the longest, then the most confident, then the first given.
  auto leads = [&](uint32_t a, uint32_t b) {
    const uint32_t la = detections[a].end - detections[a].start;
    const uint32_t lb = detections[b].end - detections[b].start;
    if (la != lb) return la > lb;
    if (detections[a].score != detections[b].score) return detections[a].score > detections[b].score;
    return a < b;
  };
  std::vector<Region> regions;
  for (uint32_t k : order) {
    const Detection& d = detections[k];
    if (d.end <= d.start) continue;
    if (!regions.empty() && d.start < regions.back().end) {
      Region& region = regions.back();
      region.end = std::max(region.end, d.end);
      if (leads(k, region.leader)) region.leader = k;
    } else {
      regions.push_back(Region{d.start, d.end, k});
    }
  }
  return regions;
}

std::vector<uint32_t> GraphemeBoundaries(std::u16string_view text) {
  std::u32string code_points;
  std::vector<uint32_t> unit_of;  // UTF-16 offset of each code point
  code_points.reserve(text.size());
  unit_of.reserve(text.size() + 1);
  for (size_t i = 0; i < text.size();) {
    size_t units;
    code_points.push_back(utf::DecodeUtf16(text, i, &units));
    unit_of.push_back(static_cast<uint32_t>(i));
    i += units;
  }
  unit_of.push_back(static_cast<uint32_t>(text.size()));
  std::vector<uint32_t> boundaries;
  for (size_t c = 0; c < code_points.size(); c = unicode::GraphemeClusterEnd(code_points, c)) boundaries.push_back(unit_of[c]);
  boundaries.push_back(static_cast<uint32_t>(text.size()));
  return boundaries;
}

void SnapToBoundaries(const std::vector<uint32_t>& boundaries, uint32_t* start, uint32_t* end) {
  // boundaries holds 0 and text.size(), so both searches find one.
  auto after_start = std::upper_bound(boundaries.begin(), boundaries.end(), *start);
  if (after_start != boundaries.begin()) *start = *(after_start - 1);
  auto at_end = std::lower_bound(boundaries.begin(), boundaries.end(), *end);
  if (at_end != boundaries.end()) *end = *at_end;
}

}  // namespace nn::redaction
