// A tokenizer with the semantics of a Hugging Face `tokenizer.json`, exact to the `tokenizers` library (ids
// and offsets): WordPiece (BERT), BPE (byte-level BPE as in GPT-2/RoBERTa) and Unigram (SentencePiece, as in
// XLM-R) models, with the normalizers, pre-tokenizers, post-processors and added tokens tokenizer_config.h reads.
// Input is UTF-16 (JavaScript strings, copied once by the addon); every offset is in UTF-16 code units of that
// input, so results map straight back to JS string indices.
//
// A Tokenizer is immutable after loading and shared read-only by all threads; per-call state lives
// in the caller's Encoding, which can be reused across calls to avoid allocations.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nn {

namespace json {
class Value;
}

struct Encoding {
  std::vector<int32_t> ids;
  std::vector<int32_t> type_ids;
  std::vector<uint32_t> starts;  // UTF-16 offset of the token's first unit in the input; 0 for post-processor tokens
  std::vector<uint32_t> ends;    // one past the last unit; 0 for post-processor tokens
  std::vector<uint8_t> special;  // 1 for tokens added by the post-processor ([CLS], [SEP]); 0 otherwise,
                                 // also for added tokens such as "[SEP]" found in the text (as in HF)
  std::vector<int32_t> word_ids; // index of the pre-tokenized word a token came from (an added token found in
                                 // the text is a word of its own); -1 for post-processor tokens

  void clear();
  size_t size() const { return ids.size(); }
};

class Tokenizer {
 public:
  // Throws nn::Error: kModelNotFound if the file is missing, kInvalidModel if it is not a supported tokenizer.json
  // (the message names the unsupported feature) or is malformed.
  static std::unique_ptr<Tokenizer> FromFile(const std::string& path);
  static std::unique_ptr<Tokenizer> FromJson(std::string_view json_text, const std::string& source);
  // From tokenizer.json already parsed (and perhaps adjusted: tokenizer_class.h); `source` names it in errors.
  static std::unique_ptr<Tokenizer> FromDocument(const json::Value& root, const std::string& source);
  virtual ~Tokenizer() = default;

  // Tokenizes `text`. With add_special_tokens the single-sequence template is applied ([CLS] ... [SEP],
  // <s> ... </s>).
  // Never throws for any input (lone surrogates, NULs, huge texts included); `out` is cleared first.
  virtual void Encode(std::u16string_view text, Encoding* out, bool add_special_tokens = true) const = 0;

  // The ids the single-sequence template puts before and after the text, e.g. {[CLS]} and {[SEP]},
  // so a caller that splits a long text into windows can wrap each window itself.
  virtual const std::vector<int32_t>& prefix_ids() const = 0;
  virtual const std::vector<int32_t>& suffix_ids() const = 0;
  // How many tokens the template adds around a text (2 for [CLS] ... [SEP]).
  size_t template_size() const { return prefix_ids().size() + suffix_ids().size(); }

  virtual size_t vocab_size() const = 0;  // the model's vocabulary plus added tokens it lacks (HF's, with added)
  virtual int32_t unk_id() const = 0;     // the model's unknown token; -1 when it has none (BPE may not)
  virtual int32_t pad_id() const = 0;     // id of "[PAD]", else of "<pad>", else 0
  // The model's type in tokenizer.json: "WordPiece", "BPE" or "Unigram".
  virtual const std::string& model_type() const = 0;
  // What marks a token that continues a word: "##" for WordPiece; "" for BPE without one (byte-level BPE)
  // and for models that have none, where word boundaries come from the tokens' text instead.
  virtual const std::string& continuing_subword_prefix() const = 0;
  virtual std::string IdToToken(int32_t id) const = 0;          // "" for out-of-range ids
  virtual int32_t TokenToId(std::string_view token) const = 0;  // -1 when absent
};

}  // namespace nn
