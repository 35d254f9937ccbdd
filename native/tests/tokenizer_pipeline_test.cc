// The general tokenizer pipeline on synthetic tokenizer.json files: HF's alignment rules, BPE merges, the
// ByteLevel split and trim_offsets, Metaspace, Replace, and the errors for unsupported or corrupt files.
#include <string>

#include "core/tokenizer/byte_level.h"
#include "core/tokenizer/tokenizer.h"
#include "core/tokenizer/transformations.h"
#include "tests/check.h"

namespace nn::test {
namespace {

// A byte-level BPE over "a", "b", "c", "Ġ" with merges a b -> ab, ab c -> abc, Ġ a -> Ġa.
std::string ByteLevelJson(const std::string& post_processor, const std::string& extra_model = "") {
  return R"({"added_tokens": [{"id": 0, "content": "<s>", "special": true, "normalized": false},
                              {"id": 1, "content": "</s>", "special": true, "normalized": false}],
    "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "use_regex": true},
    "model": {"type": "BPE", "dropout": null, )" + extra_model + R"(
              "vocab": {"<s>": 0, "</s>": 1, "a": 2, "b": 3, "c": 4, "\u0120": 5, "ab": 6, "abc": 7, "\u0120a": 8,
                        "'": 9, "s": 10},
              "merges": ["a b", ["ab", "c"], "\u0120 a"]},
    "post_processor": )" + post_processor + "}";
}

const char* kRoberta = R"({"type": "RobertaProcessing", "sep": ["</s>", 1], "cls": ["<s>", 0], "trim_offsets": true,
                           "add_prefix_space": false})";

Encoding Encode(const Tokenizer& tokenizer, const std::u16string& text, bool specials = true) {
  Encoding encoding;
  tokenizer.Encode(text, &encoding, specials);
  return encoding;
}

TEST("tokenizer pipeline", "inserted characters take the span of the character before, replaced ones their own") {
  NormalizedText in;
  AppendNormalizedChar('a', 0, 1, &in);
  AppendNormalizedChar('b', 1, 2, &in);
  AppendNormalizedChar('c', 2, 4, &in);
  // 'x' replaces a and removes b; 'y' is inserted (b's span: removed characters count); 'z' replaces c.
  const std::vector<CharChange> changes = {{'x', -1}, {'y', 1}, {'z', 0}, {'w', 1}};
  NormalizedText out;
  ApplyTransformations(in, CharRange{0, 3}, changes, 0, 0, &out);
  CHECK_EQ(out.utf8, std::string("xyzw"));
  CHECK_EQ(out.chars[0].start, 0u);
  CHECK_EQ(out.chars[1].start, 1u);
  CHECK_EQ(out.chars[2].start, 2u);
  CHECK_EQ(out.chars[3].end, 4u);
  // An insertion at the very start aligns to the empty span at the origin.
  NormalizedText start;
  ApplyTransformations(in, CharRange{0, 3}, std::vector<CharChange>{{'_', 1}, {'a', 0}}, 0, 7, &start);
  CHECK_EQ(start.chars[0].start, 7u);
  CHECK_EQ(start.chars[0].end, 7u);
}

TEST("tokenizer pipeline", "the GPT-2 split matches Oniguruma's leftmost-first alternatives") {
  const std::u16string text = u"it's  a1 \t?!'LL";
  NormalizedText normalized;
  for (size_t i = 0; i < text.size(); ++i) AppendNormalizedChar(text[i], i, i + 1, &normalized);
  std::vector<CharRange> words;
  SplitGpt2(normalized, CharRange{0, static_cast<uint32_t>(text.size())}, &words);
  std::vector<std::string> pieces;
  for (const CharRange& w : words) {
    pieces.push_back(normalized.utf8.substr(normalized.ByteOffset(w.begin), normalized.ByteOffset(w.end) - normalized.ByteOffset(w.begin)));
  }
  CHECK_EQ(pieces, (std::vector<std::string>{"it", "'s", " ", " a", "1", " ", "\t", "?!'", "LL"}));
}

TEST("tokenizer pipeline", "BPE merges by rank; RobertaProcessing trims the space off offsets") {
  const auto tokenizer = Tokenizer::FromJson(ByteLevelJson(kRoberta), "bpe.json");
  CHECK_EQ(tokenizer->model_type(), std::string("BPE"));
  CHECK_EQ(tokenizer->continuing_subword_prefix(), std::string(""));
  const Encoding e = Encode(*tokenizer, u"abc a");
  CHECK_EQ(e.ids, (std::vector<int32_t>{0, 7, 8, 1}));  // <s> abc Ġa </s>
  CHECK_EQ(e.starts, (std::vector<uint32_t>{0, 0, 4, 0}));  // "Ġa" starts after its space
  CHECK_EQ(e.ends, (std::vector<uint32_t>{0, 3, 5, 0}));
  CHECK_EQ(e.word_ids, (std::vector<int32_t>{-1, 0, 1, -1}));
  CHECK_EQ(tokenizer->IdToToken(8), std::string("\xC4\xA0" "a"));
  // A space alone keeps an empty span at the word's start.
  const Encoding space = Encode(*tokenizer, u"a  b", false);
  CHECK_EQ(space.ids, (std::vector<int32_t>{2, 5, 5, 3}));
  CHECK_EQ(space.starts, (std::vector<uint32_t>{0, 2, 3, 3}));
  CHECK_EQ(space.ends, (std::vector<uint32_t>{1, 2, 3, 4}));
}

TEST("tokenizer pipeline", "without an unknown token BPE drops characters it cannot cover; with one it fuses them") {
  const auto dropped = Tokenizer::FromJson(ByteLevelJson("null"), "bpe.json");
  // As in HF: "z" vanishes, so "a" and "b" meet and merge; offsets come from the kept symbols' lengths.
  const Encoding merged = Encode(*dropped, u"azb");
  CHECK_EQ(merged.ids, (std::vector<int32_t>{6}));
  CHECK_EQ(merged.ends, (std::vector<uint32_t>{2}));
  const auto fused = Tokenizer::FromJson(ByteLevelJson("null", R"("unk_token": "</s>", "fuse_unk": true,)"), "bpe.json");
  const Encoding e = Encode(*fused, u"azzb");
  CHECK_EQ(e.ids, (std::vector<int32_t>{2, 1, 3}));
  CHECK_EQ(e.starts, (std::vector<uint32_t>{0, 1, 3}));
  CHECK_EQ(e.ends, (std::vector<uint32_t>{1, 3, 4}));
}

TEST("tokenizer pipeline", "Metaspace and Replace: spaces become the replacement, aligned to what they replaced") {
  const auto tokenizer = Tokenizer::FromJson(R"({
    "normalizer": {"type": "Sequence", "normalizers": [{"type": "Strip", "strip_left": false, "strip_right": true},
                   {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": "\u2581"}]},
    "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": true},
    "model": {"type": "BPE", "vocab": {"\u2581": 0, "a": 1, "b": 2, "\u2581a": 3, "\u2581b": 4}, "merges": ["\u2581 a", "\u2581 b"]}
  })", "metaspace.json");
  const Encoding e = Encode(*tokenizer, u"a   b  ");
  CHECK_EQ(e.ids, (std::vector<int32_t>{3, 4}));
  CHECK_EQ(e.starts, (std::vector<uint32_t>{0, 3}));  // "▁b": the replacement takes the last space's span
  CHECK_EQ(e.ends, (std::vector<uint32_t>{1, 5}));
}

TEST("tokenizer pipeline", "unsupported features and corrupt files give ERR_INVALID_MODEL naming them") {
  CHECK_THROWS(Tokenizer::FromJson(ByteLevelJson("null").replace(ByteLevelJson("null").find("\"ByteLevel\""), 11, "\"Digits\""), "x.json"),
               ErrorCode::kInvalidModel, "unsupported tokenizer.json: pre_tokenizer \"Digits\"");
  CHECK_THROWS(Tokenizer::FromJson(R"({"model": {"type": "WordLevel", "vocab": {"a": 0}}})", "x.json"),
               ErrorCode::kInvalidModel, "model \"WordLevel\"");
  CHECK_THROWS(Tokenizer::FromJson(ByteLevelJson("null").replace(ByteLevelJson("null").find("\"dropout\": null"), 15, "\"dropout\": 0.1"), "x.json"),
               ErrorCode::kInvalidModel, "dropout");
  CHECK_THROWS(Tokenizer::FromJson(R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a z"]}})", "x.json"),
               ErrorCode::kInvalidModel, "\"z\" is not in the vocabulary");
  CHECK_THROWS(Tokenizer::FromJson(R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a a"]}})", "x.json"),
               ErrorCode::kInvalidModel, "merged token \"aa\"");
  CHECK_THROWS(Tokenizer::FromJson(R"({"model": {"type": "BPE", "vocab": {"a": 1e300}, "merges": []}})", "x.json"),
               ErrorCode::kInvalidModel, "must be an integer");
  CHECK_THROWS(Tokenizer::FromJson(R"({"normalizer": {"type": "Replace", "pattern": {"Regex": "\\d+"}, "content": ""},
                                      "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}})", "x.json"),
               ErrorCode::kInvalidModel, "regex pattern \"\\d+\"");
  try {
    Tokenizer::FromJson(R"({"model": {"type": "Foo"}})", "x.json");
  } catch (const Error& error) {
    CHECK(std::string(error.what()).find("supports BERT") == std::string::npos);
  }
}

TEST("tokenizer pipeline", "hostile input never fails: lone surrogates, NULs, long runs") {
  const auto tokenizer = Tokenizer::FromJson(ByteLevelJson(kRoberta), "bpe.json");
  for (const std::u16string& text : {std::u16string(u"\xD800 a\xDC00"), std::u16string(u"a\0b", 3),
                                     std::u16string(20000, u' '), std::u16string(20000, u'a') + u"\U0001F600"}) {
    const Encoding e = Encode(*tokenizer, text);
    for (size_t i = 0; i < e.size(); ++i) CHECK(e.starts[i] <= e.ends[i] && e.ends[i] <= text.size());
  }
}

}  // namespace
}  // namespace nn::test
