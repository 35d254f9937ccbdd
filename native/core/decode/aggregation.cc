#include "core/decode/aggregation.h"

#include <string>

#include "core/decode/softmax.h"
#include "core/error.h"

namespace nn {

Aggregation ParseAggregation(std::string_view name) {
  if (name == "simple") return Aggregation::kSimple;
  throw Error(ErrorCode::kInvalidArgument, "unknown aggregation '" + std::string(name) + "'; expected 'simple'");
}

namespace {

// "simple": each token takes its argmax tag; consecutive tokens join a group while their type stays the
// same and the tag is not a B-; a group's score is the mean of its tokens' top probabilities.
void AggregateSimple(const float* logits, const Encoding& encoding, const LabelScheme& labels, std::vector<Entity>* out) {
  const size_t width = labels.size();
  std::vector<float> probabilities(width);

  bool open = false;
  Entity group{};
  double score_sum = 0;
  size_t group_tokens = 0;
  auto close_group = [&]() {
    if (open && group.type != labels.outside_type()) {
      group.score = static_cast<float>(score_sum / static_cast<double>(group_tokens));
      out->push_back(group);
    }
    open = false;
  };

  for (size_t t = 0; t < encoding.size(); ++t) {
    if (encoding.special[t]) continue;
    Softmax(logits + t * width, width, probabilities.data());
    size_t best = 0;
    for (size_t k = 1; k < width; ++k) {
      if (probabilities[k] > probabilities[best]) best = k;  // first maximum wins, as numpy's argmax
    }
    const Tag& tag = labels.tag(best);
    if (open && tag.type == group.type && tag.role != TagRole::kBegin) {
      group.end = encoding.ends[t];
      score_sum += probabilities[best];
      ++group_tokens;
      continue;
    }
    close_group();
    open = true;
    group = Entity{encoding.starts[t], encoding.ends[t], tag.type, 0.0f};
    score_sum = probabilities[best];
    group_tokens = 1;
  }
  close_group();
}

}  // namespace

void Aggregate(Aggregation strategy, const float* logits, const Encoding& encoding, const LabelScheme& labels,
               std::vector<Entity>* out) {
  switch (strategy) {
    case Aggregation::kSimple:
      AggregateSimple(logits, encoding, labels, out);
      return;
  }
}

}  // namespace nn
