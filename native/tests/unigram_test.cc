// The Unigram model (core/tokenizer/unigram.h) on small synthetic vocabularies: Viterbi choices and ties as HF's
// encode_optimized makes them, unknown runs, byte fallback, and the model checks.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/tokenizer/unigram.h"
#include "core/util/json.h"
#include "tests/check.h"

namespace nn {
namespace {

using Vocab = std::vector<std::pair<std::string, double>>;

// "id@begin-end" per piece, so a failure shows what was chosen.
std::vector<std::string> Pieces(const UnigramModel& model, const std::string& word) {
  std::vector<UnigramPiece> pieces;
  if (!model.Tokenize(word, &pieces)) return {"(failed)"};
  std::vector<std::string> shown;
  for (const UnigramPiece& p : pieces) {
    shown.push_back(std::to_string(p.id) + "@" + std::to_string(p.byte_begin) + "-" + std::to_string(p.byte_end));
  }
  return shown;
}

using Shown = std::vector<std::string>;

TEST("unigram", "HF's documented example: best path, unknown characters fused into one piece") {
  const UnigramModel model(Vocab{{"<unk>", 0.0}, {"a", 0.0}, {"b", 0.0}, {"c", 0.0}, {"d", 0.0}, {"cd", 1.0},
                                 {"ab", 2.0}, {"abc", 5.0}, {"abcd", 10.0}},
                           0, false);
  // abcd a cd xx
  CHECK_EQ(Pieces(model, "abcdacdxx"), (Shown{"8@0-4", "1@4-5", "5@5-7", "0@7-9"}));
  CHECK_EQ(Pieces(model, ""), Shown{});
}

TEST("unigram", "ties keep the first candidate to reach a position (earliest start)") {
  // a + b and ab both score -2 at the end; ab (from position 0) arrives first.
  const UnigramModel model(Vocab{{"<unk>", 0.0}, {"a", -1.0}, {"b", -1.0}, {"ab", -2.0}}, 0, false);
  CHECK_EQ(Pieces(model, "ab"), Shown{"3@0-2"});
  // Strictly better wins.
  const UnigramModel better(Vocab{{"<unk>", 0.0}, {"a", -1.0}, {"b", -0.5}, {"ab", -2.0}}, 0, false);
  CHECK_EQ(Pieces(better, "ab"), (Shown{"1@0-1", "2@1-2"}));
}

TEST("unigram", "unknown characters: min_score - 10 each, multi-byte characters whole, runs fused") {
  const UnigramModel model(Vocab{{"<unk>", 0.0}, {"a", -1.0}, {"\xE2\x98\x83" /* ☃ */, -30.0}}, 0, false);
  // Unknown characters score min_score - 10 = -40.
  CHECK_EQ(Pieces(model, "\xE2\x98\x83"), Shown{"2@0-3"});
  // é (2 bytes) and ü have no piece: one fused unknown piece over both, then a.
  CHECK_EQ(Pieces(model, "\xC3\xA9\xC3\xBC" "a"), (Shown{"0@0-4", "1@4-5"}));
  // A piece that starts in the middle of nothing: every character is covered exactly once.
  CHECK_EQ(Pieces(model, "a\xC3\xA9" "a"), (Shown{"1@0-1", "0@1-3", "1@3-4"}));
}

TEST("unigram", "a fused unknown run that is itself a piece gets that piece's id (HF looks it up again)") {
  // x alone is no piece, so each x is unknown (score 100 - 10 = 90): 90 + 90 beats the piece xx (100).
  const UnigramModel model(Vocab{{"<unk>", 100.0}, {"xx", 100.0}}, 0, false);
  CHECK_EQ(Pieces(model, "xx"), Shown{"1@0-2"});
  CHECK_EQ(Pieces(model, "xxx"), Shown{"0@0-3"});
}

TEST("unigram", "the text <unk> matches the unk piece and fuses with unknown neighbours") {
  const UnigramModel model(Vocab{{"<unk>", -1.0}, {"a", -1.0}, {"<", -1.0}, {"u", -1.0}, {"n", -1.0}, {"k", -1.0},
                                 {">", -1.0}},
                           0, false);
  CHECK_EQ(Pieces(model, "<unk>"), Shown{"0@0-5"});
  CHECK_EQ(Pieces(model, "<unk>\xC3\xA9"), Shown{"0@0-7"});  // "<unk>é" is no piece: unk_id
}

TEST("unigram", "byte fallback: one <0xXX> piece per byte, each spanning the whole run; unk when one is missing") {
  Vocab vocab{{"<unk>", 0.0}, {"a", -1.0}, {"<0xC3>", -5.0}, {"<0xA9>", -5.0}};
  const UnigramModel model(vocab, 0, true);
  CHECK(model.byte_fallback());
  CHECK_EQ(Pieces(model, "a\xC3\xA9"), (Shown{"1@0-1", "2@1-3", "3@1-3"}));
  CHECK_EQ(Pieces(model, "\xC3\xBC"), Shown{"0@0-2"});  // no <0xBC>
  const UnigramModel without(vocab, 0, false);
  CHECK_EQ(Pieces(without, "a\xC3\xA9"), (Shown{"1@0-1", "0@1-3"}));
}

TEST("unigram", "no unk_id: an unknown character fails the word and leaves the output alone") {
  const UnigramModel model(Vocab{{"a", -1.0}, {"b", -1.0}}, UnigramModel::kNoUnk, false);
  std::vector<UnigramPiece> pieces{UnigramPiece{7, 0, 1}};
  CHECK(!model.Tokenize("abc", &pieces));
  CHECK_EQ(pieces.size(), size_t{1});
  CHECK(model.Tokenize("ab", &pieces));
  CHECK_EQ(pieces.size(), size_t{3});
}

TEST("unigram", "duplicate pieces: the last id wins for lookups and the Viterbi, each id keeps its piece") {
  const UnigramModel model(Vocab{{"<unk>", 0.0}, {"a", -1.0}, {"a", -2.0}}, 0, false);
  CHECK_EQ(model.PieceToId("a"), 2);
  CHECK_EQ(model.PieceToId("b"), -1);
  CHECK_EQ(std::string(model.IdToPiece(1)), std::string("a"));
  CHECK_EQ(std::string(model.IdToPiece(3)), std::string(""));
  CHECK_EQ(model.vocab_size(), size_t{3});
  CHECK_EQ(Pieces(model, "a"), Shown{"2@0-1"});
}

TEST("unigram", "the per-thread word cache: each model its own results, appended after what *out holds") {
  const UnigramModel first(Vocab{{"<unk>", 0.0}, {"a", -1.0}, {"b", -1.0}, {"ab", -3.0}}, 0, false);
  const UnigramModel second(Vocab{{"<unk>", 0.0}, {"a", -1.0}, {"b", -1.0}, {"ab", -1.0}}, 0, false);
  for (int round = 0; round < 3; ++round) {  // the first round fills the cache, the others read it
    CHECK_EQ(Pieces(first, "ab"), (Shown{"1@0-1", "2@1-2"}));
    CHECK_EQ(Pieces(second, "ab"), Shown{"3@0-2"});
    std::vector<UnigramPiece> pieces{UnigramPiece{9, 0, 1}};
    CHECK(second.Tokenize("ab", &pieces));
    CHECK_EQ(pieces.size(), size_t{2});
    CHECK_EQ(pieces[1].id, 3);
    // Words too long to cache give the same pieces.
    const std::string long_word(300, 'a');
    pieces.clear();
    CHECK(first.Tokenize(long_word, &pieces));
    CHECK_EQ(pieces.size(), size_t{300});
  }
  // A failed word is not cached: it fails again.
  const UnigramModel no_unk(Vocab{{"a", -1.0}}, UnigramModel::kNoUnk, false);
  std::vector<UnigramPiece> pieces;
  CHECK(!no_unk.Tokenize("ax", &pieces));
  CHECK(!no_unk.Tokenize("ax", &pieces));
  CHECK(pieces.empty());
}

TEST("unigram", "invalid UTF-8 words: every byte covered, nothing read past the end") {
  const UnigramModel model(Vocab{{"<unk>", 0.0}, {"a", -1.0}}, 0, false);
  CHECK_EQ(Pieces(model, std::string("a\xC3", 2)), (Shown{"1@0-1", "0@1-2"}));
  CHECK_EQ(Pieces(model, std::string("\xFF\xE2\x98", 3)), Shown{"0@0-3"});
  CHECK_EQ(Pieces(model, std::string("a\0a", 3)), (Shown{"1@0-1", "0@1-2", "1@2-3"}));
}

TEST("unigram", "a large vocabulary builds a trie that finds every piece") {
  Vocab vocab{{"<unk>", 0.0}};
  for (int i = 0; i < 20000; ++i) vocab.emplace_back("w" + std::to_string(i * 7919 % 100003), -1.0 - i % 13);
  const UnigramModel model(vocab, 0, false);
  for (size_t id = 1; id < vocab.size(); id += 97) CHECK_EQ(model.PieceToId(vocab[id].first), static_cast<int32_t>(id));
  CHECK_EQ(model.PieceToId("w"), -1);
  // Walks that leave every node by the highest byte stay inside the trie (its padding; checked under ASan).
  std::vector<UnigramPiece> pieces;
  for (size_t id = 1; id < vocab.size(); ++id) CHECK(model.Tokenize(vocab[id].first + "\xFF", &pieces));
}

TEST("unigram", "model checks: kInvalidModel for what HF would refuse or cannot mean") {
  CHECK_THROWS(UnigramModel(Vocab{}, UnigramModel::kNoUnk, false), ErrorCode::kInvalidModel, "empty");
  CHECK_THROWS(UnigramModel(Vocab{{"a", 0.0}}, 1, false), ErrorCode::kInvalidModel, "unk_id");
  CHECK_THROWS(UnigramModel(Vocab{{"a", 0.0}}, -5, false), ErrorCode::kInvalidModel, "unk_id");
  CHECK_THROWS(UnigramModel(Vocab{{"a", std::nan("")}}, 0, false), ErrorCode::kInvalidModel, "non-finite");
  CHECK_THROWS(UnigramModel(Vocab{{"a", std::numeric_limits<double>::infinity()}}, 0, false), ErrorCode::kInvalidModel,
               "non-finite");
  CHECK_THROWS(UnigramModel(Vocab{{"\xED\xA0\x80", 0.0}}, 0, false), ErrorCode::kInvalidModel, "UTF-8");
}

TEST("unigram", "FromJson reads tokenizer.json's model and names what is wrong") {
  const auto parse = [](const std::string& text) { return json::Parse(text, "test"); };
  const UnigramModel model = UnigramModel::FromJson(
      parse(R"({"type":"Unigram","unk_id":0,"vocab":[["<unk>",0],["a",-1.5]],"byte_fallback":true})"));
  CHECK_EQ(model.unk_id(), 0);
  CHECK(model.byte_fallback());
  CHECK_EQ(model.Score(1), -1.5);
  CHECK_EQ(UnigramModel::FromJson(parse(R"({"vocab":[["a",0]],"unk_id":null})")).unk_id(), UnigramModel::kNoUnk);
  CHECK_THROWS(UnigramModel::FromJson(parse(R"({"unk_id":0})")), ErrorCode::kInvalidModel, "vocab");
  CHECK_THROWS(UnigramModel::FromJson(parse(R"({"vocab":[["a"]]})")), ErrorCode::kInvalidModel, "pair");
  CHECK_THROWS(UnigramModel::FromJson(parse(R"({"vocab":[["a",0]],"unk_id":0.5})")), ErrorCode::kInvalidModel,
               "unk_id");
  CHECK_THROWS(UnigramModel::FromJson(parse(R"({"type":"BPE","vocab":[]})")), ErrorCode::kInvalidModel, "type");
  CHECK_THROWS(UnigramModel::FromJson(parse(R"({"vocab":[["a",0]],"byte_fallback":1})")), ErrorCode::kInvalidModel,
               "byte_fallback");
}

}  // namespace
}  // namespace nn
