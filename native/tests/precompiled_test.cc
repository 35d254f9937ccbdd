// SentencePiece's Precompiled normalizer (core/tokenizer/precompiled.h) over charsmaps built here: lookups, HF's
// grapheme-wise replacement changes, and corrupt blobs refused.
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "core/tokenizer/precompiled.h"
#include "tests/check.h"

namespace nn {
namespace {

// Builds a Darts-style charsmap: every trie node gets its own 256-unit block (a node's children sit at
// block ^ label, its value at block ^ 0), replacements are NUL-terminated after the units.
class CharsMapBuilder {
 public:
  explicit CharsMapBuilder(const std::map<std::string, std::string>& rules) {
    units_.assign(256, 0);
    const uint32_t root_block = Allocate();
    units_[0] = Unit(0 ^ root_block, false, 0);
    Build(rules, "", root_block);
  }
  std::string Blob() const {
    std::string blob;
    AppendU32(static_cast<uint32_t>(units_.size() * 4), &blob);
    for (uint32_t unit : units_) AppendU32(unit, &blob);
    return blob + strings_;
  }
  std::vector<uint32_t>& units() { return units_; }
  std::string& strings() { return strings_; }

 private:
  static uint32_t Unit(uint32_t offset, bool has_leaf, uint32_t label) {
    return offset << 10 | (has_leaf ? 1u << 8 : 0) | label;
  }
  static void AppendU32(uint32_t value, std::string* out) {
    for (int k = 0; k < 4; ++k) out->push_back(static_cast<char>(value >> (8 * k) & 0xFF));
  }
  uint32_t Allocate() {
    const uint32_t block = static_cast<uint32_t>(units_.size());
    units_.resize(units_.size() + 256, 0);
    return block;
  }
  // Places the children of the node for `prefix`, whose children block is `block`.
  void Build(const std::map<std::string, std::string>& rules, const std::string& prefix, uint32_t block) {
    for (int label = 1; label < 256; ++label) {
      const std::string key = prefix + static_cast<char>(label);
      const auto next = rules.lower_bound(key);
      if (next == rules.end() || next->first.compare(0, key.size(), key) != 0) continue;
      const bool leaf = next->first == key;
      const uint32_t child_block = Allocate();
      units_[block ^ label] = Unit((block ^ label) ^ child_block, leaf, label);
      if (leaf) {
        units_[child_block] = 0x80000000u | static_cast<uint32_t>(strings_.size());
        strings_ += next->second;
        strings_.push_back('\0');
      }
      Build(rules, key, child_block);
    }
  }
  std::vector<uint32_t> units_;
  std::string strings_;
};

std::string Base64(const std::string& bytes) {
  static const char* digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t group = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) group |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) group |= static_cast<uint8_t>(bytes[i + 2]);
    out += digits[group >> 18];
    out += digits[group >> 12 & 63];
    out += i + 1 < bytes.size() ? digits[group >> 6 & 63] : '=';
    out += i + 2 < bytes.size() ? digits[group & 63] : '=';
  }
  return out;
}

// "c:change" per entry.
std::vector<std::string> Show(const Transformations& changes) {
  std::vector<std::string> shown;
  for (const auto& [c, change] : changes) {
    std::string text;
    if (c < 0x80) {
      text = std::string(1, static_cast<char>(c));
    } else {
      char hex[16];
      std::snprintf(hex, sizeof(hex), "U+%04X", static_cast<unsigned>(c));
      text = hex;
    }
    shown.push_back(text + ":" + std::to_string(change));
  }
  return shown;
}
using Shown = std::vector<std::string>;

const std::map<std::string, std::string> kRules{
    {"a", "A"},
    {"ab", "X"},                       // never used: "a" is the shorter key
    {"\xEF\xAC\x81", "fi"},            // ﬁ
    {"e\xCC\x81", "\xC3\xA9"},         // e + U+0301 -> é
    {"\xE2\x84\xA2", "TM"},            // ™
    {"\x1E", ""},                      // removed
    {"\xE2\x91\xA0", "1"},             // ①
};

PrecompiledCharsMap Map() { return PrecompiledCharsMap::FromBase64(Base64(CharsMapBuilder(kRules).Blob())); }

TEST("precompiled", "a lookup takes the shortest key that prefixes the chunk") {
  const PrecompiledCharsMap map = Map();
  std::string_view replacement;
  CHECK(map.Transform("ab", &replacement));
  CHECK_EQ(std::string(replacement), std::string("A"));
  CHECK(map.Transform("az", &replacement));
  CHECK(!map.Transform("b", &replacement));
  CHECK(!map.Transform("", &replacement));
  CHECK(!map.Transform(std::string("\0a", 2), &replacement));  // the walk stops at NUL
  CHECK(map.Transform("\xE2\x91\xA0", &replacement));
  CHECK_EQ(std::string(replacement), std::string("1"));
}

TEST("precompiled", "HF's replace changes: growth marks the new characters +1, shrinking adds to the last entry") {
  const PrecompiledCharsMap map = Map();
  Transformations changes;
  CHECK(map.Normalize(U"\uFB01x", &changes));  // ﬁx -> fix
  CHECK_EQ(Show(changes), (Shown{"f:0", "i:1", "x:0"}));
  CHECK(map.Normalize(U"e\u0301x", &changes));  // a grapheme of 3 bytes, looked up whole
  CHECK_EQ(Show(changes), (Shown{"U+00E9:-1", "x:0"}));
  // HF's own test: ™ -> TM then \x1e removed: the removal lands on M (+1 - 1 = 0).
  CHECK(map.Normalize(U"\u2122\u001Eg", &changes));
  CHECK_EQ(Show(changes), (Shown{"T:0", "M:0", "g:0"}));
  // A removal with nothing before it records nothing.
  CHECK(map.Normalize(U"\u001Eg", &changes));
  CHECK_EQ(Show(changes), (Shown{"g:0"}));
  CHECK(map.Normalize(U"b\u001E\u001Eg", &changes));
  CHECK_EQ(Show(changes), (Shown{"b:-2", "g:0"}));
}

TEST("precompiled", "nothing applies: false (HF keeps the alignments), the list is the identity") {
  const PrecompiledCharsMap map = Map();
  Transformations changes;
  CHECK(!map.Normalize(U"xyz \u00E9", &changes));
  CHECK_EQ(Show(changes), (Shown{"x:0", "y:0", "z:0", " :0", "U+00E9:0"}));
  CHECK(!map.Normalize(U"", &changes));
  CHECK(changes.empty());
}

TEST("precompiled", "graphemes: under 6 bytes looked up whole (even by a shorter key), else character by character") {
  const PrecompiledCharsMap map = Map();
  Transformations changes;
  // a + U+0301 + U+0302 (5 bytes): the key "a" replaces the whole cluster, marks and all.
  CHECK(map.Normalize(U"a\u0301\u0302", &changes));
  CHECK_EQ(Show(changes), (Shown{"A:-2"}));
  // a + three marks (7 bytes): each character alone, so the marks stay.
  CHECK(map.Normalize(U"a\u0301\u0302\u0303", &changes));
  CHECK_EQ(Show(changes), (Shown{"A:0", "U+0301:0", "U+0302:0", "U+0303:0"}));
  // e + U+0301 + U+0301 (5 bytes): "e\u0301" prefixes the cluster, so the second mark goes too.
  CHECK(map.Normalize(U"e\u0301\u0301", &changes));
  CHECK_EQ(Show(changes), (Shown{"U+00E9:-2"}));
}

TEST("precompiled", "corrupt charsmaps are refused with kInvalidModel") {
  const std::string good = CharsMapBuilder(kRules).Blob();
  CHECK_THROWS(PrecompiledCharsMap(std::string("\x08\x00", 2)), ErrorCode::kInvalidModel, "shorter");
  CHECK_THROWS(PrecompiledCharsMap(std::string("\x00\x00\x00\x00", 4)), ErrorCode::kInvalidModel, "empty");
  std::string longer = good;
  longer[3] = '\x7F';  // trie size far past the blob
  CHECK_THROWS(PrecompiledCharsMap(longer), ErrorCode::kInvalidModel, "longer");
  CHECK_THROWS(PrecompiledCharsMap(good + "\xFF"), ErrorCode::kInvalidModel, "UTF-8");
  {
    CharsMapBuilder builder(kRules);
    for (uint32_t& unit : builder.units()) {
      if (unit & 0x80000000u) unit = 0x80000000u | 0x7FFFFFu;  // values far past the strings
    }
    CHECK_THROWS(PrecompiledCharsMap(builder.Blob()), ErrorCode::kInvalidModel, "replacement");
  }
  {
    CharsMapBuilder builder(std::map<std::string, std::string>{{"a", "\xC3\xA9"}});
    for (uint32_t& unit : builder.units()) {
      if (unit & 0x80000000u) unit += 1;  // into the middle of é
    }
    CHECK_THROWS(PrecompiledCharsMap(builder.Blob()), ErrorCode::kInvalidModel, "replacement");
  }
  {
    CharsMapBuilder builder(std::map<std::string, std::string>{{"a", "A"}});
    builder.units()[0] = 0x3FFFFFu << 10 | 1u << 9;  // root offset far outside: no key is reachable
    std::string_view replacement;
    CHECK(!PrecompiledCharsMap(builder.Blob()).Transform("a", &replacement));
  }
  CHECK_THROWS(PrecompiledCharsMap::FromBase64("abc"), ErrorCode::kInvalidModel, "base64");
  CHECK_THROWS(PrecompiledCharsMap::FromBase64("ab=c"), ErrorCode::kInvalidModel, "base64");
  CHECK_THROWS(PrecompiledCharsMap::FromBase64("ab!c"), ErrorCode::kInvalidModel, "base64");
  CHECK_THROWS(PrecompiledCharsMap::FromBase64("AB=="), ErrorCode::kInvalidModel, "canonical");
}

TEST("precompiled", "random blobs: refused or usable, never out of bounds") {
  uint32_t state = 2463534242u;
  const auto next = [&] {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
  };
  const std::u32string text = U"a\u0301b\u2122\u001E\uFB01 \U0001F468\u200D\U0001F469 xyz\u00E9";
  size_t usable = 0;
  for (int round = 0; round < 1000; ++round) {
    std::string blob = round % 2 ? CharsMapBuilder(kRules).Blob() : std::string(8 + next() % 2000, '\0');
    const size_t flips = round % 2 ? 1 + next() % 8 : blob.size();
    for (size_t k = 0; k < flips; ++k) blob[(round % 2 ? next() : k) % blob.size()] = static_cast<char>(next());
    if (round % 2 == 0) {  // a plausible header
      const uint32_t units = next() % ((blob.size() - 4) / 4 + 1);
      for (int b = 0; b < 4; ++b) blob[b] = static_cast<char>((units * 4) >> (8 * b));
    }
    try {
      const PrecompiledCharsMap map(blob);
      Transformations changes;
      map.Normalize(text, &changes);
      ++usable;
    } catch (const Error& error) {
      CHECK(error.code() == ErrorCode::kInvalidModel);
    }
  }
  CHECK(usable > 0);
}

}  // namespace
}  // namespace nn
