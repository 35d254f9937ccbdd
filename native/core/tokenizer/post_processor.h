// The single-sequence part of TemplateProcessing / BertProcessing / RobertaProcessing (and a Sequence of
// them with ByteLevel): special tokens before and after the sequence (offsets 0..0, special=1, word id -1),
// the type ids of every token, and ByteLevel's offset trimming (trim_offsets).
#pragma once

#include <cstdint>
#include <string_view>
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

  // One trim_offsets pass (ByteLevel or RobertaProcessing): HF's process_offsets over every token.
  struct TrimPass {
    bool add_prefix_space;  // keep the single leading space of the first token
    bool after_specials;    // runs after the special tokens are in (a Sequence with ByteLevel after a template)
  };
  void AddTrimPass(TrimPass pass) { trims_.push_back(pass); }
  const std::vector<TrimPass>& trims() const { return trims_; }

  // Applies the trim passes to one text token: `leading` / `trailing` count the characters at its start /
  // end that are whitespace or 'Ġ' (U+0120); `index` is its position among the text tokens, `prefix_added`
  // how many special tokens precede them. Offsets move by whole code points of `text`, as HF's char offsets.
  void TrimToken(std::u16string_view text, uint32_t leading, uint32_t trailing, size_t index, size_t prefix_added,
                 uint32_t* start, uint32_t* end) const;

  const std::vector<int32_t>& prefix_ids() const { return prefix_ids_; }
  const std::vector<int32_t>& suffix_ids() const { return suffix_ids_; }

 private:
  static void Append(const std::vector<SpecialToken>& tokens, Encoding* out);

  std::vector<SpecialToken> prefix_;
  std::vector<SpecialToken> suffix_;
  std::vector<int32_t> prefix_ids_;
  std::vector<int32_t> suffix_ids_;
  int32_t sequence_type_id_ = 0;
  std::vector<TrimPass> trims_;
};

}  // namespace nn
