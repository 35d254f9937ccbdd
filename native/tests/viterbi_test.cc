// Viterbi decoding (decode/viterbi.h) under the tagging schemes' transition rules (decode/tagging.h).
#include "core/decode/tagging.h"
#include "core/decode/viterbi.h"
#include "tests/check.h"
#include "tests/labels.h"

namespace nn {
namespace {

TEST("viterbi", "IOB2: an I-X cannot follow O, so the best allowed sequence begins with B-X") {
  const LabelScheme labels = test::Labels({"O", "B-PER", "I-PER", "B-LOC", "I-LOC"});
  CHECK(DetectTaggingScheme(labels) == TaggingScheme::kIob2);
  const TransitionRules rules(labels, TaggingScheme::kIob2);
  CHECK(!rules.Allows(0, 2));  // O -> I-PER
  CHECK(rules.Allows(1, 2));   // B-PER -> I-PER
  CHECK(!rules.Allows(1, 4));  // B-PER -> I-LOC
  CHECK(!rules.CanStart(2));
  const std::vector<float> probabilities{
      0.90f, 0.05f, 0.02f, 0.02f, 0.01f,  // O
      0.10f, 0.30f, 0.60f, 0.00f, 0.00f,  // argmax I-PER, which cannot follow O
  };
  std::vector<size_t> tags;
  ViterbiDecode(probabilities.data(), 2, rules, &tags);
  CHECK_EQ(tags, (std::vector<size_t>{0, 1}));
}

TEST("viterbi", "IOB2: an entity continues only with its own type") {
  const LabelScheme labels = test::Labels({"O", "B-PER", "I-PER", "B-LOC", "I-LOC"});
  const TransitionRules rules(labels, TaggingScheme::kIob2);
  const std::vector<float> probabilities{
      0.05f, 0.90f, 0.02f, 0.02f, 0.01f,  // B-PER
      0.05f, 0.02f, 0.30f, 0.03f, 0.60f,  // argmax I-LOC, which cannot continue PER
  };
  std::vector<size_t> tags;
  ViterbiDecode(probabilities.data(), 2, rules, &tags);
  CHECK_EQ(tags, (std::vector<size_t>{1, 2}));
}

TEST("viterbi", "BIOES: a B-X must end with E-X, and a sequence cannot end inside an entity") {
  const LabelScheme labels = test::Labels({"O", "B-PER", "I-PER", "E-PER", "S-PER"});
  CHECK(DetectTaggingScheme(labels) == TaggingScheme::kBioes);
  const TransitionRules rules(labels, TaggingScheme::kBioes);
  CHECK(!rules.CanEnd(1));     // B-PER
  CHECK(rules.CanEnd(3));      // E-PER
  CHECK(!rules.Allows(1, 0));  // B-PER -> O
  const std::vector<float> probabilities{
      0.00f, 0.70f, 0.00f, 0.00f, 0.30f,  // argmax B-PER
      0.60f, 0.00f, 0.00f, 0.40f, 0.00f,  // argmax O: B-PER O is not allowed
  };
  std::vector<size_t> tags;
  ViterbiDecode(probabilities.data(), 2, rules, &tags);
  CHECK_EQ(tags, (std::vector<size_t>{1, 3}));  // B-PER E-PER (0.28) beats S-PER O (0.18)
}

TEST("viterbi", "no rows, no tags") {
  const LabelScheme labels = test::Labels({"O", "B-PER", "I-PER"});
  const TransitionRules rules(labels, TaggingScheme::kIob2);
  std::vector<size_t> tags{7};
  ViterbiDecode(nullptr, 0, rules, &tags);
  CHECK(tags.empty());
}

}  // namespace
}  // namespace nn
