#include "core/decode/entity.h"

namespace nn {

void EntityColumns::Reserve(size_t texts, size_t entities) {
  offsets.reserve(texts + 1);
  starts.reserve(entities);
  ends.reserve(entities);
  labels.reserve(entities);
  scores.reserve(entities);
  tokens.reserve(entities);
}

void EntityColumns::Append(const std::vector<Entity>& text_entities) {
  for (const Entity& e : text_entities) {
    starts.push_back(e.start);
    ends.push_back(e.end);
    labels.push_back(e.label);
    scores.push_back(e.score);
    tokens.push_back(e.token);
  }
  offsets.push_back(static_cast<uint32_t>(starts.size()));
}

}  // namespace nn
