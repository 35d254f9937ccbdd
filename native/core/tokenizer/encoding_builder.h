// The one place tokens are appended to an Encoding (type ids are filled in by the post-processor).
#pragma once

#include <cstdint>

#include "core/tokenizer/tokenizer.h"

namespace nn {

inline void AppendToken(Encoding* out, int32_t id, uint32_t start, uint32_t end, int32_t word_id, uint8_t special) {
  out->ids.push_back(id);
  out->starts.push_back(start);
  out->ends.push_back(end);
  out->word_ids.push_back(word_id);
  out->special.push_back(special);
}

}  // namespace nn
