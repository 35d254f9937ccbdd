// Extended grapheme clusters (UAX #29, rules GB1-GB999 with GB9c and GB11), exactly as the `unicode-segmentation`
// crate 1.13 (Unicode 17.0) that Hugging Face `tokenizers` 0.23 uses to split text for the Precompiled normalizer.
#pragma once

#include <cstddef>
#include <string_view>

namespace nn::unicode {

// The end (exclusive, in code points) of the extended grapheme cluster that starts at text[begin]; begin must be
// a cluster start (0 or a previous result) and < text.size(). Walking text from 0 this way gives the crate's
// `graphemes(true)`. Always > begin. Code points past U+10FFFF or surrogates are treated as Other.
size_t GraphemeClusterEnd(std::u32string_view text, size_t begin);

}  // namespace nn::unicode
