// What decoding produces for one text, in the columnar form the addon hands to JS without per-entity objects.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace nn {

// A confidence signal that was not computed (signals off, or undefined for the head).
constexpr float kNoSignal = std::numeric_limits<float>::quiet_NaN();

struct Entity {
  uint32_t start;  // UTF-16 offset in the input text
  uint32_t end;    // exclusive
  int32_t label;   // index into LabelScheme::types(), or into tags() for aggregation "none"
  float score;
  int32_t token;   // the token's position in the model input for aggregation "none"; -1 otherwise
  int32_t source = 0;  // 0: the model; r + 1: rule r of the call's rule set (core/rules/rule_set.h)
  int32_t id = -1;     // the rule's canonical id (an index into the rule set's ids), -1 for none
  // Confidence signals (HeadOptions::signals; kNoSignal otherwise), docs/api.md "Confidence signals". Token heads,
  // over the tokens inside the entity: the lowest probability of the entity's type (its tags together), the smallest
  // lead of that type over the most probable other type or O, the mean entropy of the tag distributions in nats.
  // Span heads, of the span's own yes/no label decision p: p, |2p - 1|, the binary entropy of p. A rule's entity
  // has none.
  float min_prob = kNoSignal;
  float margin = kNoSignal;
  float entropy = kNoSignal;
};

// Entities of many texts, flattened: text i owns entities [offsets[i], offsets[i+1]), each also marked with its
// text's index so a column can be read on its own.
struct EntityColumns {
  std::vector<uint32_t> offsets{0};
  std::vector<uint32_t> text_index;
  std::vector<uint32_t> starts;
  std::vector<uint32_t> ends;
  std::vector<int32_t> labels;
  std::vector<float> scores;
  std::vector<int32_t> tokens;
  std::vector<int32_t> sources;  // Entity::source and Entity::id, per entity
  std::vector<int32_t> ids;
  // With signals only (empty otherwise): Entity::min_prob, margin and entropy per entity, and per text its mean
  // token entropy (nats; NaN for a head without token distributions, or a text without tokens), its share of
  // unknown tokens, its model windows and its tokens (template tokens excluded).
  bool signals = false;
  std::vector<float> min_probs;
  std::vector<float> margins;
  std::vector<float> entropies;
  std::vector<float> text_entropy;
  std::vector<float> unk_rate;
  std::vector<uint32_t> text_windows;
  std::vector<uint32_t> text_tokens;
  // With token logits only (HeadOptions::logits): text i's tokens are rows token_rows[i] .. token_rows[i + 1] of
  // token_spans (start and end per token, UTF-16 in the text) and token_logits (the model's raw logits per token).
  bool token_scores = false;
  std::vector<uint32_t> token_rows;
  std::vector<uint32_t> token_spans;
  std::vector<float> token_logits;

  void Reserve(size_t texts, size_t entities);
  void Append(const std::vector<Entity>& text_entities);  // adds the next text's entities
  // With signals: the next text's own signals (call once per text, beside Append).
  void AppendTextSignals(float entropy, uint32_t unknown_tokens, uint32_t windows, uint32_t tokens);
  // Adds the texts of `other`, whose first text is text `first_text` here (a call's results, part by part).
  void AppendColumns(const EntityColumns& other, uint32_t first_text);
  size_t text_count() const { return offsets.size() - 1; }
  size_t entity_count() const { return starts.size(); }
};

}  // namespace nn
