// A tiny WordPiece tokenizer for the tests: whitespace words from a fixed vocabulary, [CLS] text [SEP].
#pragma once

#include <memory>

#include "core/tokenizer/tokenizer.h"

namespace nn::test {

// Vocabulary: [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, then a..h as 4..11, "new" 12, "york" 13, "john" 14, "lives" 15,
// "##s" 16.
inline std::unique_ptr<Tokenizer> TinyTokenizer() {
  return Tokenizer::FromJson(R"({
    "normalizer": {"type": "Lowercase"},
    "pre_tokenizer": {"type": "BertPreTokenizer"},
    "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
              "vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "a": 4, "b": 5, "c": 6, "d": 7, "e": 8,
                        "f": 9, "g": 10, "h": 11, "new": 12, "york": 13, "john": 14, "lives": 15, "##s": 16}},
    "post_processor": {"type": "BertProcessing", "cls": ["[CLS]", 2], "sep": ["[SEP]", 3]}
  })",
                             "tiny tokenizer.json");
}

}  // namespace nn::test
