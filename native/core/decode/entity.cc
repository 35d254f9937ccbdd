#include "core/decode/entity.h"

#include <utility>

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
    if (signals) {
      min_probs.push_back(e.min_prob);
      margins.push_back(e.margin);
      entropies.push_back(e.entropy);
    }
  }
  offsets.push_back(static_cast<uint32_t>(starts.size()));
}

void EntityColumns::AppendTextSignals(float entropy, uint32_t unknown_tokens, uint32_t windows, uint32_t tokens) {
  text_entropy.push_back(entropy);
  unk_rate.push_back(tokens == 0 ? 0.0f : static_cast<float>(unknown_tokens) / static_cast<float>(tokens));
  text_windows.push_back(windows);
  text_tokens.push_back(tokens);
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
  signals = other.signals;
  for (auto [to, from] : {std::pair{&min_probs, &other.min_probs}, {&margins, &other.margins}, {&entropies, &other.entropies},
                          {&text_entropy, &other.text_entropy}, {&unk_rate, &other.unk_rate}}) {
    to->insert(to->end(), from->begin(), from->end());
  }
  text_windows.insert(text_windows.end(), other.text_windows.begin(), other.text_windows.end());
  text_tokens.insert(text_tokens.end(), other.text_tokens.begin(), other.text_tokens.end());
  token_scores = other.token_scores;
  if (token_scores) {
    if (token_rows.empty()) token_rows.push_back(0);
    const uint32_t rows = token_rows.back();
    for (size_t i = 1; i < other.token_rows.size(); ++i) token_rows.push_back(rows + other.token_rows[i]);
    token_spans.insert(token_spans.end(), other.token_spans.begin(), other.token_spans.end());
    token_logits.insert(token_logits.end(), other.token_logits.begin(), other.token_logits.end());
  }
}

}  // namespace nn
