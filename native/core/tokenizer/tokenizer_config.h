// Reads a tokenizer.json into its stages. Everything unsupported or malformed throws nn::Error kInvalidModel
// naming the file and the feature (e.g. `unsupported tokenizer.json: pre_tokenizer "Digits"`).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/tokenizer/added_vocabulary.h"
#include "core/tokenizer/bpe.h"
#include "core/tokenizer/normalizer.h"
#include "core/tokenizer/pipeline_steps.h"
#include "core/tokenizer/post_processor.h"
#include "core/tokenizer/pre_tokenizer.h"
#include "core/tokenizer/string_table.h"
#include "core/tokenizer/unigram.h"
#include "core/tokenizer/wordpiece.h"
#include "core/util/json.h"

namespace nn {

struct TokenizerConfig {
  // The normalizer, one step per normalizer in the file, in order.
  std::vector<std::unique_ptr<NormalizerStep>> normalizer_steps;
  // When the normalizer is only BertNormalizer / Lowercase / NFD steps in BertNormalizer's order, the same as
  // one Normalizer (the WordPiece fast path's).
  bool normalizer_is_bert = true;
  NormalizerOptions bert_normalizer;

  std::vector<std::unique_ptr<PreTokenizerStep>> pre_tokenizer_steps;
  // When the pre-tokenizer is only BertPreTokenizer / WhitespaceSplit, the same as one PreTokenizer.
  bool pre_tokenizer_is_bert = true;
  bool split_on_whitespace = false;
  bool split_on_punctuation = false;

  std::string model_type;  // "WordPiece", "BPE", "Unigram" (the member that holds it is set)
  std::unique_ptr<WordPiece> wordpiece;
  std::unique_ptr<Bpe> bpe;
  std::unique_ptr<UnigramModel> unigram;
  StringTable unigram_vocab;  // piece -> id (the last id for a repeated piece, as HF's lookups)

  std::vector<AddedToken> added_tokens;
  PostProcessor post_processor;
};

TokenizerConfig ReadTokenizerConfig(const json::Value& root, const std::string& source);

}  // namespace nn
