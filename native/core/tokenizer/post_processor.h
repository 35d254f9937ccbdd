// The single-sequence part of TemplateProcessing / BertProcessing: special tokens before and after the
// sequence (offsets 0..0, special=1, word id -1) and the type ids of every token.
#pragma once

#include <cstdint>
#include <vector>

#include "core/tokenizer/tokenizer.h"

namespace nn {

class PostProcessor {
 public:
  struct SpecialToken {
    int32_t id;
    int32_t type_id;
  };

  PostProcessor() = default;  // no post-processor: nothing added, type ids 0
  PostProcessor(std::vector<SpecialToken> prefix, std::vector<SpecialToken> suffix, int32_t sequence_type_id);

  void AppendPrefix(Encoding* out) const { Append(prefix_, out); }
  void AppendSuffix(Encoding* out) const { Append(suffix_, out); }
  // Fills out->type_ids once all tokens are in; `with_special_tokens` says whether prefix/suffix were added.
  void AssignTypeIds(Encoding* out, bool with_special_tokens) const;

  const std::vector<int32_t>& prefix_ids() const { return prefix_ids_; }
  const std::vector<int32_t>& suffix_ids() const { return suffix_ids_; }

 private:
  static void Append(const std::vector<SpecialToken>& tokens, Encoding* out);

  std::vector<SpecialToken> prefix_;
  std::vector<SpecialToken> suffix_;
  std::vector<int32_t> prefix_ids_;
  std::vector<int32_t> suffix_ids_;
  int32_t sequence_type_id_ = 0;
};

}  // namespace nn
