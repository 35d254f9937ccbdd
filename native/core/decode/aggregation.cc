#include "core/decode/aggregation.h"

#include <algorithm>
#include <string>

#include "core/decode/softmax.h"
#include "core/error.h"

namespace nn {

Aggregation ParseAggregation(std::string_view name) {
  if (name == "none") return Aggregation::kNone;
  if (name == "simple") return Aggregation::kSimple;
  if (name == "first") return Aggregation::kFirst;
  if (name == "average") return Aggregation::kAverage;
  if (name == "max") return Aggregation::kMax;
  throw Error(ErrorCode::kInvalidArgument, "unknown aggregation '" + std::string(name) +
                                               "'; expected none, simple, first, average or max");
}

SubwordRule SubwordRule::FromTokenizer(const Tokenizer& tokenizer) {
  SubwordRule rule;
  rule.unk_id = tokenizer.unk_id();
  rule.token_lengths.resize(tokenizer.vocab_size());
  for (size_t id = 0; id < rule.token_lengths.size(); ++id) {
    uint32_t length = 0;
    for (unsigned char c : tokenizer.IdToToken(static_cast<int32_t>(id))) length += (c & 0xC0) != 0x80;
    rule.token_lengths[id] = length;
  }
  return rule;
}

bool SubwordRule::IsSubword(int32_t id, std::u16string_view covered_text) const {
  if (id == unk_id || id < 0 || static_cast<size_t>(id) >= token_lengths.size()) return false;
  uint32_t code_points = 0;
  for (char16_t unit : covered_text) code_points += !(unit >= 0xDC00 && unit <= 0xDFFF);  // low surrogates pair up
  return code_points != token_lengths[id];
}

namespace {

size_t ArgMax(const float* values, size_t width) {
  size_t best = 0;
  for (size_t k = 1; k < width; ++k) {
    if (values[k] > values[best]) best = k;  // the first maximum wins, as numpy's argmax
  }
  return best;
}

// A token (simple) or a word (first/average/max) with its decided tag, before B-/I- grouping.
struct Unit {
  uint32_t start;
  uint32_t end;
  size_t tag;
  float score;
};

// Groups consecutive units whose type stays the same and whose tag is not a B-; a group's score is the mean of
// its units' scores. Groups of type "O" are dropped.
void GroupUnits(const std::vector<Unit>& units, const LabelScheme& labels, std::vector<Entity>* out) {
  size_t first = 0;
  while (first < units.size()) {
    const int32_t type = labels.tag(units[first].tag).type;
    size_t last = first + 1;
    double score_sum = units[first].score;
    while (last < units.size()) {
      const Tag& tag = labels.tag(units[last].tag);
      if (tag.type != type || tag.role == TagRole::kBegin) break;
      score_sum += units[last].score;
      ++last;
    }
    if (type != labels.outside_type()) {
      out->push_back(Entity{units[first].start, units[last - 1].end, type,
                            static_cast<float>(score_sum / static_cast<double>(last - first)), -1});
    }
    first = last;
  }
}

// Decides a word's tag from the probabilities of its subwords, rows [begin, end) of `probabilities`.
Unit DecideWord(Aggregation strategy, const std::vector<float>& probabilities, size_t width, size_t begin, size_t end,
                uint32_t start_offset, uint32_t end_offset) {
  Unit unit{start_offset, end_offset, 0, 0.0f};
  if (strategy == Aggregation::kFirst) {
    const float* row = &probabilities[begin * width];
    unit.tag = ArgMax(row, width);
    unit.score = row[unit.tag];
  } else if (strategy == Aggregation::kMax) {
    size_t best_row = begin;
    float best = -1.0f;
    for (size_t r = begin; r < end; ++r) {
      const float* row = &probabilities[r * width];
      const float top = row[ArgMax(row, width)];
      if (top > best) {  // strictly greater: the first most confident subword wins, as Python's max()
        best = top;
        best_row = r;
      }
    }
    unit.tag = ArgMax(&probabilities[best_row * width], width);
    unit.score = probabilities[best_row * width + unit.tag];
  } else {  // kAverage
    std::vector<float> mean(width, 0.0f);
    for (size_t k = 0; k < width; ++k) {
      double sum = 0;
      for (size_t r = begin; r < end; ++r) sum += probabilities[r * width + k];
      mean[k] = static_cast<float>(sum / static_cast<double>(end - begin));
    }
    unit.tag = ArgMax(mean.data(), width);
    unit.score = mean[unit.tag];
  }
  return unit;
}

}  // namespace

void Aggregate(Aggregation strategy, const float* logits, const Encoding& encoding, std::u16string_view text,
               const LabelScheme& labels, const SubwordRule& subwords, std::vector<Entity>* out) {
  const size_t width = labels.size();
  // Probabilities of the tokens that take part (all but template tokens), in order.
  std::vector<size_t> tokens;
  tokens.reserve(encoding.size());
  for (size_t t = 0; t < encoding.size(); ++t) {
    if (!encoding.special[t]) tokens.push_back(t);
  }
  std::vector<float> probabilities(tokens.size() * width);
  for (size_t i = 0; i < tokens.size(); ++i) Softmax(logits + tokens[i] * width, width, &probabilities[i * width]);

  std::vector<Unit> units;
  units.reserve(tokens.size());
  if (strategy == Aggregation::kNone || strategy == Aggregation::kSimple) {
    for (size_t i = 0; i < tokens.size(); ++i) {
      const float* row = &probabilities[i * width];
      const size_t tag = ArgMax(row, width);
      units.push_back(Unit{encoding.starts[tokens[i]], encoding.ends[tokens[i]], tag, row[tag]});
    }
    if (strategy == Aggregation::kNone) {
      for (size_t i = 0; i < units.size(); ++i) {
        if (labels.tag(units[i].tag).type == labels.outside_type()) continue;
        out->push_back(Entity{units[i].start, units[i].end, static_cast<int32_t>(units[i].tag), units[i].score,
                              static_cast<int32_t>(tokens[i])});
      }
      return;
    }
  } else {
    // A word is a token followed by the subwords after it.
    size_t begin = 0;
    while (begin < tokens.size()) {
      size_t end = begin + 1;
      while (end < tokens.size()) {
        const size_t t = tokens[end];
        const uint32_t s = encoding.starts[t];
        const uint32_t e = encoding.ends[t];
        if (!subwords.IsSubword(encoding.ids[t], text.substr(s, e - s))) break;
        ++end;
      }
      units.push_back(DecideWord(strategy, probabilities, width, begin, end, encoding.starts[tokens[begin]],
                                 encoding.ends[tokens[end - 1]]));
      begin = end;
    }
  }
  GroupUnits(units, labels, out);
}

void MergeWindowEntities(std::vector<Entity>* entities) {
  if (entities->empty()) return;
  std::stable_sort(entities->begin(), entities->end(), [](const Entity& a, const Entity& b) { return a.start < b.start; });
  std::vector<Entity> merged;
  Entity previous = entities->front();
  for (const Entity& entity : *entities) {
    if (previous.start <= entity.start && entity.start < previous.end) {
      const uint32_t length = entity.end - entity.start;
      const uint32_t previous_length = previous.end - previous.start;
      if (length > previous_length || (length == previous_length && entity.score > previous.score)) previous = entity;
    } else {
      merged.push_back(previous);
      previous = entity;
    }
  }
  merged.push_back(previous);
  *entities = std::move(merged);
}

}  // namespace nn
