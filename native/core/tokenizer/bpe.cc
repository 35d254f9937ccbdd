#include "core/tokenizer/bpe.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "core/tokenizer/byte_level.h"
#include "core/tokenizer/word_cache.h"
#include "core/util/utf.h"

namespace nn {
namespace {

constexpr uint64_t kEmptyPair = ~0ull;

uint64_t PairKey(int32_t left, int32_t right) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
}

size_t PairHash(uint64_t pair) { return static_cast<size_t>((pair * 0x9E3779B97F4A7C15ull) >> 29); }

// Length of the UTF-8 sequence starting with `lead` (the text is valid UTF-8: it comes from code points).
uint32_t Utf8Length(unsigned char lead) {
  return lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 1;
}

// A pending merge: HF's min-heap order is rank, then position.
struct Candidate {
  uint32_t rank;
  int32_t position;
  int32_t result;
};
struct LaterCandidate {
  bool operator()(const Candidate& a, const Candidate& b) const {
    return a.rank != b.rank ? a.rank > b.rank : a.position > b.position;
  }
};

struct ThreadScratch {
  WordCache<ModelPiece> cache;
  std::string key;
  std::vector<Candidate> heap;
};

ThreadScratch& Scratch() {
  static thread_local ThreadScratch scratch;
  return scratch;
}

}  // namespace

Bpe::Bpe(StringTable vocab, const std::vector<BpeMerge>& merges, BpeOptions options)
    : vocab_(std::move(vocab)), options_(std::move(options)) {
  if (!options_.unk_token.empty()) unk_id_ = vocab_.Find(options_.unk_token);
  std::string text;
  for (int b = 0; b < 256; ++b) {
    text.clear();
    utf::AppendUtf8(ByteLevelChar(static_cast<uint8_t>(b)), &text);
    byte_level_ids_[b] = vocab_.Find(text);
    char name[8];
    std::snprintf(name, sizeof(name), "<0x%02X>", b);
    byte_fallback_ids_[b] = vocab_.Find(name);
  }
  size_t capacity = 16;
  while (capacity < merges.size() * 2 + 2) capacity *= 2;
  merge_slots_.assign(capacity, MergeSlot{kEmptyPair, 0, -1});
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const uint64_t pair = PairKey(merges[rank].left, merges[rank].right);
    size_t slot = PairHash(pair) & (capacity - 1);
    while (merge_slots_[slot].pair != kEmptyPair && merge_slots_[slot].pair != pair) slot = (slot + 1) & (capacity - 1);
    merge_slots_[slot] = MergeSlot{pair, static_cast<uint32_t>(rank), merges[rank].result};  // last rank wins
  }
  cache_owner_ = ReserveWordCacheOwners(2);  // one for plain words, one for byte-level ones
}

bool Bpe::supports_deferred_byte_level() const {
  return options_.continuing_subword_prefix.empty() && options_.end_of_word_suffix.empty() && !options_.byte_fallback;
}

const Bpe::MergeSlot* Bpe::FindMerge(int32_t left, int32_t right) const {
  const uint64_t pair = PairKey(left, right);
  const size_t mask = merge_slots_.size() - 1;
  for (size_t slot = PairHash(pair) & mask;; slot = (slot + 1) & mask) {
    const MergeSlot& entry = merge_slots_[slot];
    if (entry.pair == pair) return &entry;
    if (entry.pair == kEmptyPair) return nullptr;
  }
}

void Bpe::AddSymbol(int32_t id, uint32_t length, std::vector<Symbol>* word) const {
  const auto size = static_cast<int32_t>(word->size());
  if (size > 0) word->back().next = size;
  word->push_back(Symbol{id, size - 1, -1, length});
}

void Bpe::InitialSymbols(std::string_view word, bool byte_level, std::vector<Symbol>* symbols) const {
  // The unknown token waiting to be added: HF adds it lazily so that consecutive ones can fuse.
  int32_t pending_unk_length = -1;
  const auto unknown = [&](uint32_t length) {
    if (unk_id_ < 0) return;  // no unknown token: the character is dropped
    if (pending_unk_length >= 0 && options_.fuse_unk) {
      pending_unk_length += static_cast<int32_t>(length);
      return;
    }
    if (pending_unk_length >= 0) AddSymbol(unk_id_, static_cast<uint32_t>(pending_unk_length), symbols);
    pending_unk_length = static_cast<int32_t>(length);
  };
  const auto known = [&](int32_t id, uint32_t length) {
    if (pending_unk_length >= 0) {
      AddSymbol(unk_id_, static_cast<uint32_t>(pending_unk_length), symbols);
      pending_unk_length = -1;
    }
    AddSymbol(id, length, symbols);
  };

  if (byte_level) {
    for (unsigned char byte : word) {
      const int32_t id = byte_level_ids_[byte];
      if (id >= 0) {
        known(id, 1);
      } else {
        unknown(1);
      }
    }
  } else {
    const bool plain = options_.continuing_subword_prefix.empty() && options_.end_of_word_suffix.empty();
    std::string decorated;
    for (size_t i = 0; i < word.size();) {
      const uint32_t length = std::min<uint32_t>(Utf8Length(static_cast<unsigned char>(word[i])),
                                                 static_cast<uint32_t>(word.size() - i));
      const bool is_first = i == 0;
      const bool is_last = i + length == word.size();
      std::string_view piece = word.substr(i, length);
      if (!plain) {
        decorated.clear();
        if (!is_first) decorated += options_.continuing_subword_prefix;
        decorated.append(piece.data(), piece.size());
        if (is_last) decorated += options_.end_of_word_suffix;
        piece = decorated;
      }
      i += length;
      const int32_t id = vocab_.Find(piece);
      if (id >= 0) {
        known(id, length);
        continue;
      }
      if (options_.byte_fallback) {
        // Every byte of the (decorated) piece needs its <0xAB> token; a pending unknown token stays pending.
        bool all = true;
        for (unsigned char byte : piece) all = all && byte_fallback_ids_[byte] >= 0;
        if (all) {
          for (unsigned char byte : piece) AddSymbol(byte_fallback_ids_[byte], 1, symbols);
          continue;
        }
      }
      unknown(length);
    }
  }
  if (pending_unk_length >= 0) AddSymbol(unk_id_, static_cast<uint32_t>(pending_unk_length), symbols);
}

// HF's Word::merge_all without dropout: a min-heap of candidate merges by (rank, position); an entry whose
// pair no longer produces the same token is stale and skipped.
void Bpe::MergeAll(std::vector<Symbol>* symbols_in) const {
  std::vector<Symbol>& symbols = *symbols_in;
  std::vector<Candidate>& heap = Scratch().heap;
  heap.clear();
  const LaterCandidate later;
  for (size_t i = 0; i + 1 < symbols.size(); ++i) {
    if (const MergeSlot* merge = FindMerge(symbols[i].id, symbols[i + 1].id)) {
      heap.push_back(Candidate{merge->rank, static_cast<int32_t>(i), merge->result});
    }
  }
  std::make_heap(heap.begin(), heap.end(), later);
  const auto size = static_cast<int32_t>(symbols.size());
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    const Candidate top = heap.back();
    heap.pop_back();
    Symbol& current = symbols[top.position];
    if (current.length == 0 || current.next == -1) continue;
    const int32_t next_position = current.next;
    const Symbol right = symbols[next_position];
    const MergeSlot* merge = FindMerge(current.id, right.id);
    if (merge == nullptr || merge->result != top.result) continue;
    current.id = top.result;
    current.length += right.length;
    current.next = right.next;
    symbols[next_position].length = 0;
    if (right.next > -1 && right.next < size) symbols[right.next].prev = top.position;
    if (current.prev >= 0) {
      if (const MergeSlot* m = FindMerge(symbols[current.prev].id, current.id)) {
        heap.push_back(Candidate{m->rank, current.prev, m->result});
        std::push_heap(heap.begin(), heap.end(), later);
      }
    }
    if (current.next >= 0 && current.next < size) {
      if (const MergeSlot* m = FindMerge(current.id, symbols[current.next].id)) {
        heap.push_back(Candidate{m->rank, top.position, m->result});
        std::push_heap(heap.begin(), heap.end(), later);
      }
    }
  }
}

void Bpe::TokenizeUncached(std::string_view word, bool byte_level, std::vector<ModelPiece>* pieces) const {
  static thread_local std::vector<Symbol> symbols;
  symbols.clear();
  InitialSymbols(word, byte_level, &symbols);
  MergeAll(&symbols);
  uint32_t position = 0;
  for (const Symbol& symbol : symbols) {
    if (symbol.length == 0) continue;
    pieces->push_back(ModelPiece{symbol.id, position, position + symbol.length});
    position += symbol.length;
  }
  if (symbols.capacity() > 4096) symbols = std::vector<Symbol>();
}

void Bpe::Tokenize(std::string_view word, bool byte_level, std::vector<ModelPiece>* pieces) const {
  if (word.empty()) return;
  ThreadScratch& scratch = Scratch();
  if (options_.ignore_merges) {
    std::string_view whole = word;
    if (byte_level) {
      scratch.key.clear();
      for (unsigned char byte : word) utf::AppendUtf8(ByteLevelChar(byte), &scratch.key);
      whole = scratch.key;
    }
    const int32_t id = vocab_.Find(whole);
    if (id >= 0) {
      pieces->push_back(ModelPiece{id, 0, static_cast<uint32_t>(word.size())});
      return;
    }
  }
  scratch.cache.AppendPieces(cache_owner_ + (byte_level ? 1 : 0), word, pieces,
                             [&](std::string_view uncached, std::vector<ModelPiece>* out) {
                               TokenizeUncached(uncached, byte_level, out);
                               return true;
                             });
}

}  // namespace nn
