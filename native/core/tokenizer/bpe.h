// The BPE model with HF's semantics: a word starts as one symbol per character (per byte for byte-level
// words), unknown characters become byte-fallback tokens, the unknown token (fused or not) or nothing;
// then the pair with the lowest merge rank is merged, leftmost first, until no pair has a merge.
// Results are cached per thread by word (HF caches words too), which changes nothing but speed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/tokenizer/string_table.h"

namespace nn {

// A token of a word: its id and the bytes of the word's UTF-8 it covers. (HF computes these from the
// lengths of the symbols kept, so characters dropped without an unknown token shift later offsets, as in HF.)
struct ModelPiece {
  int32_t id;
  uint32_t byte_begin;
  uint32_t byte_end;
};

struct BpeOptions {
  std::string unk_token;  // "" for none
  std::string continuing_subword_prefix;
  std::string end_of_word_suffix;
  bool fuse_unk = false;
  bool byte_fallback = false;
  bool ignore_merges = false;
};

struct BpeMerge {
  int32_t left;
  int32_t right;
  int32_t result;
};

class Bpe {
 public:
  // `merges` in rank order, with ids already resolved (the reader checks them against `vocab`); a pair
  // listed twice keeps its last rank, as in HF. `options.unk_token`, when set, must be in `vocab`.
  Bpe(StringTable vocab, const std::vector<BpeMerge>& merges, BpeOptions options);

  // Appends the tokens of `word` (UTF-8) to *pieces. With `byte_level`, every byte of the word stands for
  // its ByteLevel character (byte_level.h), as if the word had been mapped; only allowed when
  // supports_deferred_byte_level(). Never fails.
  void Tokenize(std::string_view word, bool byte_level, std::vector<ModelPiece>* pieces) const;

  // Whether Tokenize(word, true, ...) may be used: no prefix, suffix or byte fallback.
  bool supports_deferred_byte_level() const;

  const StringTable& vocab() const { return vocab_; }
  int32_t unk_id() const { return unk_id_; }  // -1 without an unknown token
  const std::string& continuing_subword_prefix() const { return options_.continuing_subword_prefix; }

 private:
  struct Symbol {
    int32_t id;
    int32_t prev;
    int32_t next;
    uint32_t length;  // bytes; 0 once merged into the symbol before it
  };
  struct MergeSlot {
    uint64_t pair;  // left << 32 | right; kEmptyPair marks a free slot
    uint32_t rank;
    int32_t result;
  };

  void AddSymbol(int32_t id, uint32_t length, std::vector<Symbol>* word) const;
  void InitialSymbols(std::string_view word, bool byte_level, std::vector<Symbol>* symbols) const;
  const MergeSlot* FindMerge(int32_t left, int32_t right) const;
  void MergeAll(std::vector<Symbol>* symbols) const;
  void TokenizeUncached(std::string_view word, bool byte_level, std::vector<ModelPiece>* pieces) const;

  StringTable vocab_;
  BpeOptions options_;
  int32_t unk_id_ = -1;
  int32_t byte_level_ids_[256];      // id of each byte's ByteLevel character, -1 when not in the vocabulary
  int32_t byte_fallback_ids_[256];   // id of "<0xAB>", -1 when not in the vocabulary
  std::vector<MergeSlot> merge_slots_;  // open addressing, power-of-two size, at most half full
  uint64_t cache_owner_;                // word_cache.h owner ids: this one for plain words, +1 for byte-level
};

}  // namespace nn
