#include "core/decode/spans.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>
#include <utility>

#include "core/error.h"
#include "core/tokenizer/unicode.h"
#include "core/util/utf.h"

namespace nn {
namespace {

// A word's subwords inside one window: positions first..last of the model input.
struct WordRun {
  uint32_t word;
  uint32_t first;
  uint32_t last;
};

float Sigmoid(float logit) { return 1.0f / (1.0f + std::exp(-logit)); }

auto SpanKey(const SpanCandidate& c) { return std::make_tuple(c.first_word, c.last_word, c.type); }

// Spans kept so far, listed under every word they cover: a candidate can only conflict with a kept span that
// shares its first or last word (crossing) or any of its words (overlap), so a check never scans the text.
class KeptSpans {
 public:
  KeptSpans(uint32_t first_word, uint32_t last_word) : base_(first_word), covering_(last_word - first_word + 1) {}

  void Add(const SpanCandidate& c) {
    for (uint32_t w = c.first_word; w <= c.last_word; ++w) covering_[w - base_].emplace_back(c.first_word, c.last_word);
  }

  // Partial overlap with a kept span: one of the two starts inside the other and ends outside it.
  bool Crosses(const SpanCandidate& c) const {
    for (const auto& [first, last] : covering_[c.first_word - base_]) {
      if (first < c.first_word && last < c.last_word) return true;
    }
    for (const auto& [first, last] : covering_[c.last_word - base_]) {
      if (first > c.first_word && last > c.last_word) return true;
    }
    return false;
  }

  bool Overlaps(const SpanCandidate& c) const {
    for (uint32_t w = c.first_word; w <= c.last_word; ++w) {
      if (!covering_[w - base_].empty()) return true;
    }
    return false;
  }

 private:
  uint32_t base_;
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> covering_;
};

}  // namespace

SpanMode ParseSpanMode(std::string_view name) {
  if (name == "nested") return SpanMode::kNested;
  if (name == "flat") return SpanMode::kFlat;
  throw Error(ErrorCode::kInvalidArgument, "unknown spanMode '" + std::string(name) + "'; expected nested or flat");
}

TextWords::TextWords(std::u16string_view text) {
  bool in_word = false;
  size_t units = 1;
  for (size_t i = 0; i < text.size(); i += units) {
    const bool space = unicode::IsWhitespace(utf::DecodeUtf16(text, i, &units));
    if (space && in_word) ends_.push_back(static_cast<uint32_t>(i));
    if (!space && !in_word) starts_.push_back(static_cast<uint32_t>(i));
    in_word = !space;
  }
  if (in_word) ends_.push_back(static_cast<uint32_t>(text.size()));
}

int32_t TextWords::WordAt(uint32_t offset) const {
  const auto after = std::upper_bound(starts_.begin(), starts_.end(), offset);
  if (after == starts_.begin()) return -1;
  const size_t word = static_cast<size_t>(after - starts_.begin()) - 1;
  return offset < ends_[word] ? static_cast<int32_t>(word) : -1;
}

WindowCuts FindWindowCuts(const Encoding& bare, size_t begin, size_t end, const TextWords& words) {
  auto same_word = [&](size_t a, size_t b) {
    const int32_t word = words.WordAt(bare.starts[a]);
    return word >= 0 && word == words.WordAt(bare.starts[b]);
  };
  WindowCuts cuts;
  cuts.at_start = begin > 0 && begin < end && same_word(begin - 1, begin);
  cuts.at_end = end < bare.size() && end > begin && same_word(end - 1, end);
  return cuts;
}

void CollectSpanCandidates(const float* logits, SpanHeadShape shape, float threshold, const Encoding& window,
                           WindowCuts cuts, const TextWords& words, const LabelScheme& labels,
                           std::vector<SpanCandidate>* candidates) {
  std::vector<WordRun> runs;
  for (size_t p = 0; p < window.size(); ++p) {
    if (window.special[p]) continue;
    const int32_t word = words.WordAt(window.starts[p]);
    if (word < 0) continue;
    if (!runs.empty() && runs.back().word == static_cast<uint32_t>(word)) {
      runs.back().last = static_cast<uint32_t>(p);
    } else {
      runs.push_back({static_cast<uint32_t>(word), static_cast<uint32_t>(p), static_cast<uint32_t>(p)});
    }
  }
  const size_t first_start = cuts.at_start ? 1 : 0;
  const size_t end_limit = cuts.at_end && !runs.empty() ? runs.size() - 1 : runs.size();
  // Most logits are far below the threshold; comparing logits first skips their exp. The margin keeps the
  // decision itself on the sigmoid, as the reference takes it.
  const float logit_floor = static_cast<float>(std::log(threshold / (1.0 - threshold))) - 1e-3f;
  for (size_t i = first_start; i < runs.size(); ++i) {
    for (size_t j = i; j < end_limit; ++j) {
      const size_t width = runs[j].last - runs[i].first;  // w of [i, w, c]: the span covers width + 1 subwords
      if (width >= shape.max_width) break;
      const float* scores = logits + (runs[i].first * shape.max_width + width) * shape.labels;
      for (size_t c = 0; c < shape.labels; ++c) {
        if (!(scores[c] > logit_floor)) continue;
        const float score = Sigmoid(scores[c]);
        const int32_t type = labels.tag(c).type;
        if (score > threshold && type != labels.outside_type()) {
          candidates->push_back({runs[i].word, runs[j].word, type, score});
        }
      }
    }
  }
}

void SelectSpans(SpanMode mode, const TextWords& words, std::vector<SpanCandidate>* candidates,
                 std::vector<Entity>* out) {
  std::vector<SpanCandidate>& all = *candidates;
  if (all.empty()) return;
  // Windows overlap, so one span may have been scored by several of them: keep its best score.
  std::sort(all.begin(), all.end(), [](const SpanCandidate& a, const SpanCandidate& b) {
    return SpanKey(a) != SpanKey(b) ? SpanKey(a) < SpanKey(b) : a.score > b.score;
  });
  all.erase(std::unique(all.begin(), all.end(),
                        [](const SpanCandidate& a, const SpanCandidate& b) { return SpanKey(a) == SpanKey(b); }),
            all.end());

  std::sort(all.begin(), all.end(), [](const SpanCandidate& a, const SpanCandidate& b) {
    return a.score != b.score ? a.score > b.score : SpanKey(a) < SpanKey(b);
  });
  uint32_t lowest = all[0].first_word, highest = all[0].last_word;
  for (const SpanCandidate& c : all) {
    lowest = std::min(lowest, c.first_word);
    highest = std::max(highest, c.last_word);
  }
  KeptSpans kept_spans(lowest, highest);
  std::vector<SpanCandidate> kept;
  for (const SpanCandidate& c : all) {
    const bool conflict = mode == SpanMode::kNested ? kept_spans.Crosses(c) : kept_spans.Overlaps(c);
    if (conflict) continue;
    kept_spans.Add(c);
    kept.push_back(c);
  }

  std::sort(kept.begin(), kept.end(),
            [](const SpanCandidate& a, const SpanCandidate& b) { return SpanKey(a) < SpanKey(b); });
  for (const SpanCandidate& c : kept) {
    out->push_back({words.start(c.first_word), words.end(c.last_word), c.type, c.score, -1});
  }
}

}  // namespace nn
