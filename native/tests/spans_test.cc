// Span selection (decode/spans.h): words of a text, and choosing a text's entities from scored span candidates, nested
// or flat.
#include "core/decode/spans.h"
#include "tests/check.h"

namespace nn {
namespace {

struct Span {
  uint32_t start, end;
  int32_t type;
  float score;
  bool operator==(const Span& o) const { return start == o.start && end == o.end && type == o.type && score == o.score; }
};

std::ostream& operator<<(std::ostream& out, const Span& s) {
  return out << "{" << s.start << "-" << s.end << " " << s.type << " " << s.score << "}";
}

std::vector<Span> Select(SpanMode mode, const TextWords& words, std::vector<SpanCandidate> candidates) {
  std::vector<Entity> entities;
  SelectSpans(mode, words, &candidates, &entities);
  std::vector<Span> out;
  for (const Entity& e : entities) {
    CHECK_EQ(e.token, -1);
    out.push_back({e.start, e.end, e.label, e.score});
  }
  return out;
}

// "New York City  is big": words 0..4 at 0-3, 4-8, 9-13, 15-17, 18-21.
const std::u16string kText = u"New York City  is big";

TEST("span selection", "words are runs of non-whitespace") {
  const TextWords words(kText);
  CHECK_EQ(words.size(), size_t{5});
  CHECK_EQ(words.start(2), uint32_t{9});
  CHECK_EQ(words.end(2), uint32_t{13});
  CHECK_EQ(words.WordAt(5), 1);
  CHECK_EQ(words.WordAt(13), -1);  // a space
  CHECK_EQ(words.WordAt(14), -1);
  CHECK_EQ(words.WordAt(100), -1);
  CHECK_EQ(TextWords(u"   ").size(), size_t{0});
}

TEST("span selection", "nested: spans may contain one another; one crossing a kept span is dropped") {
  const TextWords words(kText);
  const std::vector<Span> kept = Select(SpanMode::kNested, words,
                                        {
                                            {0, 2, 1, 0.9f},  // New York City
                                            {0, 1, 2, 0.8f},  // New York, inside it
                                            {1, 3, 1, 0.7f},  // York City is: crosses New York City
                                            {4, 4, 3, 0.6f},  // big
                                        });
  CHECK_EQ(kept, (std::vector<Span>{{0, 8, 2, 0.8f}, {0, 13, 1, 0.9f}, {18, 21, 3, 0.6f}}));
}

TEST("span selection", "flat: a span overlapping a more confident one is dropped, even inside it") {
  const TextWords words(kText);
  const std::vector<Span> kept = Select(SpanMode::kFlat, words,
                                        {
                                            {0, 1, 2, 0.8f},
                                            {0, 2, 1, 0.9f},
                                            {3, 4, 1, 0.7f},
                                            {2, 3, 1, 0.95f},  // City is: drops both spans it overlaps
                                        });
  CHECK_EQ(kept, (std::vector<Span>{{0, 8, 2, 0.8f}, {9, 17, 1, 0.95f}}));
}

TEST("span selection", "a span scored by two windows comes out once, with its best score") {
  const TextWords words(kText);
  const std::vector<Span> kept = Select(SpanMode::kNested, words, {{1, 2, 1, 0.6f}, {1, 2, 1, 0.95f}, {1, 2, 2, 0.5f}});
  CHECK_EQ(kept, (std::vector<Span>{{4, 13, 1, 0.95f}, {4, 13, 2, 0.5f}}));
  CHECK(Select(SpanMode::kFlat, words, {}).empty());
}

TEST("span selection", "ties in score go to the earlier span") {
  const TextWords words(kText);
  const std::vector<Span> kept = Select(SpanMode::kFlat, words, {{1, 2, 1, 0.8f}, {0, 1, 1, 0.8f}});
  CHECK_EQ(kept, (std::vector<Span>{{0, 8, 1, 0.8f}}));
}

}  // namespace
}  // namespace nn
