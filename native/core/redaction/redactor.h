// The redaction stage: rewrites each text's detections by a Policy and reports what it replaced. It runs after the
// model and the rules, on the engine's thread, over the entities of the call (engine/engine.cc).
//
// Per text: detections below their label's minimum score or whose value is allowed are left alone; the rest snap
// out to grapheme cluster boundaries; overlapping ones merge into one region led by the outermost (overlaps.h);
// each region is rewritten by its leader's operator. Detections whose operator is keep are reported where they
// touch no rewritten region, and never rewritten.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/decode/entity.h"
#include "core/redaction/policy.h"

namespace nn::redaction {

// Rewritten texts and their items, flattened: the items of text i are [offsets[i], offsets[i + 1]), in text order.
struct RedactedTexts {
  std::vector<std::u16string> texts;
  std::vector<uint32_t> offsets{0};
  std::vector<uint32_t> starts;      // in the input text (UTF-16)
  std::vector<uint32_t> ends;
  std::vector<uint32_t> new_starts;  // in the rewritten text
  std::vector<uint32_t> new_ends;
  std::vector<int32_t> labels;       // the leader's label id (the names the Redactor was given)
  std::vector<uint8_t> operators;    // OperatorKind
  std::vector<float> scores;         // the leader's
  std::vector<int32_t> sources;      // the leader's Entity::source

  size_t item_count() const { return starts.size(); }
};

class Redactor {
 public:
  // `label_names` names the entities' label ids; both must outlive the Redactor. Throws nn::Error
  // kInvalidArgument when an operator needs a key the policy lacks.
  Redactor(const Policy& policy, const std::vector<std::string>& label_names);

  // Appends the rewrite of `text` and its items to *out. `entities` are the text's, each within it.
  void Redact(std::u16string_view text, const std::vector<Entity>& entities, RedactedTexts* out);

 private:
  std::u16string Rewrite(const Operator& op, const std::string& label, std::u16string_view value,
                         PseudonymTable* pseudonyms) const;

  const Policy& policy_;
  const std::vector<std::string>& label_names_;
  std::unique_ptr<PseudonymTable> call_pseudonyms_;  // PseudonymScope::kCall
};

}  // namespace nn::redaction
