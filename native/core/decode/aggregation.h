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

// What the word strategies need to know of the vocabulary: the pipeline calls a token a subword when its
// string (with the "##" prefix) is not as long as the text it covers, and never calls [UNK] one.
struct SubwordRule {
  std::vector<uint32_t> token_lengths;  // code points of each vocabulary token's string
  int32_t unk_id = -1;

  static SubwordRule FromTokenizer(const Tokenizer& tokenizer);
  bool IsSubword(int32_t id, std::u16string_view covered_text) const;
};

enum class Decoding {
  kArgmax,   // each unit (token or word) takes its most probable tag, as the reference pipeline
  kViterbi,  // the most probable tag sequence the tagging scheme allows: no I-X after O or after another type
};

// Parses "argmax" or "viterbi". Throws nn::Error(kInvalidArgument) otherwise.
Decoding ParseDecoding(std::string_view name);

struct DecodeParams {
  Aggregation aggregation = Aggregation::kSimple;
  Decoding decoding = Decoding::kArgmax;
  // With argmax: read entities off the tags by the tagging scheme instead of the pipeline's grouping, so a
  // sequence the scheme forbids still gives the entities a reader of the scheme expects.
  bool repair = false;
  const TransitionRules* rules = nullptr;  // required by kViterbi
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
