#include "core/decode/aggregation.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/decode/softmax.h"
#include "core/decode/viterbi.h"
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

Decoding ParseDecoding(std::string_view name) {
  if (name == "argmax") return Decoding::kArgmax;
  if (name == "viterbi") return Decoding::kViterbi;
  throw Error(ErrorCode::kInvalidArgument, "unknown decoding '" + std::string(name) + "'; expected argmax or viterbi");
}

SubwordRule SubwordRule::FromTokenizer(const Tokenizer& tokenizer, int32_t unk_id) {
  SubwordRule rule;
  rule.unk_id = unk_id;
  rule.by_token_length = !tokenizer.continuing_subword_prefix().empty();
  if (!rule.by_token_length) return rule;
  rule.token_lengths.resize(tokenizer.vocab_size());
  for (size_t id = 0; id < rule.token_lengths.size(); ++id) {
    uint32_t length = 0;
    for (unsigned char c : tokenizer.IdToToken(static_cast<int32_t>(id))) length += (c & 0xC0) != 0x80;
    rule.token_lengths[id] = length;
  }
  return rule;
}

bool SubwordRule::IsSubword(int32_t id, std::u16string_view text, uint32_t start, uint32_t end) const {
  if (id == unk_id || id < 0) return false;
  if (!by_token_length) {
    // Python's sentence[start - 1 : start + 1] holds neither " ": code points there, UTF-16 units here, and a
    // surrogate half is never a space either way.
    return start > 0 && start <= text.size() && text[start - 1] != u' ' &&
           (start == text.size() || text[start] != u' ');
  }
  if (static_cast<size_t>(id) >= token_lengths.size() || start > end || end > text.size()) return false;
  uint32_t code_points = 0;
  for (uint32_t i = start; i < end; ++i) code_points += !(text[i] >= 0xDC00 && text[i] <= 0xDFFF);  // pairs count once
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

// A token (none, simple) or a word (first, average, max): its span and the probabilities it decides with.
struct Unit {
  uint32_t start;
  uint32_t end;
  size_t token;  // position of its (first) token in the model input
};

// Groups consecutive units as the pipeline does: while the type stays the same and the tag is not a B-; a group's
// score is the mean of its units' scores. Groups of type "O" are dropped.
void GroupLikePipeline(const std::vector<Unit>& units, const std::vector<size_t>& tags, const std::vector<float>& scores,
                       const LabelScheme& labels, std::vector<Entity>* out) {
  size_t first = 0;
  while (first < units.size()) {
    const int32_t type = labels.tag(tags[first]).type;
    size_t last = first + 1;
    double score_sum = scores[first];
    while (last < units.size()) {
      const Tag& tag = labels.tag(tags[last]);
      if (tag.type != type || tag.role == TagRole::kBegin) break;
      score_sum += scores[last];
      ++last;
    }
    if (type != labels.outside_type()) {
      out->push_back(Entity{units[first].start, units[last - 1].end, type,
                            static_cast<float>(score_sum / static_cast<double>(last - first)), -1});
    }
    first = last;
  }
}

// Reads entities off a tag sequence by the tagging scheme (leniently, as conlleval: an I-X that cannot continue
// begins an X entity); an entity's label is its bare type and its score the mean of its units' scores.
void ChunkByScheme(const std::vector<Unit>& units, const std::vector<size_t>& tags, const std::vector<float>& scores,
                   const LabelScheme& labels, std::vector<Entity>* out) {
  size_t i = 0;
  while (i < units.size()) {
    const Tag& tag = labels.tag(tags[i]);
    const Tag* previous = i > 0 ? &labels.tag(tags[i - 1]) : nullptr;
    if (!BeginsEntity(previous, tag)) {
      ++i;
      continue;
    }
    size_t last = i;
    double score_sum = scores[i];
    while (last + 1 < units.size() && !EndsEntity(labels.tag(tags[last]), &labels.tag(tags[last + 1]))) {
      ++last;
      score_sum += scores[last];
    }
    out->push_back(Entity{units[i].start, units[last].end, tag.entity,
                          static_cast<float>(score_sum / static_cast<double>(last - i + 1)), -1});
    i = last + 1;
  }
}

// The probabilities a word decides with, from its subwords' rows [begin, end) of `probabilities`.
void WordProbabilities(Aggregation strategy, const std::vector<float>& probabilities, size_t width, size_t begin,
                       size_t end, float* out) {
  if (strategy == Aggregation::kFirst) {
    std::copy_n(&probabilities[begin * width], width, out);
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
    std::copy_n(&probabilities[best_row * width], width, out);
  } else {  // kAverage
    for (size_t k = 0; k < width; ++k) {
      double sum = 0;
      for (size_t r = begin; r < end; ++r) sum += probabilities[r * width + k];
      out[k] = static_cast<float>(sum / static_cast<double>(end - begin));
    }
  }
}

// The decoding constraints of `forced` over `units`, or none when no span touches a unit.
ViterbiConstraints ForcedConstraints(const std::vector<ForcedSpan>& forced, const std::vector<Unit>& units,
                                     const LabelScheme& labels) {
  ViterbiConstraints constraints;
  const size_t width = labels.size();
  std::vector<char> taken(units.size(), 0);
  for (const ForcedSpan& span : forced) {
    if (span.type < 0 || static_cast<size_t>(span.type) >= labels.types().size()) continue;
    // Units are ordered and disjoint: the touched ones are a run [first, last).
    size_t first = 0;
    while (first < units.size() && units[first].end <= span.start) ++first;
    size_t last = first;
    while (last < units.size() && units[last].start < span.end) ++last;
    if (first == last) continue;
    if (std::find(taken.begin() + first, taken.begin() + last, 1) != taken.begin() + last) continue;
    if (constraints.empty()) {
      constraints.allowed.assign(units.size() * width, 1);
      constraints.links.assign(units.size(), ViterbiLink::kFree);
    }
    for (size_t u = first; u < last; ++u) {
      taken[u] = 1;
      for (size_t t = 0; t < width; ++t) constraints.allowed[u * width + t] = labels.tag(t).entity == span.type;
      constraints.links[u] = u == first ? ViterbiLink::kBreak : ViterbiLink::kContinue;
    }
    if (last < units.size()) constraints.links[last] = ViterbiLink::kBreak;
  }
  return constraints;
}

// The entropy (nats) of a distribution.
float EntropyOf(const float* p, size_t width) {
  double entropy = 0;
  for (size_t k = 0; k < width; ++k) {
    if (p[k] > 0) entropy -= static_cast<double>(p[k]) * std::log(static_cast<double>(p[k]));
  }
  return static_cast<float>(entropy);
}

// Each entity's signals over the tokens wholly inside it, from their tag distributions (`probabilities`, one row per
// token of `tokens`): the lowest probability that a token belongs to the entity's type (its B-/I-/E-/S- tags
// together), the smallest lead of that type over the most probable other one ("O" included; negative where another
// type is more probable, as Viterbi may decide against a token's own best), and the mean entropy. Entities and tokens
// are in text order and an entity's tokens are a run, so one pass serves them all.
void AddSignals(const Encoding& encoding, const std::vector<size_t>& tokens, const std::vector<float>& probabilities,
                const LabelScheme& labels, bool labels_are_tags, std::vector<Entity>::iterator begin,
                std::vector<Entity>::iterator end) {
  const size_t width = labels.size();
  const size_t types = labels.types().size();
  std::vector<double> mass(types + 1);  // by bare type; the last slot is "O"
  size_t i = 0;
  for (auto e = begin; e != end; ++e) {
    const int32_t type = labels_are_tags ? labels.tag(static_cast<size_t>(e->label)).entity : e->label;
    while (i < tokens.size() && encoding.starts[tokens[i]] < e->start) ++i;
    float low = 1, lead = 1;
    double entropy = 0;
    size_t count = 0;
    for (size_t k = i; k < tokens.size() && encoding.ends[tokens[k]] <= e->end; ++k) {
      const float* row = &probabilities[k * width];
      std::fill(mass.begin(), mass.end(), 0.0);
      for (size_t t = 0; t < width; ++t) {
        const int32_t of = labels.tag(t).entity;
        mass[of < 0 ? types : static_cast<size_t>(of)] += row[t];
      }
      double other = 0;
      for (size_t y = 0; y <= types; ++y) {
        if (static_cast<int32_t>(y) != type) other = std::max(other, mass[y]);
      }
      const double own = type >= 0 ? mass[static_cast<size_t>(type)] : 0;
      low = std::min(low, static_cast<float>(own));
      lead = std::min(lead, static_cast<float>(own - other));
      entropy += EntropyOf(row, width);
      ++count;
    }
    if (count == 0) continue;  // no token lies wholly inside (cannot happen for entities made of tokens)
    e->min_prob = low;
    e->margin = lead;
    e->entropy = static_cast<float>(entropy / static_cast<double>(count));
  }
}

}  // namespace

void Aggregate(const DecodeParams& params, const float* logits, const Encoding& encoding, std::u16string_view text,
               const LabelScheme& labels, const SubwordRule& subwords, std::vector<Entity>* out) {
  const size_t width = labels.size();
  // Probabilities of the tokens that take part (all but template tokens), in order.
  std::vector<size_t> tokens;
  tokens.reserve(encoding.size());
  for (size_t t = 0; t < encoding.size(); ++t) {
    if (!encoding.special[t]) tokens.push_back(t);
  }
  std::vector<float> probabilities(tokens.size() * width);
  std::vector<float> scaled(params.inverse_temperatures ? width : 0);
  for (size_t i = 0; i < tokens.size(); ++i) {
    const float* row = logits + tokens[i] * width;
    if (params.inverse_temperatures) {
      for (size_t k = 0; k < width; ++k) scaled[k] = row[k] * (*params.inverse_temperatures)[k];
      row = scaled.data();
    }
    Softmax(row, width, &probabilities[i * width]);
  }
  if (params.token_entropies) {
    for (size_t i = 0; i < tokens.size(); ++i) params.token_entropies->push_back(EntropyOf(&probabilities[i * width], width));
  }
  // The token distributions the signals read, kept before they move into the units.
  const std::vector<float> token_probabilities = params.signals ? probabilities : std::vector<float>();
  const size_t first_entity = out->size();

  // Units and the probabilities each decides with.
  std::vector<Unit> units;
  std::vector<float> unit_probabilities;
  const bool words = params.aggregation != Aggregation::kNone && params.aggregation != Aggregation::kSimple;
  if (!words) {
    for (size_t i = 0; i < tokens.size(); ++i) units.push_back(Unit{encoding.starts[tokens[i]], encoding.ends[tokens[i]], tokens[i]});
    unit_probabilities = std::move(probabilities);
  } else {
    // A word is a token followed by the subwords after it.
    size_t begin = 0;
    while (begin < tokens.size()) {
      size_t end = begin + 1;
      while (end < tokens.size()) {
        const size_t t = tokens[end];
        if (!subwords.IsSubword(encoding.ids[t], text, encoding.starts[t], encoding.ends[t])) break;
        ++end;
      }
      units.push_back(Unit{encoding.starts[tokens[begin]], encoding.ends[tokens[end - 1]], tokens[begin]});
      unit_probabilities.resize(units.size() * width);
      WordProbabilities(params.aggregation, probabilities, width, begin, end, &unit_probabilities[(units.size() - 1) * width]);
      begin = end;
    }
  }

  // One tag per unit: each unit's most probable, or the most probable sequence the scheme allows.
  std::vector<size_t> tags(units.size());
  if (params.decoding == Decoding::kViterbi) {
    if (params.forced && !params.forced->empty() && params.aggregation != Aggregation::kNone) {
      ViterbiDecode(unit_probabilities.data(), units.size(), *params.rules,
                    ForcedConstraints(*params.forced, units, labels), &tags);
    } else {
      ViterbiDecode(unit_probabilities.data(), units.size(), *params.rules, &tags);
    }
  } else {
    for (size_t u = 0; u < units.size(); ++u) tags[u] = ArgMax(&unit_probabilities[u * width], width);
  }
  std::vector<float> scores(units.size());
  for (size_t u = 0; u < units.size(); ++u) scores[u] = unit_probabilities[u * width + tags[u]];

  if (params.aggregation == Aggregation::kNone) {
    for (size_t u = 0; u < units.size(); ++u) {
      if (labels.tag(tags[u]).type == labels.outside_type()) continue;
      out->push_back(Entity{units[u].start, units[u].end, static_cast<int32_t>(tags[u]), scores[u],
                            static_cast<int32_t>(units[u].token)});
    }
  } else if (params.decoding == Decoding::kViterbi || params.repair) {
    ChunkByScheme(units, tags, scores, labels, out);
  } else {
    GroupLikePipeline(units, tags, scores, labels, out);
  }
  if (params.signals) {
    AddSignals(encoding, tokens, token_probabilities, labels, params.aggregation == Aggregation::kNone,
               out->begin() + static_cast<ptrdiff_t>(first_entity), out->end());
  }
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
