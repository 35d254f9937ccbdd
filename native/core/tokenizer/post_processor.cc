#include "core/tokenizer/post_processor.h"

#include <algorithm>
#include <utility>

#include "core/tokenizer/encoding_builder.h"
#include "core/util/utf.h"

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

void PostProcessor::TrimToken(std::u16string_view text, uint32_t leading, uint32_t trailing, size_t index,
                              size_t prefix_added, uint32_t* start, uint32_t* end) const {
  if (leading == 0 && trailing == 0) return;
  const auto units_before = [&](uint32_t i) -> uint32_t {
    return (i >= 2 && text[i - 1] >= 0xDC00 && text[i - 1] <= 0xDFFF && text[i - 2] >= 0xD800 && text[i - 2] <= 0xDBFF)
               ? 2
               : 1;
  };
  for (const TrimPass& pass : trims_) {
    const size_t i = pass.after_specials ? index + prefix_added : index;
    if (leading > 0) {
      uint32_t skip = leading;
      if ((i == 0 || *start == 0) && pass.add_prefix_space && leading == 1) skip = 0;  // the space it added itself
      // start = min(start + skip, end), in code points
      if (*start >= *end) {
        *start = *end;
      } else {
        for (uint32_t k = 0; k < skip && *start < *end; ++k) {
          size_t units = 1;
          if (*start < text.size()) utf::DecodeUtf16(text, *start, &units);
          *start += static_cast<uint32_t>(units);
        }
        if (*start > *end) *start = *end;
      }
    }
    if (trailing > 0) {
      // end = max(end - trailing, start) when end (in code points) >= trailing
      uint32_t position = std::min<uint32_t>(*end, static_cast<uint32_t>(text.size()));
      uint32_t k = 0;
      while (k < trailing && position > 0) {
        position -= units_before(position);
        ++k;
      }
      if (k == trailing && *end <= text.size()) *end = std::max(position, *start);
    }
  }
}

}  // namespace nn
