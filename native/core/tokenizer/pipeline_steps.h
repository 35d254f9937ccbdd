// The stages of the general tokenizer pipeline (tokenizer.cc runs them in HF's order): normalizer steps turn
// one piece of text into another, pre-tokenizer steps split it into words (and may rewrite characters).
// Every character keeps the input span HF's alignments give it (transformations.h), so token offsets come
// straight from the characters a token covers.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "core/tokenizer/normalizer.h"
#include "core/tokenizer/pre_tokenizer.h"

namespace nn {

class NormalizerStep {
 public:
  virtual ~NormalizerStep() = default;
  // Appends the normalization of `in` to *out (empty on entry). `origin`: where the piece starts in the input.
  virtual void Apply(const NormalizedText& in, uint32_t origin, NormalizedText* out) const = 0;
};

// Words over a text: what pre-tokenizer steps read and write.
struct PreTokenized {
  NormalizedText text;
  std::vector<CharRange> words;  // in order, never empty
  // ByteLevel's byte-to-character mapping is left to the BPE model: each UTF-8 byte of a word stands for
  // its mapped character (byte_level.h). Set only by a last ByteLevel step when the model asked for it.
  bool bytes_pending = false;
  // While the words are still the one piece the normalizer gave, HF sees the piece's own start in the input
  // (origin) as its offset, even when the normalizer removed characters there (Metaspace's "first" scheme).
  bool whole_piece = false;
  uint32_t origin = 0;

  void clear() {
    text.clear();
    words.clear();
    bytes_pending = false;
    whole_piece = false;
  }
};

class PreTokenizerStep {
 public:
  virtual ~PreTokenizerStep() = default;
  // Rewrites state's words (and text, for steps that change characters); `spare` is scratch space of the
  // same type that the step may swap with *state.
  virtual void Apply(PreTokenized* state, PreTokenized* spare) const = 0;
};

// HF's SplitDelimiterBehavior.
enum class SplitBehavior { kRemoved, kIsolated, kMergedWithPrevious, kMergedWithNext, kContiguous };

// A stretch of a word, in characters, found by a pattern (is_match) or lying between matches.
struct PatternPiece {
  uint32_t begin;
  uint32_t end;
  bool is_match;
};

// Turns the pieces of one word (covering it in order, as HF's Pattern::find_matches gives them) into words,
// appended to *words, with HF's rules for `behavior`; empty words are dropped.
void SplitByBehavior(const std::vector<PatternPiece>& pieces, SplitBehavior behavior, std::vector<CharRange>* words);

}  // namespace nn

namespace nn {

// BertNormalizer, Lowercase or NFD as one step of a general normalizer.
class BertNormalizerStep final : public NormalizerStep {
 public:
  explicit BertNormalizerStep(NormalizerOptions options) : normalizer_(options) {}
  void Apply(const NormalizedText& in, uint32_t origin, NormalizedText* out) const override {
    normalizer_.Normalize(in, origin, out);
  }
  const Normalizer& normalizer() const { return normalizer_; }

 private:
  Normalizer normalizer_;
};

// BertPreTokenizer or WhitespaceSplit as one step of a general pre-tokenizer.
class BertPreTokenizerStep final : public PreTokenizerStep {
 public:
  explicit BertPreTokenizerStep(PreTokenizer pre_tokenizer) : pre_tokenizer_(pre_tokenizer) {}
  void Apply(PreTokenized* state, PreTokenized* spare) const override {
    spare->words.clear();
    for (const CharRange& word : state->words) pre_tokenizer_.Split(state->text, word, &spare->words);
    std::swap(state->words, spare->words);
    state->whole_piece = false;
  }

 private:
  PreTokenizer pre_tokenizer_;
};

}  // namespace nn
