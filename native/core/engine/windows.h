// Splitting a text's tokens into model windows. A text longer than the model window is cut into windows that
// overlap by `stride` tokens, each wrapped in the tokenizer's template ([CLS] ... [SEP]), exactly as Hugging
// Face tokenizers' truncation with return_overflowing_tokens does for the token-classification pipeline.
#pragma once

#include <cstddef>
#include <vector>

#include "core/tokenizer/tokenizer.h"

namespace nn {

// `bare` is the text's encoding without template tokens. Appends one encoding per window to `windows` (one
// window when the text fits) and, when `begins` is given, the index in `bare` of each window's first text
// token. `max_tokens` counts the template tokens; the caller guarantees stride < max_tokens - template tokens.
void SplitIntoWindows(const Encoding& bare, const Tokenizer& tokenizer, size_t max_tokens, size_t stride,
                      std::vector<Encoding>* windows, std::vector<size_t>* begins = nullptr);

}  // namespace nn
