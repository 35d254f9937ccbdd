// A redaction policy: which detections are rewritten and how. Built by the addon from options lib/redaction.ts has
// checked (docs/api.md "Redaction"), shared read-only by every thread of the call.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "core/redaction/operator.h"
#include "core/redaction/pseudonyms.h"

namespace nn::redaction {

// How far one pseudonym numbering reaches.
enum class PseudonymScope {
  kText,    // numbers restart with each text
  kCall,    // shared by the texts of one call, numbered in text order
  kShared,  // the caller's table (shared_pseudonyms), across calls
};

struct Policy {
  std::unordered_map<std::string, Operator> operators;  // by label
  Operator fallback;                                    // every other label
  std::unordered_map<std::string, float> min_scores;   // by label: detections scoring less are left as they are
  std::unordered_set<std::u16string> allow;             // values never rewritten (exact match)
  std::string hash_key;                                 // raw bytes; empty: the hash operator is refused
  std::string encrypt_key;                              // raw bytes; empty: the encrypt operator is refused
  PseudonymScope pseudonyms = PseudonymScope::kText;
  std::shared_ptr<PseudonymTable> shared_pseudonyms;   // kShared only

  const Operator& For(const std::string& label) const {
    auto it = operators.find(label);
    return it == operators.end() ? fallback : it->second;
  }
};

}  // namespace nn::redaction
