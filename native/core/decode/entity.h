// What decoding produces for one text, in the columnar form the addon hands to JS without per-entity objects.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nn {

struct Entity {
  uint32_t start;  // UTF-16 offset in the input text
  uint32_t end;    // exclusive
  int32_t label;   // index into LabelScheme::types(), or into tags() for aggregation "none"
  float score;
  int32_t token;   // the token's position in the model input for aggregation "none"; -1 otherwise
  int32_t source = 0;  // 0: the model; r + 1: rule r of the call's rule set (core/rules/rule_set.h)
  int32_t id = -1;     // the rule's canonical id (an index into the rule set's ids), -1 for none
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

  void Reserve(size_t texts, size_t entities);
  void Append(const std::vector<Entity>& text_entities);  // adds the next text's entities
  // Adds the texts of `other`, whose first text is text `first_text` here (a call's results, part by part).
  void AppendColumns(const EntityColumns& other, uint32_t first_text);
  size_t text_count() const { return offsets.size() - 1; }
  size_t entity_count() const { return starts.size(); }
};

}  // namespace nn
