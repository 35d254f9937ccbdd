#include "core/tokenizer/string_table.h"

#include <cstring>

namespace nn {

uint32_t StringTable::Hash(std::string_view key) {
  // Word-at-a-time multiply/xor-shift mixing: vocabulary keys are short, so this is a few cycles.
  const char* p = key.data();
  size_t n = key.size();
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (static_cast<uint64_t>(n) * 0xC2B2AE3D27D4EB4Full);
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    h = (h ^ word) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 32;
    p += 8;
    n -= 8;
  }
  uint64_t tail = 0;
  for (size_t i = 0; i < n; ++i) tail |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  h = (h ^ tail) * 0xC4CEB9FE1A85EC53ull;
  h ^= h >> 29;
  h *= 0xFF51AFD7ED558CCDull;
  return static_cast<uint32_t>(h >> 32);
}

uint64_t StringTable::PackInline(std::string_view key) {
  uint64_t packed = 0;
  for (size_t i = 0; i < key.size() && i < kInlineKeyBytes; ++i) {
    packed |= static_cast<uint64_t>(static_cast<unsigned char>(key[i])) << (8 * i);
  }
  return packed;
}

std::string_view StringTable::KeyOf(const Slot& slot, char (&buffer)[kInlineKeyBytes]) const {
  const size_t length = slot.tag & 0xFF;
  if (length <= kInlineKeyBytes) {
    for (size_t i = 0; i < length; ++i) buffer[i] = static_cast<char>((slot.key >> (8 * i)) & 0xFF);
    return std::string_view(buffer, length);
  }
  return std::string_view(keys_.data() + static_cast<uint32_t>(slot.key), static_cast<size_t>(slot.key >> 32));
}

bool StringTable::SlotHoldsKey(const Slot& slot, uint32_t tag, std::string_view key, uint64_t packed) const {
  if (slot.tag != tag) return false;
  if (key.size() <= kInlineKeyBytes) return slot.key == packed;
  const size_t length = static_cast<size_t>(slot.key >> 32);
  return length == key.size() && std::memcmp(keys_.data() + static_cast<uint32_t>(slot.key), key.data(), length) == 0;
}

size_t StringTable::FindSlot(std::string_view key, uint32_t hash) const {
  const size_t mask = slots_.size() - 1;
  const uint32_t tag = Tag(hash, key.size());
  const uint64_t packed = key.size() <= kInlineKeyBytes ? PackInline(key) : 0;
  size_t index = (hash >> 8) & mask;
  while (true) {
    const Slot& slot = slots_[index];
    if (slot.value < 0 || SlotHoldsKey(slot, tag, key, packed)) return index;
    index = (index + 1) & mask;
  }
}

int32_t StringTable::Find(std::string_view key) const {
  if (size_ == 0) return -1;
  return slots_[FindSlot(key, Hash(key))].value;
}

void StringTable::Insert(std::string_view key, int32_t value) {
  if ((size_ + 1) * 2 > slots_.size()) Rehash(slots_.empty() ? 16 : slots_.size() * 2);
  const uint32_t hash = Hash(key);
  Slot& slot = slots_[FindSlot(key, hash)];
  if (slot.value >= 0) {
    slot.value = value;
    return;
  }
  uint64_t stored;
  if (key.size() <= kInlineKeyBytes) {
    stored = PackInline(key);
  } else {
    stored = (static_cast<uint64_t>(key.size()) << 32) | static_cast<uint32_t>(keys_.size());
    keys_.append(key);
  }
  slot = Slot{Tag(hash, key.size()), value, stored};
  ++size_;
  if (key.size() > max_key_length_) max_key_length_ = key.size();
}

void StringTable::Rehash(size_t capacity) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(capacity, Slot{0, -1, 0});
  const size_t mask = capacity - 1;
  for (const Slot& slot : old) {
    if (slot.value < 0) continue;
    size_t index = (slot.tag >> 8) & mask;
    while (slots_[index].value >= 0) index = (index + 1) & mask;
    slots_[index] = slot;
  }
}

}  // namespace nn
