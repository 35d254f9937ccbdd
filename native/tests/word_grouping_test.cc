// How the reference pipeline's tokenizer and word grouping are reproduced for tokenizers without a
// continuing-subword prefix: the tokenizer as transformers 5 builds it (tokenizer_class.h) and the subword rule
// (decode/aggregation.h).
#include <string>
#include <vector>

#include "core/decode/aggregation.h"
#include "core/tokenizer/tokenizer.h"
#include "core/tokenizer/tokenizer_class.h"
#include "tests/check.h"
#include "tests/test_tokenizer.h"

namespace nn {
namespace {

// An XLM-R-like Unigram tokenizer.json: the file's normalizer strips and squeezes spaces, its Metaspace splits alone.
const char* kUnigramJson = R"({
  "added_tokens": [],
  "normalizer": {"type": "Sequence", "normalizers": [
    {"type": "Strip", "strip_left": false, "strip_right": true},
    {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": "\u2581"}]},
  "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": true},
  "model": {"type": "Unigram", "unk_id": 3, "byte_fallback": false, "vocab": [
    ["<s>", -100], ["<pad>", 0], ["</s>", 0], ["<unk>", 0], ["\u2581a", -1], ["\u2581b", -1], ["\u2581", -2], ["a", -3],
    ["b", -3], ["<", -5], ["s", -5], [">", -5], ["/", -5]]},
  "post_processor": {"type": "TemplateProcessing",
    "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
               {"SpecialToken": {"id": "</s>", "type_id": 0}}],
    "special_tokens": {"<s>": {"id": "<s>", "ids": [0], "tokens": ["<s>"]},
                       "</s>": {"id": "</s>", "ids": [2], "tokens": ["</s>"]}}}
})";

std::unique_ptr<Tokenizer> Built(const std::string& tokenizer_config) {
  return Tokenizer::FromDocument(
      AsTransformersBuildsIt(json::Parse(kUnigramJson, "tokenizer.json"), json::Parse(tokenizer_config, "config")),
      "tokenizer.json");
}

std::vector<std::pair<uint32_t, uint32_t>> Offsets(const Tokenizer& tokenizer, const std::u16string& text,
                                                   std::vector<int32_t>* ids = nullptr) {
  Encoding encoding;
  tokenizer.Encode(text, &encoding, false);
  std::vector<std::pair<uint32_t, uint32_t>> offsets;
  for (size_t t = 0; t < encoding.size(); ++t) offsets.emplace_back(encoding.starts[t], encoding.ends[t]);
  if (ids) *ids = encoding.ids;
  return offsets;
}

using Spans = std::vector<std::pair<uint32_t, uint32_t>>;

TEST("tokenizer class", "XLMRobertaTokenizer splits on whitespace first: a word's first token starts at the word") {
  const std::unique_ptr<Tokenizer> file = Tokenizer::FromJson(kUnigramJson, "tokenizer.json");
  const std::unique_ptr<Tokenizer> built = Built(R"({"tokenizer_class": "XLMRobertaTokenizer"})");
  std::vector<int32_t> file_ids, built_ids;
  // "a b": the file's "▁b" covers " b"; transformers' covers "b", its "▁" prepended to the word.
  CHECK_EQ(Offsets(*file, u"a b", &file_ids), (Spans{{0, 1}, {1, 3}}));
  CHECK_EQ(Offsets(*built, u"a b", &built_ids), (Spans{{0, 1}, {2, 3}}));
  CHECK_EQ(built_ids, file_ids);
  // A lone "▁" (before a piece without one) covers the word's first character; a tab separates words too.
  CHECK_EQ(Offsets(*built, u"a\t<b", &built_ids), (Spans{{0, 1}, {2, 3}, {2, 3}, {3, 4}}));
  CHECK_EQ(built_ids, (std::vector<int32_t>{4, 6, 9, 8}));
  // Runs of spaces and trailing spaces leave no tokens.
  CHECK_EQ(Offsets(*built, u"  a   b  "), (Spans{{2, 3}, {6, 7}}));
  // The template is bos $A eos.
  Encoding encoding;
  built->Encode(u"a", &encoding, true);
  CHECK_EQ(encoding.ids, (std::vector<int32_t>{0, 4, 2}));
}

TEST("tokenizer class", "tokenizer_config.json's special tokens are matched in the text, as transformers adds them") {
  const std::unique_ptr<Tokenizer> file = Tokenizer::FromJson(kUnigramJson, "tokenizer.json");
  std::vector<int32_t> ids;
  Offsets(*file, u"a<s>", &ids);
  CHECK_EQ(ids, (std::vector<int32_t>{4, 9, 10, 11}));  // the file alone has no added tokens: "<", "s", ">"
  for (const char* config : {R"({"tokenizer_class": "XLMRobertaTokenizer"})",  // the class's defaults
                             R"({"bos_token": "<s>"})"}) {
    Offsets(*Built(config), u"a<s>", &ids);
    CHECK_EQ(ids, (std::vector<int32_t>{4, 0}));
  }
  // Other classes keep the file's stages.
  CHECK_EQ(Offsets(*Built(R"({"tokenizer_class": "BertTokenizer"})"), u"a b"), (Spans{{0, 1}, {1, 3}}));
  CHECK_EQ(ConfigToken(json::Parse(R"({"unk_token": {"content": "<unk>", "special": true}})", "c"), "unk_token"),
           std::string("<unk>"));
}

TEST("word grouping", "without a subword prefix, a token continues a word unless a space is before or at its start") {
  SubwordRule rule;
  rule.by_token_length = false;
  rule.unk_id = 3;
  const std::u16string text = u"New York-based\tfirm \xD83D\xDE00x";
  CHECK(!rule.IsSubword(7, text, 0, 3));    // the text's start
  CHECK(!rule.IsSubword(7, text, 4, 8));    // after a space
  CHECK(!rule.IsSubword(7, text, 3, 8));    // at a space (offsets that include it)
  CHECK(rule.IsSubword(7, text, 8, 9));     // "-"
  CHECK(rule.IsSubword(7, text, 15, 19));   // after a tab: only U+0020 counts
  CHECK(!rule.IsSubword(3, text, 8, 9));    // the unknown token never continues a word
  CHECK(rule.IsSubword(7, text, 22, 23));   // after a surrogate pair
  CHECK(!rule.IsSubword(7, text, 20, 22));  // the emoji after a space
}

TEST("word grouping", "the rule follows the tokenizer: token lengths with a prefix (\"##\"), the heuristic without") {
  const SubwordRule wordpiece = SubwordRule::FromTokenizer(*test::TinyTokenizer());
  CHECK(wordpiece.by_token_length);
  CHECK(wordpiece.IsSubword(16, u"lives", 4, 5));  // "##s" (3) over "s" (1)
  CHECK(!wordpiece.IsSubword(15, u"lives", 0, 5));
  const std::unique_ptr<Tokenizer> unigram = Tokenizer::FromJson(kUnigramJson, "tokenizer.json");
  const SubwordRule heuristic = SubwordRule::FromTokenizer(*unigram, 3);
  CHECK(!heuristic.by_token_length);
  CHECK(heuristic.token_lengths.empty());
  CHECK(heuristic.IsSubword(8, u"ab", 1, 2));
}

}  // namespace
}  // namespace nn
