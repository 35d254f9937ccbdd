#include "core/tokenizer/precompiled.h"

#include "core/error.h"
#include "core/tokenizer/graphemes.h"
#include "core/util/utf.h"

namespace nn {
namespace {

[[noreturn]] void Invalid(const std::string& message) {
  throw Error(ErrorCode::kInvalidModel, "tokenizer.json: Precompiled normalizer: " + message);
}

// Darts-clone unit layout (what spm_precompiled reads).
inline bool HasLeaf(uint32_t unit) { return (unit >> 8) & 1; }
inline uint32_t Value(uint32_t unit) { return unit & 0x7FFFFFFFu; }
inline uint32_t Label(uint32_t unit) { return unit & 0x800000FFu; }  // value units carry bit 31: never a label
inline uint64_t Offset(uint32_t unit) { return static_cast<uint64_t>(unit >> 10) << ((unit & (1u << 9)) >> 6); }

int Base64Digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Appends the UTF-8 form of text[begin, end) to `bytes` (cleared first).
void EncodeUtf8(std::u32string_view text, size_t begin, size_t end, std::string* bytes) {
  bytes->clear();
  for (size_t i = begin; i < end; ++i) utf::AppendUtf8(text[i], bytes);
}

size_t Utf8Length(char32_t c) { return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4; }

// HF's `replace` (normalizers/precompiled.rs): `old_count` input characters become `replacement`.
void Replace(size_t old_count, std::string_view replacement, Transformations* out) {
  size_t new_count = 0;
  // Valid UTF-8 (checked at load), so continuation bytes follow every lead byte.
  for (size_t i = 0; i < replacement.size(); ++new_count) {
    const unsigned char lead = static_cast<unsigned char>(replacement[i]);
    const size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    char32_t c = length == 1 ? lead : length == 2 ? (lead & 0x1F) : length == 3 ? (lead & 0x0F) : (lead & 0x07);
    for (size_t k = 1; k < length && i + k < replacement.size(); ++k) {
      c = (c << 6) | (static_cast<unsigned char>(replacement[i + k]) & 0x3F);
    }
    out->emplace_back(c, 0);
    i += length;
  }
  const long diff = static_cast<long>(new_count) - static_cast<long>(old_count);
  if (diff > 0) {
    for (size_t k = 0; k < static_cast<size_t>(diff); ++k) (*out)[out->size() - 1 - k].second = 1;
  } else if (diff < 0 && !out->empty()) {
    out->back().second += static_cast<int>(diff);
  }
}

}  // namespace

PrecompiledCharsMap::PrecompiledCharsMap(std::string blob) {
  if (blob.size() < 4) Invalid("the charsmap is shorter than its header");
  const auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(blob[i])); };
  const uint32_t trie_bytes = byte(0) | byte(1) << 8 | byte(2) << 16 | byte(3) << 24;
  const size_t unit_count = trie_bytes / 4;  // spm_precompiled reads trie_size / 4 units; a remainder is text
  if (unit_count == 0) Invalid("the trie is empty");
  if (unit_count > (blob.size() - 4) / 4) Invalid("the trie is longer than the charsmap");
  units_.resize(unit_count);
  for (size_t i = 0; i < unit_count; ++i) {
    const size_t at = 4 + 4 * i;
    units_[i] = byte(at) | byte(at + 1) << 8 | byte(at + 2) << 16 | byte(at + 3) << 24;
  }
  strings_ = blob.substr(4 + 4 * unit_count);
  if (!utf::IsValidUtf8(strings_)) Invalid("the replacement strings are not valid UTF-8");
  Validate();
  std::string_view replacement;
  for (char c = 0; c < 0x7F; ++c) keeps_ascii_[static_cast<size_t>(c)] = !Transform(std::string_view(&c, 1), &replacement);
}

PrecompiledCharsMap PrecompiledCharsMap::FromBase64(std::string_view base64) {
  if (base64.size() % 4 != 0) Invalid("precompiled_charsmap is not padded base64");
  std::string blob;
  blob.reserve(base64.size() / 4 * 3);
  for (size_t i = 0; i < base64.size(); i += 4) {
    const bool last = i + 4 == base64.size();
    int digits[4];
    int padding = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = base64[i + k];
      if (c == '=' && last && k >= 2) {
        digits[k] = 0;
        ++padding;
        continue;
      }
      digits[k] = padding ? -1 : Base64Digit(c);  // no digit after padding
      if (digits[k] < 0) Invalid("precompiled_charsmap is not valid base64");
    }
    const uint32_t group = digits[0] << 18 | digits[1] << 12 | digits[2] << 6 | digits[3];
    // Canonical encoding: the bits a padded group drops must be zero (HF's base64 engine checks it).
    if ((padding == 1 && (group & 0xFF)) || (padding == 2 && (group & 0xFFFF))) {
      Invalid("precompiled_charsmap is not canonical base64");
    }
    blob.push_back(static_cast<char>(group >> 16));
    if (padding < 2) blob.push_back(static_cast<char>(group >> 8 & 0xFF));
    if (padding < 1) blob.push_back(static_cast<char>(group & 0xFF));
  }
  return PrecompiledCharsMap(std::move(blob));
}

// Walks every node reachable from the root the way Transform does and checks each leaf's value and
// replacement offset. Positions are "node_pos" after the offset XOR, before the next label.
void PrecompiledCharsMap::Validate() const {
  const size_t n = units_.size();
  const size_t blocks = (n + 255) / 256 * 256;  // a position past this cannot come back in range with ^ label
  std::vector<bool> visited(blocks, false);
  std::vector<size_t> stack;
  const uint64_t root = Offset(units_[0]);
  if (root < blocks) {
    visited[root] = true;
    stack.push_back(static_cast<size_t>(root));
  }
  while (!stack.empty()) {
    const size_t position = stack.back();
    stack.pop_back();
    for (uint32_t label = 1; label < 256; ++label) {
      const size_t child = position ^ label;
      if (child >= n) continue;  // Transform treats it as a mismatch
      const uint32_t unit = units_[child];
      if (Label(unit) != label) continue;
      const uint64_t next = child ^ Offset(unit);
      if (HasLeaf(unit)) {
        if (next >= n) Invalid("a trie value lies outside the trie");
        const uint32_t offset = Value(units_[next]);
        if (offset > strings_.size() ||
            (offset < strings_.size() && (static_cast<unsigned char>(strings_[offset]) & 0xC0) == 0x80)) {
          Invalid("a trie value is not the start of a replacement string");
        }
      }
      if (next < blocks && !visited[next]) {
        visited[next] = true;
        stack.push_back(static_cast<size_t>(next));
      }
    }
  }
}

bool PrecompiledCharsMap::Transform(std::string_view chunk, std::string_view* replacement) const {
  const size_t n = units_.size();
  uint64_t position = Offset(units_[0]);
  for (const char c : chunk) {
    const uint32_t label = static_cast<unsigned char>(c);
    if (label == 0) break;
    position ^= label;
    if (position >= n) return false;
    const uint32_t unit = units_[position];
    if (Label(unit) != label) return false;
    position ^= Offset(unit);
    if (HasLeaf(unit)) {
      if (position >= n) return false;  // refused at load
      const size_t begin = Value(units_[position]);
      if (begin > strings_.size()) return false;  // refused at load
      size_t end = begin;
      while (end < strings_.size() && strings_[end] != '\0') ++end;
      *replacement = std::string_view(strings_).substr(begin, end - begin);
      return true;
    }
  }
  return false;
}

bool PrecompiledCharsMap::Normalize(std::u32string_view text, Transformations* out) const {
  out->clear();
  out->reserve(text.size());
  bool modified = false;
  std::string bytes;
  std::string_view replacement;
  for (size_t begin = 0; begin < text.size();) {
    // Most text is ASCII: a character followed by ASCII (not a CR LF pair) is a cluster of its own, and the
    // charsmap's answer for it was looked up at load.
    const char32_t first = text[begin];
    const bool alone = begin + 1 == text.size() ||
                       (text[begin + 1] < 0x7F && !(first == '\r' && text[begin + 1] == '\n'));
    if (alone && KeepsAscii(first)) {
      out->emplace_back(first, 0);
      ++begin;
      continue;
    }
    const size_t end = unicode::GraphemeClusterEnd(text, begin);
    size_t length = 0;
    for (size_t i = begin; i < end && length < 6; ++i) length += Utf8Length(text[i]);
    if (length < 6) {
      EncodeUtf8(text, begin, end, &bytes);
      if (Transform(bytes, &replacement)) {
        modified = true;
        Replace(end - begin, replacement, out);
        begin = end;
        continue;
      }
    }
    for (size_t i = begin; i < end; ++i) {
      EncodeUtf8(text, i, i + 1, &bytes);
      if (Transform(bytes, &replacement)) {
        modified = true;
        Replace(1, replacement, out);
      } else {
        out->emplace_back(text[i], 0);
      }
    }
    begin = end;
  }
  return modified;
}

}  // namespace nn
