// Runs the stages tokenizer_config.h reads in HF's order:
//   added tokens on the raw text -> normalize each piece in between -> added tokens with
//   normalized=true -> pre-tokenize into words -> model -> post-processor.
// Two implementations: BERT's WordPiece with one Normalizer and PreTokenizer (the fast path, chunked), and
// the general pipeline for everything else (BPE, Unigram, and WordPiece with other stages).
#include "core/tokenizer/tokenizer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "core/error.h"
#include "core/tokenizer/added_vocabulary.h"
#include "core/tokenizer/bpe.h"
#include "core/tokenizer/encoding_builder.h"
#include "core/tokenizer/normalizer.h"
#include "core/tokenizer/pipeline_steps.h"
#include "core/tokenizer/post_processor.h"
#include "core/tokenizer/pre_tokenizer.h"
#include "core/tokenizer/string_table.h"
#include "core/tokenizer/tokenizer_config.h"
#include "core/tokenizer/transformations.h"
#include "core/tokenizer/unigram.h"
#include "core/tokenizer/unicode.h"
#include "core/tokenizer/wordpiece.h"
#include "core/util/json.h"
#include "core/util/utf.h"

namespace nn {

void Encoding::clear() {
  ids.clear();
  type_ids.clear();
  starts.clear();
  ends.clear();
  special.clear();
  word_ids.clear();
}

namespace {

// ---------------------------------------------------------------------------------------------------------
// Encoding

// Ids and names of every token: the model's vocabulary and the added tokens (which win, as in HF).
class TokenNames {
 public:
  TokenNames(const StringTable& vocab, const std::vector<AddedToken>& added) {
    size_t max_id = 0;
    vocab.ForEach([&](std::string_view, int32_t id) { max_id = std::max(max_id, size_t(id)); });
    id_to_token_.resize(max_id + 1);
    vocab.ForEach([&](std::string_view token, int32_t id) { id_to_token_[id] = std::string(token); });
    vocab_size_ = vocab.size();
    for (const AddedToken& token : added) {
      added_ids_.Insert(token.content, token.id);
      added_names_.emplace_back(token.id, token.content);
      if (vocab.Find(token.content) < 0) ++vocab_size_;
    }
    vocab_ = &vocab;
    const int32_t pad = TokenToId("[PAD]");
    pad_id_ = pad >= 0 ? pad : std::max(TokenToId("<pad>"), 0);
  }

  std::string IdToToken(int32_t id) const {
    for (const auto& added : added_names_) {
      if (added.first == id) return added.second;
    }
    if (id < 0 || static_cast<size_t>(id) >= id_to_token_.size()) return "";
    return id_to_token_[id];
  }
  int32_t TokenToId(std::string_view token) const {
    const int32_t added = added_ids_.Find(token);
    return added >= 0 ? added : vocab_->Find(token);
  }
  size_t vocab_size() const { return vocab_size_; }
  int32_t pad_id() const { return pad_id_; }
  const std::vector<std::string>& model_names() const { return id_to_token_; }

 private:
  const StringTable* vocab_ = nullptr;  // owned by the model, which outlives this
  StringTable added_ids_;
  std::vector<std::pair<int32_t, std::string>> added_names_;
  std::vector<std::string> id_to_token_;
  size_t vocab_size_ = 0;
  int32_t pad_id_ = 0;
};

// Per-thread buffers reused across calls, so steady-state encoding allocates only when the caller's
// Encoding has to grow.
struct EncodeScratch {
  NormalizedText normalized;
  std::vector<TextSegment> raw_segments;
  std::vector<TextSegment> normalized_segments;
  std::vector<CharRange> words;

  // After an unusually large input, give the memory back instead of keeping it per thread forever.
  void Trim() {
    constexpr size_t kKeepChars = 1 << 16;
    if (normalized.chars.capacity() > kKeepChars) normalized = NormalizedText();
    if (raw_segments.capacity() > kKeepChars) raw_segments = std::vector<TextSegment>();
    if (normalized_segments.capacity() > kKeepChars) normalized_segments = std::vector<TextSegment>();
    if (words.capacity() > kKeepChars) words = std::vector<CharRange>();
  }
};

// Texts are normalized in chunks of about this many UTF-16 units, cut at ASCII spaces (see EncodePiece).
constexpr size_t kChunkUnits = 1 << 14;

class BertWordPieceTokenizer final : public Tokenizer {
 public:
  BertWordPieceTokenizer(Normalizer normalizer, PreTokenizer pre_tokenizer, WordPiece model,
                         std::vector<AddedToken> added_tokens, PostProcessor post_processor)
      : normalizer_(normalizer),
        pre_tokenizer_(pre_tokenizer),
        model_(std::move(model)),
        added_vocabulary_(std::move(added_tokens),
                          [this](std::u16string_view text, NormalizedText* out) {
                            normalizer_.Normalize(text, 0, text.size(), out);
                          }),
        post_processor_(std::move(post_processor)),
        names_(model_.vocab(), added_vocabulary_.tokens()) {
    // Cutting the text at spaces is invisible only if spaces always end words and no added token can
    // match across them.
    can_chunk_ = pre_tokenizer_.splits_on_whitespace() && !added_vocabulary_.has_normalized_tokens();
  }

  void Encode(std::u16string_view text, Encoding* out, bool add_special_tokens) const override {
    out->clear();
    // Offsets are 32-bit; JavaScript strings never get near this.
    if (text.size() > std::numeric_limits<uint32_t>::max()) text = text.substr(0, std::numeric_limits<uint32_t>::max());
    static thread_local EncodeScratch scratch;
    if (add_special_tokens) post_processor_.AppendPrefix(out);
    int32_t word_id = 0;
    scratch.raw_segments.clear();
    added_vocabulary_.SplitRaw(text, &scratch.raw_segments);
    for (const TextSegment& segment : scratch.raw_segments) {
      if (segment.token_id >= 0) {
        AppendToken(out, segment.token_id, segment.begin, segment.end, word_id++, 0);
      } else {
        EncodePiece(text, segment.begin, segment.end, &word_id, out, &scratch);
      }
    }
    if (add_special_tokens) post_processor_.AppendSuffix(out);
    post_processor_.AssignTypeIds(out, add_special_tokens);
    scratch.Trim();
  }

  const std::vector<int32_t>& prefix_ids() const override { return post_processor_.prefix_ids(); }
  const std::vector<int32_t>& suffix_ids() const override { return post_processor_.suffix_ids(); }
  size_t vocab_size() const override { return names_.vocab_size(); }
  int32_t unk_id() const override { return model_.unk_id(); }
  int32_t pad_id() const override { return names_.pad_id(); }
  const std::string& model_type() const override { return kModelType; }
  const std::string& continuing_subword_prefix() const override { return model_.continuing_subword_prefix(); }
  std::string IdToToken(int32_t id) const override { return names_.IdToToken(id); }
  int32_t TokenToId(std::string_view token) const override { return names_.TokenToId(token); }

 private:
  // Text between raw added tokens: normalized, split on normalized added tokens, pre-tokenized and
  // tokenized. Long pieces are handled in chunks cut at ASCII spaces when that cannot change the
  // result (a space survives every normalizer step and always ends a word), which keeps the scratch
  // buffers small for huge texts.
  void EncodePiece(std::u16string_view text, size_t begin, size_t end, int32_t* word_id, Encoding* out,
                   EncodeScratch* scratch) const {
    while (begin < end) {
      size_t chunk_end = end;
      if (can_chunk_ && end - begin > kChunkUnits) {
        const size_t space = text.find(u' ', begin + kChunkUnits);
        if (space < end) chunk_end = space;
      }
      EncodeNormalized(text, begin, chunk_end, word_id, out, scratch);
      begin = chunk_end;
    }
  }

  void EncodeNormalized(std::u16string_view text, size_t begin, size_t end, int32_t* word_id, Encoding* out,
                        EncodeScratch* scratch) const {
    NormalizedText& normalized = scratch->normalized;
    normalized.clear();
    normalizer_.Normalize(text, begin, end, &normalized);
    const CharRange all{0, static_cast<uint32_t>(normalized.chars.size())};
    if (!added_vocabulary_.has_normalized_tokens()) {
      TokenizeWords(all, word_id, out, scratch);
      return;
    }
    scratch->normalized_segments.clear();
    added_vocabulary_.SplitNormalized(normalized, all, &scratch->normalized_segments);
    for (const TextSegment& segment : scratch->normalized_segments) {
      if (segment.token_id >= 0) {
        AppendToken(out, segment.token_id, normalized.chars[segment.begin].start,
                    normalized.chars[segment.end - 1].end, (*word_id)++, 0);
      } else {
        TokenizeWords(CharRange{segment.begin, segment.end}, word_id, out, scratch);
      }
    }
  }

  void TokenizeWords(CharRange range, int32_t* word_id, Encoding* out, EncodeScratch* scratch) const {
    scratch->words.clear();
    pre_tokenizer_.Split(scratch->normalized, range, &scratch->words);
    for (const CharRange& word : scratch->words) model_.Tokenize(scratch->normalized, word, (*word_id)++, out);
  }

  Normalizer normalizer_;
  PreTokenizer pre_tokenizer_;
  WordPiece model_;
  AddedVocabulary added_vocabulary_;
  PostProcessor post_processor_;
  TokenNames names_;
  bool can_chunk_ = false;
  inline static const std::string kModelType = "WordPiece";
};


// ---------------------------------------------------------------------------------------------------------
// The general pipeline

struct PipelineScratch {
  NormalizedText normalized;
  NormalizedText spare_normalized;
  PreTokenized words;
  PreTokenized spare_words;
  std::vector<TextSegment> raw_segments;
  std::vector<TextSegment> normalized_segments;
  std::vector<ModelPiece> pieces;
  std::vector<UnigramPiece> unigram_pieces;

  void Trim() {
    constexpr size_t kKeepChars = 1 << 16;
    for (NormalizedText* text : {&normalized, &spare_normalized, &words.text, &spare_words.text}) {
      if (text->chars.capacity() > kKeepChars) *text = NormalizedText();
    }
    for (PreTokenized* state : {&words, &spare_words}) {
      if (state->words.capacity() > kKeepChars) state->words = std::vector<CharRange>();
    }
    if (raw_segments.capacity() > kKeepChars) raw_segments = std::vector<TextSegment>();
    if (normalized_segments.capacity() > kKeepChars) normalized_segments = std::vector<TextSegment>();
    if (pieces.capacity() > kKeepChars) pieces = std::vector<ModelPiece>();
  }
};

// Writes the UTF-8 form of `c` (a Unicode scalar value) at `out`; returns its length.
inline uint32_t WriteUtf8(char32_t c, char* out) {
  if (c < 0x80) {
    out[0] = static_cast<char>(c);
    return 1;
  }
  if (c < 0x800) {
    out[0] = static_cast<char>(0xC0 | (c >> 6));
    out[1] = static_cast<char>(0x80 | (c & 0x3F));
    return 2;
  }
  if (c < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (c >> 12));
    out[1] = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (c & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (c >> 18));
  out[1] = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (c & 0x3F));
  return 4;
}

// What trim_offsets counts at either end of a token: whitespace and 'Ġ' (the ByteLevel space).
bool IsTrimmable(char32_t c) { return c == 0x120 || unicode::IsWhitespace(c); }

template <typename CodePoints>
std::pair<uint32_t, uint32_t> TrimCounts(const CodePoints& chars) {
  uint32_t leading = 0;
  while (leading < chars.size() && IsTrimmable(chars[leading])) ++leading;
  uint32_t trailing = 0;
  while (trailing < chars.size() && IsTrimmable(chars[chars.size() - 1 - trailing])) ++trailing;
  return {leading, trailing};
}

class PipelineTokenizer final : public Tokenizer {
 public:
  explicit PipelineTokenizer(TokenizerConfig config)
      : normalizer_steps_(std::move(config.normalizer_steps)),
        pre_tokenizer_steps_(std::move(config.pre_tokenizer_steps)),
        model_type_(std::move(config.model_type)),
        wordpiece_(std::move(config.wordpiece)),
        bpe_(std::move(config.bpe)),
        unigram_(std::move(config.unigram)),
        unigram_vocab_(std::move(config.unigram_vocab)),
        added_vocabulary_(std::move(config.added_tokens),
                          [this](std::u16string_view text, NormalizedText* out) {
                            NormalizedText spare;
                            Normalize(text, 0, text.size(), out, &spare);
                          }),
        post_processor_(std::move(config.post_processor)),
        names_(wordpiece_ ? wordpiece_->vocab() : bpe_ ? bpe_->vocab() : unigram_vocab_, added_vocabulary_.tokens()) {
    if (!post_processor_.trims().empty()) {
      // HF trims by the token's text: the vocabulary entry for model tokens.
      const std::vector<std::string>& model_names = names_.model_names();
      trim_counts_.resize(model_names.size());
      for (size_t id = 0; id < model_names.size(); ++id) {
        trim_counts_[id] = TrimCounts(utf::Utf8ToCodePoints(model_names[id]));
      }
    }
  }

  void Encode(std::u16string_view text, Encoding* out, bool add_special_tokens) const override {
    out->clear();
    if (text.size() > std::numeric_limits<uint32_t>::max()) text = text.substr(0, std::numeric_limits<uint32_t>::max());
    static thread_local PipelineScratch scratch;
    Call call{text, out, add_special_tokens ? post_processor_.prefix_ids().size() : 0, 0};
    if (add_special_tokens) post_processor_.AppendPrefix(out);
    scratch.raw_segments.clear();
    added_vocabulary_.SplitRaw(text, &scratch.raw_segments);
    for (const TextSegment& segment : scratch.raw_segments) {
      if (segment.token_id >= 0) {
        std::u32string value;  // the token's text as HF sees it: the matched input, stripped spaces included
        utf::AppendCodePoints(text.substr(segment.begin, segment.end - segment.begin), &value);
        AppendTextToken(&call, segment.token_id, segment.begin, segment.end, TrimCounts(value));
      } else {
        EncodePiece(&call, segment.begin, segment.end, &scratch);
      }
    }
    if (add_special_tokens) post_processor_.AppendSuffix(out);
    post_processor_.AssignTypeIds(out, add_special_tokens);
    scratch.Trim();
  }

  const std::vector<int32_t>& prefix_ids() const override { return post_processor_.prefix_ids(); }
  const std::vector<int32_t>& suffix_ids() const override { return post_processor_.suffix_ids(); }
  size_t vocab_size() const override { return names_.vocab_size(); }
  int32_t unk_id() const override {
    return wordpiece_ ? wordpiece_->unk_id() : bpe_ ? bpe_->unk_id() : unigram_->unk_id();
  }
  int32_t pad_id() const override { return names_.pad_id(); }
  const std::string& model_type() const override { return model_type_; }
  const std::string& continuing_subword_prefix() const override {
    return wordpiece_ ? wordpiece_->continuing_subword_prefix() : bpe_ ? bpe_->continuing_subword_prefix() : kNoPrefix;
  }
  std::string IdToToken(int32_t id) const override { return names_.IdToToken(id); }
  int32_t TokenToId(std::string_view token) const override { return names_.TokenToId(token); }

 private:
  struct Call {
    std::u16string_view text;
    Encoding* out;
    size_t prefix_added;  // special tokens before the text tokens
    int32_t word_id;
  };

  void AppendTextToken(Call* call, int32_t id, uint32_t start, uint32_t end, std::pair<uint32_t, uint32_t> trim) const {
    if (!post_processor_.trims().empty()) {
      post_processor_.TrimToken(call->text, trim.first, trim.second, call->out->size() - call->prefix_added,
                                call->prefix_added, &start, &end);
    }
    AppendToken(call->out, id, start, end, call->word_id++, 0);
  }

  std::pair<uint32_t, uint32_t> ModelTrim(int32_t id) const {
    return id >= 0 && static_cast<size_t>(id) < trim_counts_.size() ? trim_counts_[id] : std::pair<uint32_t, uint32_t>{0, 0};
  }

  // Normalizes text[begin, end) into *out through every step; `spare` is scratch.
  void Normalize(std::u16string_view text, size_t begin, size_t end, NormalizedText* out, NormalizedText* spare) const {
    out->clear();
    size_t first_step = 0;
    if (!normalizer_steps_.empty()) {
      if (const auto* bert = dynamic_cast<const BertNormalizerStep*>(normalizer_steps_[0].get())) {
        bert->normalizer().Normalize(text, begin, end, out);
        first_step = 1;
      }
    }
    if (first_step == 0) {  // the input as it is, each character with its own span
      // Written through pointers into buffers sized for the worst case: one character and three UTF-8
      // bytes per UTF-16 unit (a surrogate pair is two units and four bytes).
      out->chars.resize(end - begin);
      out->utf8.resize(3 * (end - begin));
      NormalizedChar* const chars = out->chars.data();
      char* const bytes = &out->utf8[0];
      size_t char_count = 0;
      uint32_t byte_count = 0;
      for (size_t i = begin; i < end;) {
        const char16_t unit = text[i];
        if (unit < 0x80) {
          chars[char_count++] = NormalizedChar{unit, byte_count, static_cast<uint32_t>(i), static_cast<uint32_t>(i + 1)};
          bytes[byte_count++] = static_cast<char>(unit);
          ++i;
          continue;
        }
        size_t units;
        const char32_t c = utf::DecodeUtf16(text, i, &units);
        chars[char_count++] = NormalizedChar{c, byte_count, static_cast<uint32_t>(i), static_cast<uint32_t>(i + units)};
        byte_count += WriteUtf8(c, bytes + byte_count);
        i += units;
      }
      out->chars.resize(char_count);
      out->utf8.resize(byte_count);
    }
    for (size_t k = first_step; k < normalizer_steps_.size(); ++k) {
      spare->clear();
      normalizer_steps_[k]->Apply(*out, static_cast<uint32_t>(begin), spare);
      std::swap(*out, *spare);
    }
  }

  void EncodePiece(Call* call, size_t begin, size_t end, PipelineScratch* scratch) const {
    Normalize(call->text, begin, end, &scratch->normalized, &scratch->spare_normalized);
    const NormalizedText& normalized = scratch->normalized;
    const CharRange all{0, static_cast<uint32_t>(normalized.chars.size())};
    if (all.begin == all.end) return;
    if (!added_vocabulary_.has_normalized_tokens()) {
      std::swap(scratch->words.text, scratch->normalized);
      TokenizeWords(call, all, static_cast<uint32_t>(begin), scratch);
      return;
    }
    scratch->normalized_segments.clear();
    added_vocabulary_.SplitNormalized(normalized, all, &scratch->normalized_segments);
    for (const TextSegment& segment : scratch->normalized_segments) {
      if (segment.token_id >= 0) {
        std::u32string value;
        for (uint32_t k = segment.begin; k < segment.end; ++k) value.push_back(normalized.chars[k].code_point);
        AppendTextToken(call, segment.token_id, normalized.chars[segment.begin].start,
                        normalized.chars[segment.end - 1].end, TrimCounts(value));
      } else {
        // The pre-tokenizer may rewrite its text, so it gets a copy of this stretch.
        NormalizedText& copy = scratch->words.text;
        copy.clear();
        for (uint32_t k = segment.begin; k < segment.end; ++k) {
          const NormalizedChar& c = normalized.chars[k];
          AppendNormalizedChar(c.code_point, c.start, c.end, &copy);
        }
        TokenizeWords(call, CharRange{0, segment.end - segment.begin}, copy.chars[0].start, scratch);
      }
    }
  }

  // Pre-tokenizes characters `range` of scratch->words.text and runs the model on every word.
  void TokenizeWords(Call* call, CharRange range, uint32_t origin, PipelineScratch* scratch) const {
    PreTokenized& state = scratch->words;
    state.words.clear();
    state.words.push_back(range);
    state.bytes_pending = false;
    state.whole_piece = true;
    state.origin = origin;
    for (const auto& step : pre_tokenizer_steps_) step->Apply(&state, &scratch->spare_words);
    for (const CharRange& word : state.words) {
      if (wordpiece_) {
        const size_t first = call->out->size();
        wordpiece_->Tokenize(state.text, word, call->word_id++, call->out);
        if (!post_processor_.trims().empty()) {
          for (size_t i = first; i < call->out->size(); ++i) {
            const auto trim = ModelTrim(call->out->ids[i]);
            post_processor_.TrimToken(call->text, trim.first, trim.second, i - call->prefix_added, call->prefix_added,
                                      &call->out->starts[i], &call->out->ends[i]);
          }
        }
        continue;
      }
      const NormalizedChar* chars = state.text.chars.data();
      const uint32_t word_byte_begin = state.text.ByteOffset(word.begin);
      const uint32_t word_byte_end = state.text.ByteOffset(word.end);
      scratch->pieces.clear();
      const std::string_view word_text =
          std::string_view(state.text.utf8).substr(word_byte_begin, word_byte_end - word_byte_begin);
      if (bpe_) {
        bpe_->Tokenize(word_text, state.bytes_pending, &scratch->pieces);
      } else {
        scratch->unigram_pieces.clear();
        // The model has an unk_id (the reader requires one), so this cannot fail.
        if (!unigram_->Tokenize(word_text, &scratch->unigram_pieces)) continue;
        for (const UnigramPiece& piece : scratch->unigram_pieces) {
          scratch->pieces.push_back(ModelPiece{piece.id, piece.byte_begin, piece.byte_end});
        }
      }
      // Each piece covers bytes of the word; its span runs from the character holding its first byte to
      // the one holding its last.
      uint32_t k = word.begin;
      const int32_t word_id = call->word_id++;
      for (const ModelPiece& piece : scratch->pieces) {
        const uint32_t first_byte = std::min(word_byte_begin + piece.byte_begin, word_byte_end - 1);
        const uint32_t last_byte = std::min(word_byte_begin + std::max(piece.byte_end, piece.byte_begin + 1) - 1,
                                            word_byte_end - 1);
        while (k + 1 < word.end && state.text.ByteOffset(k + 1) <= first_byte) ++k;
        uint32_t last = k;
        while (last + 1 < word.end && state.text.ByteOffset(last + 1) <= last_byte) ++last;
        uint32_t start = chars[k].start;
        uint32_t end = chars[last].end;
        if (!post_processor_.trims().empty()) {
          const auto trim = ModelTrim(piece.id);
          post_processor_.TrimToken(call->text, trim.first, trim.second, call->out->size() - call->prefix_added,
                                    call->prefix_added, &start, &end);
        }
        AppendToken(call->out, piece.id, start, end, word_id, 0);
      }
    }
  }

  std::vector<std::unique_ptr<NormalizerStep>> normalizer_steps_;
  std::vector<std::unique_ptr<PreTokenizerStep>> pre_tokenizer_steps_;
  std::string model_type_;
  std::unique_ptr<WordPiece> wordpiece_;
  std::unique_ptr<Bpe> bpe_;
  std::unique_ptr<UnigramModel> unigram_;
  StringTable unigram_vocab_;
  AddedVocabulary added_vocabulary_;
  PostProcessor post_processor_;
  TokenNames names_;
  std::vector<std::pair<uint32_t, uint32_t>> trim_counts_;  // by model token id: trimmable chars at each end
  inline static const std::string kNoPrefix;
};

}  // namespace

std::unique_ptr<Tokenizer> Tokenizer::FromFile(const std::string& path) {
  return FromJson(json::ReadFile(path), path);
}

std::unique_ptr<Tokenizer> Tokenizer::FromJson(std::string_view json_text, const std::string& source) {
  return FromDocument(json::Parse(json_text, source), source);
}

std::unique_ptr<Tokenizer> Tokenizer::FromDocument(const json::Value& root, const std::string& source) {
  TokenizerConfig config = ReadTokenizerConfig(root, source);
  if (config.wordpiece && config.normalizer_is_bert && config.pre_tokenizer_is_bert &&
      config.post_processor.trims().empty()) {
    return std::make_unique<BertWordPieceTokenizer>(
        Normalizer(config.bert_normalizer), PreTokenizer(config.split_on_whitespace, config.split_on_punctuation),
        std::move(*config.wordpiece), std::move(config.added_tokens), std::move(config.post_processor));
  }
  return std::make_unique<PipelineTokenizer>(std::move(config));
}

}  // namespace nn
