#include "core/decode/entity.h"

namespace nn {

void EntityColumns::Reserve(size_t texts, size_t entities) {
  offsets.reserve(texts + 1);
  text_index.reserve(entities);
  starts.reserve(entities);
  ends.reserve(entities);
  labels.reserve(entities);
  scores.reserve(entities);
  tokens.reserve(entities);
  sources.reserve(entities);
  ids.reserve(entities);
}

void EntityColumns::Append(const std::vector<Entity>& text_entities) {
  const uint32_t text = static_cast<uint32_t>(offsets.size() - 1);
  for (const Entity& e : text_entities) {
    text_index.push_back(text);
    starts.push_back(e.start);
    ends.push_back(e.end);
    labels.push_back(e.label);
    scores.push_back(e.score);
    tokens.push_back(e.token);
    sources.push_back(e.source);
    ids.push_back(e.id);
  }
  offsets.push_back(static_cast<uint32_t>(starts.size()));
}

void EntityColumns::AppendColumns(const EntityColumns& other, uint32_t first_text) {
  const uint32_t base = static_cast<uint32_t>(entity_count());
  for (size_t i = 1; i < other.offsets.size(); ++i) offsets.push_back(base + other.offsets[i]);
  for (uint32_t text : other.text_index) text_index.push_back(first_text + text);
  starts.insert(starts.end(), other.starts.begin(), other.starts.end());
  ends.insert(ends.end(), other.ends.begin(), other.ends.end());
  labels.insert(labels.end(), other.labels.begin(), other.labels.end());
  scores.insert(scores.end(), other.scores.begin(), other.scores.end());
  tokens.insert(tokens.end(), other.tokens.begin(), other.tokens.end());
  sources.insert(sources.end(), other.sources.begin(), other.sources.end());
  ids.insert(ids.end(), other.ids.begin(), other.ids.end());
}

}  // namespace nn
