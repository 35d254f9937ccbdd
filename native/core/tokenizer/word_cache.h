// The per-thread cache of tokenized words that the BPE and Unigram models share (HF caches words too).
//
// Contract:
//  - A WordCache belongs to one thread (keep it in thread_local scratch); it is not synchronised.
//  - Direct-mapped: each word hashes to one of kSlots slots, and a slot holds only the last word stored there,
//    so a lookup costs one hash and one comparison, and memory stays bounded.
//  - Entries are tagged with an owner id. Every model reserves its own ids with ReserveWordCacheOwners() (one
//    per way it can tokenize the same bytes differently, e.g. BPE with and without byte-level input), so one
//    thread can serve several models without ever returning another model's pieces. Ids are never reused, so
//    entries left behind by a destroyed model can never match a later one.
//  - Caching changes nothing but speed: AppendPieces appends exactly what the uncached tokenizer would.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nn {

// Returns the first of `count` fresh owner ids (first, first + 1, ...); never 0, which marks an empty slot.
// Thread-safe.
inline uint64_t ReserveWordCacheOwners(uint64_t count) {
  static std::atomic<uint64_t> next_owner{1};
  return next_owner.fetch_add(count, std::memory_order_relaxed);
}

// `Piece` is the model's per-word token record (copied in and out of the cache as is).
template <typename Piece>
class WordCache {
 public:
  static constexpr size_t kSlots = 1 << 12;
  static constexpr size_t kMaxWordBytes = 256;  // longer words are rare: tokenized every time, not cached

  WordCache() : slots_(kSlots) {}

  // Appends the pieces of `word` (tokenized for `owner`) to *out. On a hit they come from the cache; otherwise
  // `tokenize_uncached(word, out)` appends them and returns whether it succeeded; only a success is stored,
  // replacing the slot's previous word. Returns what tokenize_uncached returned, or true on a hit.
  template <typename TokenizeUncached>
  bool AppendPieces(uint64_t owner, std::string_view word, std::vector<Piece>* out,
                    TokenizeUncached&& tokenize_uncached) {
    if (word.size() >= kMaxWordBytes) return tokenize_uncached(word, out);
    Slot& slot = slots_[Hash(word) & (kSlots - 1)];
    if (slot.owner == owner && slot.word == word) {
      out->insert(out->end(), slot.pieces.begin(), slot.pieces.end());
      return true;
    }
    const size_t first = out->size();
    if (!tokenize_uncached(word, out)) return false;
    slot.owner = owner;
    slot.word.assign(word.data(), word.size());
    slot.pieces.assign(out->begin() + static_cast<std::ptrdiff_t>(first), out->end());
    return true;
  }

 private:
  struct Slot {
    uint64_t owner = 0;  // 0: empty
    std::string word;
    std::vector<Piece> pieces;
  };

  // FNV-1a with the high bits folded in, since only the low bits pick the slot.
  static uint64_t Hash(std::string_view word) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : word) h = (h ^ c) * 1099511628211ull;
    return h ^ (h >> 29);
  }

  std::vector<Slot> slots_;
};

}  // namespace nn
