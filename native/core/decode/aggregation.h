// Turning per-token label scores into entities, with the semantics of the Hugging Face
// token-classification pipeline's aggregation strategies.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/decode/entity.h"
#include "core/decode/label_scheme.h"
#include "core/decode/tagging.h"
#include "core/tokenizer/tokenizer.h"

namespace nn {

enum class Aggregation {
  kNone,     // every token with a non-O tag, labelled with the tag itself (e.g. "B-PER")
  kSimple,   // tokens grouped by B-/I- tags
  kFirst,    // each word takes its first subword's tag, then words are grouped
  kAverage,  // each word takes the tag of its subwords' mean probabilities
  kMax,      // each word takes the tag of its single most confident subword
};

// Parses "none", "simple", "first", "average" or "max". Throws nn::Error(kInvalidArgument) otherwise.
Aggregation ParseAggregation(std::string_view name);

// Whether entity labels index LabelScheme::tags() (kNone) or LabelScheme::types() (every other strategy).
inline bool LabelsAreTags(Aggregation strategy) { return strategy == Aggregation::kNone; }

// Which tokens continue a word, for the word strategies (first, average, max), decided as the reference pipeline
// does (transformers 5, pipelines/token_classification.py, TokenClassificationPipeline.gather_pre_entities):
// - the tokenizer's model has a continuing-subword prefix (WordPiece "##"): a token is a subword when its string,
//   prefix included, is not as long (in code points) as the text it covers;
// - it has none (byte-level BPE, Unigram): the pipeline's fallback heuristic, a token is a subword when it does not
//   start at the text's beginning and neither the character before its start nor the one at its start is a space
//   (U+0020 only: after a tab or newline a token continues the word before it).
// The unknown token never is one. A window's first token always starts a word, whatever this says.
struct SubwordRule {
  bool by_token_length = true;          // the first rule above; else the heuristic
  std::vector<uint32_t> token_lengths;  // by_token_length: code points of each vocabulary token's string
  int32_t unk_id = -1;                  // the pipeline's tokenizer.unk_token_id (-1: none)

  static SubwordRule FromTokenizer(const Tokenizer& tokenizer, int32_t unk_id);
  static SubwordRule FromTokenizer(const Tokenizer& tokenizer) { return FromTokenizer(tokenizer, tokenizer.unk_id()); }
  // Whether token `id`, covering text[start, end) (UTF-16 offsets), continues the word of the token before it.
  bool IsSubword(int32_t id, std::u16string_view text, uint32_t start, uint32_t end) const;
};

enum class Decoding {
  kArgmax,   // each unit (token or word) takes its most probable tag, as the reference pipeline
  kViterbi,  // the most probable tag sequence the tagging scheme allows: no I-X after O or after another type
};

// Parses "argmax" or "viterbi". Throws nn::Error(kInvalidArgument) otherwise.
Decoding ParseDecoding(std::string_view name);

// A span the decoding must tag as one entity of `type` (an index into LabelScheme::types()): a `constrain` rule's
// match. UTF-16 offsets in the text.
struct ForcedSpan {
  uint32_t start;
  uint32_t end;
  int32_t type;
};

struct DecodeParams {
  Aggregation aggregation = Aggregation::kSimple;
  Decoding decoding = Decoding::kArgmax;
  // With argmax: read entities off the tags by the tagging scheme instead of the pipeline's grouping, so a
  // sequence the scheme forbids still gives the entities a reader of the scheme expects.
  bool repair = false;
  const TransitionRules* rules = nullptr;  // required by kViterbi
  // With kViterbi (and aggregation other than none): spans forced into the decoding. The units (tokens or words) a
  // span touches must form exactly one entity of its type, B-X I-X... in the scheme's spelling, and the unit after
  // it must not continue it; the rest is decoded around them. A span touching a unit an earlier span took is
  // skipped. Ignored by argmax. Null: none.
  const std::vector<ForcedSpan>* forced = nullptr;
  // Calibration (decode/calibration.h): each label's logit is multiplied by its entry before the softmax, so every
  // probability, and so the decoding, is the calibrated one. Null: the model's own probabilities.
  const std::vector<float>* inverse_temperatures = nullptr;
  // Fill each entity's confidence signals (Entity::min_prob, margin, entropy).
  bool signals = false;
  // Set: receives the entropy (nats) of each token that takes part (template tokens skipped), in order.
  std::vector<float>* token_entropies = nullptr;
};

// Decodes one text (one window). `logits` holds at least encoding.size() rows of labels.size() floats (the
// window's rows of the batch output). Tokens of the template ([CLS], [SEP]) are skipped; "O" is never reported.
// Entity labels index types() (aggregation none: tags()); with viterbi or repair they are bare types ("PER").
void Aggregate(const DecodeParams& params, const float* logits, const Encoding& encoding, std::u16string_view text,
               const LabelScheme& labels, const SubwordRule& subwords, std::vector<Entity>* out);

// Joins the entities of a text's overlapping windows as the reference pipeline does: ordered by start, an
// entity that starts inside the previous one replaces it when it is longer, or as long and more confident.
void MergeWindowEntities(std::vector<Entity>* entities);

}  // namespace nn
