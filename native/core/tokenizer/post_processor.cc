#include "core/tokenizer/post_processor.h"

#include <utility>

#include "core/tokenizer/encoding_builder.h"

namespace nn {

PostProcessor::PostProcessor(std::vector<SpecialToken> prefix, std::vector<SpecialToken> suffix,
                             int32_t sequence_type_id)
    : prefix_(std::move(prefix)), suffix_(std::move(suffix)), sequence_type_id_(sequence_type_id) {
  for (const SpecialToken& token : prefix_) prefix_ids_.push_back(token.id);
  for (const SpecialToken& token : suffix_) suffix_ids_.push_back(token.id);
}

void PostProcessor::Append(const std::vector<SpecialToken>& tokens, Encoding* out) {
  for (const SpecialToken& token : tokens) AppendToken(out, token.id, 0, 0, -1, 1);
}

void PostProcessor::AssignTypeIds(Encoding* out, bool with_special_tokens) const {
  const size_t size = out->size();
  out->type_ids.assign(size, sequence_type_id_);
  if (!with_special_tokens) return;
  // Both prefix and suffix were appended, so size >= prefix_.size() + suffix_.size().
  for (size_t i = 0; i < prefix_.size(); ++i) out->type_ids[i] = prefix_[i].type_id;
  for (size_t i = 0; i < suffix_.size(); ++i) out->type_ids[size - suffix_.size() + i] = suffix_[i].type_id;
}

}  // namespace nn
