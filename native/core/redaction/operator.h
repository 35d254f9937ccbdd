// What a redaction does to one detected value: the operator and its parameters, as the caller configured them per
// label. lib/redaction.ts checks every parameter (docs/api.md "Redaction"); the core trusts them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace nn::redaction {

enum class OperatorKind : uint8_t {
  kReplace,    // a fixed text: the given one, else "<LABEL>"
  kMask,       // every grapheme cluster becomes mask_char, except the last keep_last
  kRemove,     // nothing
  kHash,       // "<LABEL:hex>": HMAC-SHA256 of the value's UTF-8 under the hash key, hash_length hex digits
  kPseudonym,  // "<LABEL_n>": n numbers the distinct values of the label, from 1, in order of appearance
  kEncrypt,    // "<LABEL:enc:token>": AES-256-GCM under the encrypt key, the label authenticated (restore.h)
  kKeep,       // the value itself: reported, not rewritten
};

// The operator's name as the API spells it ("replace", "mask", ...); its position is the kind's value.
const char* OperatorName(OperatorKind kind);

struct Operator {
  OperatorKind kind = OperatorKind::kReplace;
  std::optional<std::u16string> replacement;  // kReplace only; unset: "<LABEL>"
  char32_t mask_char = U'*';                  // kMask only
  uint32_t keep_last = 0;                     // kMask only
  uint32_t hash_length = 16;                  // kHash only: 8 to 64 hex digits
};

}  // namespace nn::redaction
