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
  }
  offsets.push_back(static_cast<uint32_t>(starts.size()));
}

}  // namespace nn
