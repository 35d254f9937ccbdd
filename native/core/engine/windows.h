// Splitting a text's tokens into model windows. A text longer than the model window is cut into windows that
// overlap by `stride` tokens, each wrapped in the tokenizer's template ([CLS] ... [SEP]), exactly as Hugging
// Face tokenizers' truncation with return_overflowing_tokens does for the token-classification pipeline.
#pragma once

#include <cstddef>
#include <vector>

#include "core/tokenizer/tokenizer.h"

namespace nn {

// How many windows SplitIntoWindows cuts a text of `tokens` bare tokens into: none for a text without tokens
// (empty, blank, or only characters the normalizer drops: it can hold no entity, so it costs no model work).
size_t CountWindows(size_t tokens, const Tokenizer& tokenizer, size_t max_tokens, size_t stride);

// `bare` is the text's encoding without template tokens. Appends one encoding per window to `windows` (one
// window when the text fits, none when it has no tokens) and, when `begins` is given, the index in `bare` of each window's first text
// token. `max_tokens` counts the template tokens; the caller guarantees stride < max_tokens - template tokens.
void SplitIntoWindows(const Encoding& bare, const Tokenizer& tokenizer, size_t max_tokens, size_t stride,
                      std::vector<Encoding>* windows, std::vector<size_t>* begins = nullptr);

}  // namespace nn
