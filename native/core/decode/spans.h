// Decoding a span head (config.json "ner_head": "span"): the model scores every stretch of up to max_width
// subwords for every type, each score an independent sigmoid. Entities are whole-word spans above the
// threshold, chosen greedily by score so that kept spans nest (or, in flat mode, never overlap).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/decode/entity.h"
#include "core/decode/label_scheme.h"
#include "core/tokenizer/tokenizer.h"

namespace nn {

enum class SpanMode {
  kNested,  // a span is dropped only when it crosses a kept one; containment is allowed
  kFlat,    // a span is dropped when it overlaps a kept one at all
};

// Parses "nested" or "flat". Throws nn::Error(kInvalidArgument) otherwise.
SpanMode ParseSpanMode(std::string_view name);

// The words of a text as the span decoder sees them: maximal runs of non-whitespace characters (Unicode
// White_Space, the pre-tokenizer's own split), so a token never straddles two words.
class TextWords {
 public:
  explicit TextWords(std::u16string_view text);

  size_t size() const { return starts_.size(); }
  uint32_t start(size_t word) const { return starts_[word]; }  // UTF-16 offset of the first unit
  uint32_t end(size_t word) const { return ends_[word]; }      // one past the last unit
  // The word holding UTF-16 offset `offset`; -1 when it is whitespace or past the text.
  int32_t WordAt(uint32_t offset) const;

 private:
  std::vector<uint32_t> starts_;
  std::vector<uint32_t> ends_;
};

// Whether a window of a long text cuts a word at either edge, leaving that word's first (last) subword in
// the neighbouring window: such a word cannot start (end) a span in this window.
struct WindowCuts {
  bool at_start = false;
  bool at_end = false;
};

// The cuts of the window holding tokens [begin, end) of `bare`, the text's encoding without template tokens.
WindowCuts FindWindowCuts(const Encoding& bare, size_t begin, size_t end, const TextWords& words);

struct SpanCandidate {
  uint32_t first_word;  // TextWords indices, inclusive
  uint32_t last_word;
  int32_t type;         // index into LabelScheme::types()
  float score;          // sigmoid of the logit
};

struct SpanHeadShape {
  size_t max_width;  // the output's third dimension: a span covers at most this many subwords
  size_t labels;     // the output's fourth dimension
};

// Appends the candidates of one window: spans that start at the first subword of a word and end at the last
// subword of a word, fewer than max_width subwords apart, scored above `threshold`. `logits` is the window's
// block of the batch output, at least window.size() rows of max_width x labels floats ([b, i, w, c] scores
// subwords i..i+w).
void CollectSpanCandidates(const float* logits, SpanHeadShape shape, float threshold, const Encoding& window,
                           WindowCuts cuts, const TextWords& words, const LabelScheme& labels,
                           std::vector<SpanCandidate>* candidates);

// Chooses one text's entities from the candidates of all its windows: a span found by several windows keeps
// its best score, then candidates are taken by descending score (ties: first word, last word, type) unless
// they conflict with one already kept. Entities come out ordered by start, end and type, with token -1.
// `candidates` is left reordered.
void SelectSpans(SpanMode mode, const TextWords& words, std::vector<SpanCandidate>* candidates,
                 std::vector<Entity>* out);

}  // namespace nn
