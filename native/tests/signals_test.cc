// Confidence signals (decode/aggregation.h DecodeParams::signals) and temperature scaling (decode/calibration.h) on
// hand-made distributions: each number below is worked out from the definitions in docs/api.md.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "core/decode/aggregation.h"
#include "core/decode/calibration.h"
#include "tests/check.h"
#include "tests/labels.h"

namespace nn {
namespace {

const std::vector<std::string> kTags{"O", "B-PER", "I-PER", "B-LOC", "I-LOC"};

// "Ada Byron x": [CLS] Ada Byron x [SEP], one token per word.
Encoding AdaByron() {
  Encoding e;
  e.ids = {101, 1, 2, 3, 102};
  e.type_ids = {0, 0, 0, 0, 0};
  e.starts = {0, 0, 4, 10, 0};
  e.ends = {0, 3, 9, 11, 0};
  e.special = {1, 0, 0, 0, 1};
  e.word_ids = {-1, 0, 1, 2, -1};
  return e;
}

// Logits whose softmax is exactly each row of `probabilities` (the log of each), one row per token of AdaByron.
std::vector<float> LogitsOf(const std::vector<std::vector<double>>& probabilities) {
  std::vector<float> logits;
  for (const auto& row : probabilities) {
    for (double p : row) logits.push_back(static_cast<float>(std::log(p)));
  }
  return logits;
}

double Entropy(const std::vector<double>& p) {
  double h = 0;
  for (double x : p) h -= x * std::log(x);
  return h;
}

const std::vector<double> kCls{0.96, 0.01, 0.01, 0.01, 0.01};
const std::vector<double> kAda{0.10, 0.70, 0.10, 0.05, 0.05};    // PER 0.8; best other: O 0.1 or LOC 0.1
const std::vector<double> kByron{0.20, 0.10, 0.50, 0.10, 0.10};  // PER 0.6; best other: O 0.2 or LOC 0.2
const std::vector<double> kX{0.90, 0.02, 0.03, 0.02, 0.03};

std::vector<Entity> Decode(const DecodeParams& params) {
  const LabelScheme labels = test::Labels(kTags);
  const std::vector<float> logits = LogitsOf({kCls, kAda, kByron, kX, kCls});
  SubwordRule words;
  words.by_token_length = false;
  std::vector<Entity> out;
  Aggregate(params, logits.data(), AdaByron(), u"Ada Byron x", labels, words, &out);
  return out;
}

TEST("confidence signals", "an entity's lowest type probability, smallest lead and mean entropy over its tokens") {
  const LabelScheme labels = test::Labels(kTags);
  const TransitionRules rules(labels, TaggingScheme::kIob2);
  DecodeParams params{Aggregation::kSimple, Decoding::kViterbi, false, &rules};
  std::vector<float> entropies;
  params.signals = true;
  params.token_entropies = &entropies;
  const std::vector<Entity> entities = Decode(params);
  CHECK_EQ(entities.size(), size_t{1});
  CHECK_EQ(entities[0].end, 9u);
  CHECK(std::fabs(entities[0].min_prob - 0.6f) < 1e-5f);
  CHECK(std::fabs(entities[0].margin - 0.4f) < 1e-5f);
  CHECK(std::fabs(entities[0].entropy - static_cast<float>((Entropy(kAda) + Entropy(kByron)) / 2)) < 1e-5f);
  CHECK_EQ(entropies.size(), size_t{3});  // the template tokens take no part
  CHECK(std::fabs(entropies[2] - static_cast<float>(Entropy(kX))) < 1e-5f);
}

TEST("confidence signals", "aggregation none reads each token's type off its tag; with signals off none are set") {
  const LabelScheme labels = test::Labels(kTags);
  const TransitionRules rules(labels, TaggingScheme::kIob2);
  DecodeParams params{Aggregation::kNone, Decoding::kArgmax, false, &rules};
  params.signals = true;
  const std::vector<Entity> tokens = Decode(params);  // aggregation none: labels are tags
  CHECK_EQ(tokens.size(), size_t{2});
  CHECK(std::fabs(tokens[1].min_prob - 0.6f) < 1e-5f);
  DecodeParams plain{Aggregation::kSimple, Decoding::kViterbi, false, &rules};
  CHECK(std::isnan(Decode(plain)[0].min_prob));  // signals off: none computed
}

TEST("calibration", "a temperature flattens every distribution; per-label temperatures override the shared one") {
  const LabelScheme labels = test::Labels(kTags);
  const std::string path = "/tmp/native-ner-calibration-test.json";
  std::ofstream(path) << R"({"temperature": 2, "temperatures": {"B-LOC": 4}, "fitted_on": "dev"})";
  const std::vector<float> inverse = LoadCalibration(path, labels);
  CHECK_EQ(inverse, (std::vector<float>{0.5f, 0.5f, 0.5f, 0.25f, 0.5f}));
  const TransitionRules rules(labels, TaggingScheme::kIob2);
  DecodeParams params{Aggregation::kSimple, Decoding::kViterbi, false, &rules};
  const float raw = Decode(params)[0].score;
  const std::vector<float> half(5, 0.5f);
  params.inverse_temperatures = &half;
  const float calibrated = Decode(params)[0].score;
  CHECK(calibrated < raw);  // T = 2 pulls the winning probabilities toward uniform
  std::ofstream(path) << R"({"temperature": 0})";
  CHECK_THROWS(LoadCalibration(path, labels), ErrorCode::kInvalidModel, "temperature must be a positive number");
  std::ofstream(path) << R"({"temperatures": {"B-ORG": 2}})";
  CHECK_THROWS(LoadCalibration(path, labels), ErrorCode::kInvalidModel, "names label 'B-ORG'");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace nn
