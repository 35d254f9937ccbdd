// Model heads (decode/head.h): made from config.json's ner_head, each checks the model output against the config,
// takes only its own options, and decodes windows into entities.
#include <cmath>

#include "core/decode/head.h"
#include "tests/check.h"
#include "tests/labels.h"
#include "tests/test_tokenizer.h"

namespace nn {
namespace {

const std::vector<std::string> kTags{"O", "B-PER", "I-PER", "B-LOC", "I-LOC"};

std::unique_ptr<Head> HeadFor(const std::string& extra, const std::vector<std::string>& tags = kTags) {
  return MakeHead(test::ConfigWithLabels(tags, extra), "config.json", test::Labels(tags));
}

ModelOutput Output(std::vector<int64_t> shape) { return ModelOutput{"logits", "model.onnx", "config.json", shape}; }

TEST("model heads", "config.json's ner_head picks the head; token is the default") {
  CHECK_EQ(std::string(HeadFor("")->name()), std::string("token"));
  CHECK_EQ(std::string(HeadFor(R"("ner_head": "token")")->name()), std::string("token"));
  CHECK_EQ(std::string(HeadFor(R"("ner_head": "span")")->name()), std::string("span"));
  CHECK_THROWS(HeadFor(R"("ner_head": "crf")"), ErrorCode::kInvalidModel,
               "config.json: ner_head must be \"token\" (the default) or \"span\"");
  CHECK_THROWS(HeadFor(R"("ner_head": 3)"), ErrorCode::kInvalidModel, "ner_head must be");
}

TEST("model heads", "a token head takes [batch, sequence, labels] with as many labels as id2label") {
  const std::unique_ptr<Head> head = HeadFor("");
  head->CheckOutput(Output({-1, -1, 5}));
  head->CheckOutput(Output({-1, -1, -1}));
  CHECK_EQ(head->output_dims(), (std::vector<size_t>{5}));
  CHECK_THROWS(head->CheckOutput(Output({-1, 5})), ErrorCode::kInvalidModel,
               "output 'logits' of 'model.onnx' has rank 2; a token classifier outputs [batch, sequence, labels]");
  CHECK_THROWS(head->CheckOutput(Output({-1, -1, 9})), ErrorCode::kInvalidModel,
               "config.json lists 5 labels but the model outputs 9 scores per token");
  CHECK(head->info().empty());
}

TEST("model heads", "a span head takes [batch, sequence, width, labels]; the width from config or output") {
  const std::unique_ptr<Head> head = HeadFor(R"("ner_head": "span")");
  head->CheckOutput(Output({-1, -1, 8, 5}));
  CHECK_EQ(head->output_dims(), (std::vector<size_t>{8, 5}));
  CHECK_EQ(head->info().size(), size_t{2});
  CHECK_EQ(head->info()[0].first, std::string("spanMaxWidth"));
  CHECK_EQ(head->info()[0].second, 8.0);
  CHECK_EQ(head->info()[1].second, 0.5);  // the default threshold

  const std::unique_ptr<Head> declared = HeadFor(R"("ner_head": "span", "span_max_width": 4, "span_threshold": 0.3)");
  CHECK_THROWS(declared->CheckOutput(Output({-1, -1, 8, 5})), ErrorCode::kInvalidModel,
               "config.json gives span_max_width 4 but the model outputs 8 span widths per token");
  declared->CheckOutput(Output({-1, -1, -1, 5}));
  CHECK_EQ(declared->output_dims(), (std::vector<size_t>{4, 5}));
  CHECK_EQ(declared->info()[1].second, 0.3);

  CHECK_THROWS(HeadFor(R"("ner_head": "span")")->CheckOutput(Output({-1, -1, -1, 5})), ErrorCode::kInvalidModel,
               "has no span_max_width and the output 'logits' leaves its span dimension dynamic");
  CHECK_THROWS(HeadFor(R"("ner_head": "span")")->CheckOutput(Output({-1, -1, 5})), ErrorCode::kInvalidModel,
               "declares a span head (ner_head \"span\")");
  CHECK_THROWS(HeadFor(R"("ner_head": "span")")->CheckOutput(Output({-1, -1, 8, 3})), ErrorCode::kInvalidModel,
               "lists 5 labels but the model outputs 3 scores per span");
  CHECK_THROWS(HeadFor(R"("ner_head": "span", "span_max_width": 0)"), ErrorCode::kInvalidModel,
               "span_max_width must be a positive integer");
  CHECK_THROWS(HeadFor(R"("ner_head": "span", "span_threshold": 1)"), ErrorCode::kInvalidModel,
               "span_threshold must be a number between 0 and 1, exclusive");
}

TEST("model heads", "each head takes its own options and rejects the others") {
  HeadOptions token_options;
  token_options.aggregation = Aggregation::kFirst;
  token_options.decoding = Decoding::kArgmax;
  HeadOptions span_options;
  span_options.span_mode = SpanMode::kFlat;
  const std::unique_ptr<Head> token = HeadFor("");
  const std::unique_ptr<Head> span = HeadFor(R"("ner_head": "span")");
  token->CheckOptions(token_options);
  token->CheckOptions(HeadOptions{});
  span->CheckOptions(span_options);
  CHECK_THROWS(token->CheckOptions(span_options), ErrorCode::kInvalidArgument,
               "extract option spanMode does not apply to a token classifier (ner_head \"token\"); it takes "
               "aggregation, decoding, repair, scheme");
  CHECK_THROWS(span->CheckOptions(token_options), ErrorCode::kInvalidArgument,
               "extract options aggregation, decoding do not apply to a span model (ner_head \"span\")");
}

TEST("model heads", "labels are tags only for a token head under aggregation none") {
  HeadOptions none;
  none.aggregation = Aggregation::kNone;
  CHECK(HeadFor("")->LabelsAreTags(none));
  CHECK(!HeadFor("")->LabelsAreTags(HeadOptions{}));
  CHECK(!HeadFor(R"("ner_head": "span")")->LabelsAreTags(HeadOptions{}));
}

// One text, "john lives", cut into a single window [CLS] john lives [SEP].
struct OneWindow {
  std::unique_ptr<Tokenizer> tokenizer = test::TinyTokenizer();
  std::vector<std::u16string> texts{u"john lives"};
  TextWindows windows;
  Encoding bare;

  OneWindow() {
    windows.texts = &texts;
    tokenizer->Encode(texts[0], &bare, false);
    Encoding window;
    tokenizer->Encode(texts[0], &window, true);
    windows.windows.push_back(window);
    windows.owner.push_back(0);
    windows.first.push_back(1);
    windows.begins.push_back(0);
  }
};

TEST("model heads", "a token decoder turns a window's logits into entities") {
  const LabelScheme labels = test::Labels(kTags);
  OneWindow cut;
  const SubwordRule subwords = SubwordRule::FromTokenizer(*cut.tokenizer);
  const DecodeContext model{labels, subwords, cut.tokenizer->template_size()};
  // Rows: [CLS], john (B-PER), lives (O), [SEP].
  std::vector<float> logits(4 * 5, 0.0f);
  logits[1 * 5 + 1] = 5;
  logits[2 * 5 + 0] = 5;
  HeadOptions options;
  options.aggregation = Aggregation::kSimple;
  const std::unique_ptr<HeadDecoder> decoder = HeadFor("")->NewDecoder(model, options, cut.windows);
  decoder->TextCut(0, cut.bare);
  decoder->DecodeWindow(0, logits.data());
  std::vector<Entity> entities{{9, 9, 9, 9, 9}};
  decoder->TextEntities(0, &entities);
  CHECK_EQ(entities.size(), size_t{1});
  if (entities.size() != 1) return;
  CHECK_EQ(entities[0].start, uint32_t{0});
  CHECK_EQ(entities[0].end, uint32_t{4});
  CHECK_EQ(labels.types()[entities[0].label], std::string("PER"));
  CHECK(entities[0].score > 0.9f);
}

TEST("model heads", "a span decoder keeps whole-word spans above the threshold") {
  const std::vector<std::string> types{"O", "PER", "LOC"};
  const LabelScheme labels = test::Labels(types);
  OneWindow cut;
  const SubwordRule subwords = SubwordRule::FromTokenizer(*cut.tokenizer);
  const DecodeContext model{labels, subwords, cut.tokenizer->template_size()};
  const std::unique_ptr<Head> head = HeadFor(R"("ner_head": "span", "span_max_width": 2)", types);
  head->CheckOutput(Output({-1, -1, -1, 3}));
  // [b, i, w, c] logits, 4 positions x 2 widths x 3 types, all far below the threshold but two.
  std::vector<float> logits(4 * 2 * 3, -10.0f);
  logits[(1 * 2 + 0) * 3 + 1] = 3.0f;   // "john" as PER: sigmoid 0.95
  logits[(1 * 2 + 1) * 3 + 2] = 0.1f;   // "john lives" as LOC: 0.52, under the threshold asked for below
  HeadOptions options;
  options.span_threshold = 0.6;
  const std::unique_ptr<HeadDecoder> decoder = head->NewDecoder(model, options, cut.windows);
  decoder->TextCut(0, cut.bare);
  decoder->DecodeWindow(0, logits.data());
  std::vector<Entity> entities;
  decoder->TextEntities(0, &entities);
  CHECK_EQ(entities.size(), size_t{1});
  if (entities.size() != 1) return;
  CHECK_EQ(entities[0].end, uint32_t{4});
  CHECK_EQ(labels.types()[entities[0].label], std::string("PER"));
  CHECK(std::fabs(entities[0].score - 0.9526f) < 1e-3f);
}

}  // namespace
}  // namespace nn
