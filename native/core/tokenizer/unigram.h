// SentencePiece Unigram model (tokenizer.json "model": {"type": "Unigram", ...}), exactly as Hugging Face
// `tokenizers` encodes with it (Unigram::encode_optimized, then Model::tokenize):
//  - Viterbi over the word's bytes, advancing one UTF-8 character at a time; the candidates starting at a
//    character are the vocabulary pieces that prefix the rest of the word (a byte trie);
//  - a character that no single-character piece covers gets an unknown node scored min_score - 10;
//  - ties: a node keeps the first candidate that reached it (candidates arrive by increasing start), later
//    ones replace it only with a strictly higher total score (doubles, added in HF's order);
//  - consecutive nodes whose id is unk_id are fused into one piece (fuse_unk is always on for Unigram);
//  - every piece's text is then looked up in the vocabulary again: a fused run that happens to be a piece
//    gets that piece's id; otherwise, with byte_fallback, one "<0xXX>" piece per UTF-8 byte when all of them
//    exist (each spanning the whole run, as HF's offsets do), else unk_id.
// Duplicate piece strings: as HF's piece-to-id map, the last id wins for lookups and the Viterbi; every id
// still has its own IdToPiece.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nn {

namespace json {
class Value;
}

struct UnigramScratch;  // per-thread buffers and word cache (unigram.cc)

// One token of a word: its vocabulary id and the bytes of the word it covers, [byte_begin, byte_end).
struct UnigramPiece {
  int32_t id;
  uint32_t byte_begin;
  uint32_t byte_end;
};

class UnigramModel {
 public:
  static constexpr int32_t kNoUnk = -1;
  static constexpr double kUnkPenalty = 10.0;

  // `vocab` is in id order. `unk_id` is kNoUnk or an index into vocab. Throws nn::Error(kInvalidModel) for an
  // empty vocabulary, an unk_id out of range, a non-finite score, a piece that is not valid UTF-8, or more than
  // 2^31 - 1 pieces.
  UnigramModel(std::vector<std::pair<std::string, double>> vocab, int32_t unk_id, bool byte_fallback);

  // Reads tokenizer.json's "model" object: "vocab" ([piece, score] pairs), "unk_id" (absent or null: none),
  // "byte_fallback" (absent: false); "type", when present, must be "Unigram". Throws nn::Error(kInvalidModel)
  // naming what is wrong.
  static UnigramModel FromJson(const json::Value& model);

  // Appends the pieces of `utf8_word` (one pre-tokenized word, already normalized) to *out, covering it
  // from its first byte to its last, in order. Returns false, leaving *out as it was, when the word needs an
  // unknown piece and the model has no unk_id (HF fails the encode then: "Encountered an unknown token but
  // `unk_id` is missing"). An empty word appends nothing. Invalid UTF-8 never reads out of bounds: a byte
  // that does not start a well-formed character counts as a one-byte character. Thread-safe (per-thread
  // scratch buffers); allocates nothing once warm except when *out grows or a word enters the per-thread
  // cache of recent words (which changes nothing but speed).
  [[nodiscard]] bool Tokenize(std::string_view utf8_word, std::vector<UnigramPiece>* out) const;

  size_t vocab_size() const { return pieces_.size(); }
  int32_t unk_id() const { return unk_id_; }
  bool byte_fallback() const { return byte_fallback_; }

  // The piece of `id` ("" when id is out of range; check id < vocab_size()).
  std::string_view IdToPiece(int32_t id) const {
    return id >= 0 && static_cast<size_t>(id) < pieces_.size() ? std::string_view(pieces_[id]) : std::string_view();
  }
  double Score(int32_t id) const { return scores_[id]; }  // id < vocab_size()
  // The id HF's token_to_id gives `piece` (the last one for duplicates), or -1.
  int32_t PieceToId(std::string_view piece) const;

 private:
  // Double-array trie over piece bytes: the child of `node` for byte b is base[node] + b when that slot's
  // check is `node`. Slots are padded so that base + 255 is always in range (no bounds check in the walk).
  struct TrieNode {
    int32_t base;   // 0 for nodes without children
    int32_t check;  // parent node, -1 for a free slot
    int32_t id;     // piece id when a piece ends here, else -1
  };
  void BuildTrie();
  // Tokenize without the cache; `scratch` is the calling thread's.
  bool TokenizeUncached(std::string_view utf8_word, UnigramScratch* scratch, std::vector<UnigramPiece>* out) const;

  std::vector<std::string> pieces_;
  std::vector<double> scores_;
  std::vector<TrieNode> trie_;
  int32_t byte_piece_ids_[256];  // id of "<0xXX>" or -1
  int32_t unk_id_;
  bool byte_fallback_;
  double unk_score_;
  uint64_t cache_owner_;  // tells this model's entries in the per-thread word cache from others'
};

}  // namespace nn
