// An immutable-after-build hash map from byte strings to ids, looked up with string_views so the
// hot path never builds a std::string. Open addressing with 16-byte slots; keys of up to 8 bytes (most
// WordPiece entries) are stored in the slot itself, so a lookup usually touches a single cache line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nn {

class StringTable {
 public:
  StringTable() = default;

  // Adds `key`, or replaces its value when present (so the last duplicate wins, like a JSON map in HF).
  // `value` must be >= 0.
  void Insert(std::string_view key, int32_t value);

  // The value of `key`, or -1.
  int32_t Find(std::string_view key) const;

  size_t size() const { return size_; }
  size_t max_key_length() const { return max_key_length_; }

  template <typename Visit>  // Visit(std::string_view key, int32_t value)
  void ForEach(Visit visit) const {
    char buffer[kInlineKeyBytes];
    for (const Slot& slot : slots_) {
      if (slot.value >= 0) visit(KeyOf(slot, buffer), slot.value);
    }
  }

 private:
  static constexpr size_t kInlineKeyBytes = 8;

  struct Slot {
    uint32_t tag;   // high 24 bits of the key's hash | min(key length, 255)
    int32_t value;  // -1 marks an empty slot
    // Keys of up to 8 bytes: the bytes, zero-padded. Longer keys: offset (low half) and length (high
    // half) in keys_.
    uint64_t key;
  };

  static uint32_t Hash(std::string_view key);
  static uint32_t Tag(uint32_t hash, size_t length) {
    return (hash & 0xFFFFFF00u) | static_cast<uint32_t>(length < 255 ? length : 255);
  }
  static uint64_t PackInline(std::string_view key);
  // The slot's key; inline keys are unpacked into `buffer`, so the view lives as long as it does.
  std::string_view KeyOf(const Slot& slot, char (&buffer)[kInlineKeyBytes]) const;
  bool SlotHoldsKey(const Slot& slot, uint32_t tag, std::string_view key, uint64_t packed) const;
  size_t FindSlot(std::string_view key, uint32_t hash) const;  // the key's slot or the empty one to use
  void Rehash(size_t capacity);

  std::vector<Slot> slots_;  // size is a power of two, at most half full; indexed by hash bits 8..31
  std::string keys_;         // bytes of the keys longer than 8 bytes
  size_t size_ = 0;
  size_t max_key_length_ = 0;
};

}  // namespace nn
