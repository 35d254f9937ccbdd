// UTF-16 / UTF-8 conversions and UTF-8 validation shared by the JSON reader, the tokenizer stages and the engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nn::utf {

constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes the code point starting at text[i] and stores its length in units (1 or 2) in *units.
// A lone surrogate decodes as U+FFFD, which is what a JS string with one becomes on its way into the
// Rust library (through N-API's UTF-8 conversion), so HF sees the same thing.
inline char32_t DecodeUtf16(std::u16string_view text, size_t i, size_t* units) {
  const char16_t unit = text[i];
  if (unit < 0xD800 || unit > 0xDFFF) {
    *units = 1;
    return unit;
  }
  if (unit <= 0xDBFF && i + 1 < text.size()) {
    const char16_t next = text[i + 1];
    if (next >= 0xDC00 && next <= 0xDFFF) {
      *units = 2;
      return 0x10000 + ((static_cast<char32_t>(unit) - 0xD800) << 10) + (next - 0xDC00);
    }
  }
  *units = 1;
  return kReplacementChar;
}

inline void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

inline void AppendUtf16(char32_t c, std::u16string* out) {
  if (c < 0x10000) {
    out->push_back(static_cast<char16_t>(c));
  } else {
    c -= 0x10000;
    out->push_back(static_cast<char16_t>(0xD800 + (c >> 10)));
    out->push_back(static_cast<char16_t>(0xDC00 + (c & 0x3FF)));
  }
}

// Whether `text` is well-formed UTF-8 (what Rust's String accepts): no stray or missing continuation bytes, no
// overlong forms, no surrogates (U+D800..U+DFFF), nothing past U+10FFFF.
inline bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    // 0x80..0xC1 (continuations, overlong 2-byte leads) and 0xF5.. never start a character.
    const size_t length = lead < 0xC2 ? 0 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : lead < 0xF5 ? 4 : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    // The lead alone cannot rule out overlong 3/4-byte forms, surrogates and code points past U+10FFFF.
    const unsigned char second = static_cast<unsigned char>(text[i + 1]);
    if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second >= 0xA0) || (lead == 0xF0 && second < 0x90) ||
        (lead == 0xF4 && second >= 0x90)) {
      return false;
    }
    i += length;
  }
  return true;
}

// Converts UTF-8 to UTF-16; each invalid byte becomes U+FFFD. With `unit_bytes`, also records the byte offset
// where each UTF-16 unit's code point starts, plus one final entry for the end (text.size()).
inline std::u16string Utf8ToUtf16(std::string_view text, std::vector<uint32_t>* unit_bytes = nullptr) {
  std::u16string out;
  out.reserve(text.size());
  if (unit_bytes) {
    unit_bytes->clear();
    unit_bytes->reserve(text.size() + 1);
  }
  // Every unit just appended (one, or two for a surrogate pair) starts at byte `byte`.
  auto record = [&](size_t byte) {
    if (unit_bytes) unit_bytes->resize(out.size(), static_cast<uint32_t>(byte));
  };
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || i + length > text.size()) {
      out.push_back(static_cast<char16_t>(kReplacementChar));
      record(i);
      ++i;
      continue;
    }
    char32_t c = length == 1 ? lead : length == 2 ? (lead & 0x1F) : length == 3 ? (lead & 0x0F) : (lead & 0x07);
    bool valid = true;
    for (size_t k = 1; k < length; ++k) {
      const unsigned char cont = static_cast<unsigned char>(text[i + k]);
      if ((cont & 0xC0) != 0x80) valid = false;
      c = (c << 6) | (cont & 0x3F);
    }
    if (!valid) {
      out.push_back(static_cast<char16_t>(kReplacementChar));
      record(i);
      ++i;
      continue;
    }
    AppendUtf16(c, &out);
    record(i);
    i += length;
  }
  if (unit_bytes) unit_bytes->push_back(static_cast<uint32_t>(text.size()));
  return out;
}

// Converts UTF-16 to UTF-8, a lone surrogate as U+FFFD (DecodeUtf16).
inline std::string Utf16ToUtf8(std::u16string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t units;
    AppendUtf8(DecodeUtf16(text, i, &units), &out);
    i += units;
  }
  return out;
}

// Appends the code points of `text` to *out, a lone surrogate as U+FFFD (DecodeUtf16).
inline void AppendCodePoints(std::u16string_view text, std::u32string* out) {
  for (size_t i = 0; i < text.size();) {
    size_t units;
    out->push_back(DecodeUtf16(text, i, &units));
    i += units;
  }
}

// The code points of UTF-8 `text`, each invalid byte as U+FFFD (Utf8ToUtf16).
inline std::u32string Utf8ToCodePoints(std::string_view text) {
  std::u32string out;
  AppendCodePoints(Utf8ToUtf16(text), &out);
  return out;
}

}  // namespace nn::utf
