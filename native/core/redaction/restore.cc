#include "core/redaction/restore.h"

#include "core/error.h"
#include "core/redaction/keyed.h"
#include "core/util/utf.h"

namespace nn::redaction {
namespace {

constexpr std::u16string_view kMarker = u":enc:";
constexpr size_t kMaxLabelUnits = 256;  // longer labels are not read as placeholders

bool IsLabelChar(char16_t c) { return c != u'<' && c != u'>' && c != u' ' && c != u'\t' && c != u'\n' && c != u'\r'; }

// The placeholder at text[at] ('<'): sets *label, *token and *end (one past '>') when there is one.
bool ReadPlaceholder(std::u16string_view text, size_t at, std::u16string_view* label, std::u16string_view* token,
                     size_t* end) {
  // Bounded, so a text full of '<' is still read in linear time.
  size_t marker = std::u16string_view::npos;
  for (size_t i = at + 1; i < text.size() && i <= at + kMaxLabelUnits; ++i) {
    if (text.compare(i, kMarker.size(), kMarker) == 0) {
      marker = i;
      break;
    }
    if (!IsLabelChar(text[i])) return false;
  }
  if (marker == std::u16string_view::npos || marker == at + 1) return false;
  size_t i = marker + kMarker.size();
  const size_t token_start = i;
  while (i < text.size() && IsTokenChar(text[i])) ++i;
  if (i == token_start || i >= text.size() || text[i] != u'>') return false;
  *label = text.substr(at + 1, marker - at - 1);
  *token = text.substr(token_start, i - token_start);
  *end = i + 1;
  return true;
}

}  // namespace

std::u16string Restore(std::u16string_view text, std::string_view key) {
  if (key.size() != kEncryptKeyBytes) {
    throw Error(ErrorCode::kInvalidArgument, "the key must be the 32-byte encrypt key, got " + std::to_string(key.size()) + " bytes");
  }
  std::u16string out;
  out.reserve(text.size());
  size_t copied = 0;
  for (size_t at = text.find(u'<'); at != std::u16string_view::npos; at = text.find(u'<', at + 1)) {
    std::u16string_view label, token;
    size_t end;
    if (!ReadPlaceholder(text, at, &label, &token, &end)) continue;
    const std::optional<std::string> value = Open(key, utf::Utf16ToUtf8(label), utf::Utf16ToUtf8(token));
    if (!value) {
      throw Error(ErrorCode::kInvalidArgument, "the encrypted value at offset " + std::to_string(at) +
                                                   " does not open under this key: the key is wrong or the text was altered");
    }
    out.append(text.substr(copied, at - copied));
    out.append(utf::Utf8ToUtf16(*value));
    copied = end;
    at = end - 1;
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace nn::redaction
