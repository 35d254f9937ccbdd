// Viterbi decoding (decode/viterbi.h) under the tagging schemes' transition rules (decode/tagging.h).
#include <cmath>
#include <random>

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


// Constraints forcing rows [first, last) to be one entity of `entity` (an index into types()), as the token head
// builds them for a constrain rule's span.
ViterbiConstraints ForceSpan(const LabelScheme& labels, size_t count, size_t first, size_t last, int32_t entity) {
  ViterbiConstraints c;
  c.allowed.assign(count * labels.size(), 1);
  c.links.assign(count, ViterbiLink::kFree);
  for (size_t row = first; row < last; ++row) {
    for (size_t t = 0; t < labels.size(); ++t) c.allowed[row * labels.size() + t] = labels.tag(t).entity == entity;
    c.links[row] = row == first ? ViterbiLink::kBreak : ViterbiLink::kContinue;
  }
  if (last < count) c.links[last] = ViterbiLink::kBreak;
  return c;
}

std::vector<std::string> Names(const LabelScheme& labels, const std::vector<size_t>& tags) {
  std::vector<std::string> names;
  for (size_t t : tags) names.push_back(labels.tag(t).name);
  return names;
}

int32_t Entity(const LabelScheme& labels, const std::string& type) {
  for (size_t i = 0; i < labels.types().size(); ++i) {
    if (labels.types()[i] == type) return static_cast<int32_t>(i);
  }
  return -1;
}

TEST("viterbi constraints", "IOB2: a forced span is decoded B-X I-X exactly, and its neighbours stay valid") {
  const LabelScheme labels = test::Labels({"O", "B-PER", "I-PER", "B-ORG", "I-ORG"});
  const TransitionRules rules(labels, TaggingScheme::kIob2);
  const std::vector<float> probabilities{
      0.10f, 0.80f, 0.02f, 0.05f, 0.03f,  // B-PER
      0.10f, 0.05f, 0.80f, 0.02f, 0.03f,  // I-PER
      0.10f, 0.05f, 0.80f, 0.02f, 0.03f,  // I-PER, the span forced to ORG starts here
      0.10f, 0.15f, 0.70f, 0.02f, 0.03f,  // I-PER: must not continue the forced ORG, so B-PER
  };
  std::vector<size_t> tags;
  ViterbiDecode(probabilities.data(), 4, rules, ForceSpan(labels, 4, 2, 3, Entity(labels, "ORG")), &tags);
  CHECK_EQ(Names(labels, tags), (std::vector<std::string>{"B-PER", "I-PER", "B-ORG", "B-PER"}));
  // A forced span of the model's own type inside its entity splits it: the span begins anew.
  ViterbiDecode(probabilities.data(), 4, rules, ForceSpan(labels, 4, 1, 3, Entity(labels, "PER")), &tags);
  CHECK_EQ(Names(labels, tags), (std::vector<std::string>{"B-PER", "B-PER", "I-PER", "B-PER"}));
}

TEST("viterbi constraints", "IOB1 and BIOES spell the forced entity their own way") {
  const LabelScheme iob1 = test::Labels({"O", "B-PER", "I-PER", "B-ORG", "I-ORG"});
  const TransitionRules iob1_rules(iob1, TaggingScheme::kIob1);
  const std::vector<float> flat(3 * 5, 0.2f);
  std::vector<size_t> tags;
  ViterbiDecode(flat.data(), 3, iob1_rules, ForceSpan(iob1, 3, 0, 2, Entity(iob1, "ORG")), &tags);
  CHECK_EQ(Names(iob1, tags)[0], std::string("I-ORG"));
  CHECK_EQ(Names(iob1, tags)[1], std::string("I-ORG"));
  CHECK(Names(iob1, tags)[2] != "I-ORG");
  // Two forced ORG spans side by side: IOB1 separates them with B-ORG.
  ViterbiConstraints two = ForceSpan(iob1, 3, 0, 1, Entity(iob1, "ORG"));
  const ViterbiConstraints second = ForceSpan(iob1, 3, 1, 3, Entity(iob1, "ORG"));
  for (size_t i = 5; i < 15; ++i) two.allowed[i] = second.allowed[i];
  two.links[1] = ViterbiLink::kBreak;
  two.links[2] = ViterbiLink::kContinue;
  ViterbiDecode(flat.data(), 3, iob1_rules, two, &tags);
  CHECK_EQ(Names(iob1, tags), (std::vector<std::string>{"I-ORG", "B-ORG", "I-ORG"}));

  const LabelScheme bioes = test::Labels({"O", "B-PER", "I-PER", "E-PER", "S-PER"});
  const TransitionRules bioes_rules(bioes, TaggingScheme::kBioes);
  const std::vector<float> outside{
      0.9f, 0.025f, 0.025f, 0.025f, 0.025f, 0.9f, 0.025f, 0.025f, 0.025f, 0.025f,
      0.9f, 0.025f, 0.025f, 0.025f, 0.025f, 0.9f, 0.025f, 0.025f, 0.025f, 0.025f,
  };
  ViterbiDecode(outside.data(), 4, bioes_rules, ForceSpan(bioes, 4, 1, 4, Entity(bioes, "PER")), &tags);
  CHECK_EQ(Names(bioes, tags), (std::vector<std::string>{"O", "B-PER", "I-PER", "E-PER"}));
  ViterbiDecode(outside.data(), 4, bioes_rules, ForceSpan(bioes, 4, 2, 3, Entity(bioes, "PER")), &tags);
  CHECK_EQ(Names(bioes, tags), (std::vector<std::string>{"O", "O", "S-PER", "O"}));
}

TEST("viterbi constraints", "random sequences: empty constraints change nothing; forced ones are the best allowed") {
  const LabelScheme labels = test::Labels({"O", "B-PER", "I-PER", "B-ORG", "I-ORG"});
  std::mt19937 random(12);
  std::uniform_real_distribution<float> uniform(0.001f, 1.0f);
  for (TaggingScheme scheme : {TaggingScheme::kIob2, TaggingScheme::kIob1}) {
    const TransitionRules rules(labels, scheme);
    for (int round = 0; round < 200; ++round) {
      const size_t count = 1 + random() % 5, k = labels.size();
      std::vector<float> p(count * k);
      for (float& v : p) v = uniform(random);
      std::vector<size_t> plain, unconstrained, forced;
      ViterbiDecode(p.data(), count, rules, &plain);
      ViterbiDecode(p.data(), count, rules, ViterbiConstraints{}, &unconstrained);
      CHECK_EQ(plain, unconstrained);
      const size_t first = random() % count, last = first + 1 + random() % (count - first);
      const int32_t entity = Entity(labels, random() % 2 ? "PER" : "ORG");
      const ViterbiConstraints c = ForceSpan(labels, count, first, last, entity);
      ViterbiDecode(p.data(), count, rules, c, &forced);
      // Brute force over every sequence: the best valid one whose chunks include exactly [first, last) as entity.
      double best = -1e300;
      std::vector<size_t> best_tags, seq(count, 0);
      for (size_t code = 0, total = static_cast<size_t>(std::pow(k, count)); code < total; ++code) {
        for (size_t r = 0, rest = code; r < count; ++r, rest /= k) seq[r] = rest % k;
        bool ok = rules.CanStart(seq[0]) && rules.CanEnd(seq[count - 1]);
        for (size_t r = 1; ok && r < count; ++r) ok = rules.Allows(seq[r - 1], seq[r]);
        for (size_t r = first; ok && r < last; ++r) {
          ok = labels.tag(seq[r]).entity == entity &&
               (r == first ? (r == 0 || !rules.Continues(seq[r - 1], seq[r])) : rules.Continues(seq[r - 1], seq[r]));
        }
        if (ok && last < count) ok = !rules.Continues(seq[last - 1], seq[last]);
        if (!ok) continue;
        double score = 0;
        for (size_t r = 0; r < count; ++r) score += std::log(std::max(1e-30, double(p[r * k + seq[r]])));
        if (score > best) {
          best = score;
          best_tags = seq;
        }
      }
      CHECK_EQ(forced, best_tags);
    }
  }
}

TEST("viterbi constraints", "contradictory or missized constraints decode as if there were none") {
  const LabelScheme labels = test::Labels({"O", "B-PER", "I-PER"});
  const TransitionRules rules(labels, TaggingScheme::kIob2);
  const std::vector<float> p{0.2f, 0.7f, 0.1f, 0.1f, 0.1f, 0.8f};
  std::vector<size_t> plain, tags;
  ViterbiDecode(p.data(), 2, rules, &plain);
  ViterbiConstraints none;
  none.allowed.assign(6, 0);  // no tag anywhere
  ViterbiDecode(p.data(), 2, rules, none, &tags);
  CHECK_EQ(tags, plain);
  ViterbiConstraints missized;
  missized.links.assign(5, ViterbiLink::kContinue);
  ViterbiDecode(p.data(), 2, rules, missized, &tags);
  CHECK_EQ(tags, plain);
}
}  // namespace
}  // namespace nn
