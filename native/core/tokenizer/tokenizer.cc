// Loads a tokenizer.json into the stages (normalizer.h, pre_tokenizer.h, wordpiece.h,
// added_vocabulary.h, post_processor.h) and runs them in HF's order:
//   added tokens on the raw text -> normalize each piece in between -> added tokens with
//   normalized=true -> pre-tokenize into words -> WordPiece -> post-processor.
#include "core/tokenizer/tokenizer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "core/error.h"
#include "core/tokenizer/added_vocabulary.h"
#include "core/tokenizer/encoding_builder.h"
#include "core/tokenizer/normalizer.h"
#include "core/tokenizer/post_processor.h"
#include "core/tokenizer/pre_tokenizer.h"
#include "core/tokenizer/string_table.h"
#include "core/tokenizer/wordpiece.h"
#include "core/util/json.h"

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
// tokenizer.json reading

class ConfigReader {
 public:
  explicit ConfigReader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void Fail(const std::string& what) const {
    throw Error(ErrorCode::kInvalidModel, source_ + ": " + what);
  }
  [[noreturn]] void Unsupported(const std::string& what) const {
    Fail("unsupported tokenizer.json: " + what + " (native-ner supports BERT WordPiece tokenizers)");
  }

  const json::Value& Member(const json::Value& object, std::string_view key, std::string_view where) const {
    const json::Value* value = object.find(key);
    if (value == nullptr) Fail(std::string(where) + " has no \"" + std::string(key) + "\"");
    return *value;
  }

  bool Flag(const json::Value& object, std::string_view key, bool fallback, std::string_view where) const {
    const json::Value* value = object.find(key);
    if (value == nullptr || value->is_null()) return fallback;
    if (!value->is_bool()) Fail(std::string(where) + "." + std::string(key) + " must be a boolean");
    return value->as_bool();
  }

  std::string String(const json::Value& value, std::string_view where) const {
    if (!value.is_string()) Fail(std::string(where) + " must be a string");
    return value.as_string();
  }

  int64_t Integer(const json::Value& value, std::string_view where, int64_t max) const {
    const double d = value.as_number(-1);
    if (!value.is_number() || d < 0 || d > static_cast<double>(max) || std::floor(d) != d) {
      Fail(std::string(where) + " must be an integer from 0 to " + std::to_string(max));
    }
    return static_cast<int64_t>(d);
  }

  std::string Type(const json::Value& value, std::string_view where) const {
    if (!value.is_object()) Fail(std::string(where) + " must be an object");
    const json::Value* type = value.find("type");
    if (type == nullptr || !type->is_string()) Fail(std::string(where) + " has no \"type\"");
    return type->as_string();
  }

  // ----- normalizer

  // The normalizer as a list of steps; they must come in BertNormalizer's order (normalizer.h).
  enum Step { kCleanText, kChineseChars, kNfd, kStripMarks, kLowercase };

  NormalizerOptions Normalizer(const json::Value* value) const {
    std::vector<Step> steps;
    if (value != nullptr && !value->is_null()) AddNormalizerSteps(*value, &steps);
    NormalizerOptions options;
    for (size_t i = 0; i < steps.size(); ++i) {
      if (i > 0 && steps[i] < steps[i - 1]) {
        Unsupported("normalizer sequence in an order other than clean_text, chinese chars, NFD, strip accents, "
                    "lowercase");
      }
      switch (steps[i]) {
        case kCleanText: options.clean_text = true; break;
        case kChineseChars: options.handle_chinese_chars = true; break;
        case kNfd: options.nfd = true; break;
        case kStripMarks: options.strip_marks = true; break;
        case kLowercase: options.lowercase = true; break;
      }
    }
    return options;
  }

  void AddNormalizerSteps(const json::Value& value, std::vector<Step>* steps) const {
    const std::string type = Type(value, "normalizer");
    if (type == "BertNormalizer") {
      const bool lowercase = Flag(value, "lowercase", true, "normalizer");
      if (Flag(value, "clean_text", true, "normalizer")) steps->push_back(kCleanText);
      if (Flag(value, "handle_chinese_chars", true, "normalizer")) steps->push_back(kChineseChars);
      if (Flag(value, "strip_accents", lowercase, "normalizer")) {  // null: follows lowercase
        steps->push_back(kNfd);
        steps->push_back(kStripMarks);
      }
      if (lowercase) steps->push_back(kLowercase);
    } else if (type == "Lowercase") {
      steps->push_back(kLowercase);
    } else if (type == "NFD") {
      steps->push_back(kNfd);
    } else if (type == "Sequence") {
      const json::Value& list = Member(value, "normalizers", "normalizer Sequence");
      if (!list.is_array()) Fail("normalizer Sequence's \"normalizers\" must be an array");
      for (const json::Value& item : list.as_array()) AddNormalizerSteps(item, steps);
    } else {
      Unsupported("normalizer \"" + type + "\"");
    }
  }

  // ----- pre-tokenizer

  PreTokenizer PreTokenizerFrom(const json::Value* value) const {
    bool whitespace = false;
    bool punctuation = false;
    if (value != nullptr && !value->is_null()) AddPreTokenizer(*value, &whitespace, &punctuation);
    return PreTokenizer(whitespace, punctuation);
  }

  // BertPreTokenizer splits on whitespace and punctuation, WhitespaceSplit on whitespace only; in a
  // Sequence the union of the splits is the same whatever the order.
  void AddPreTokenizer(const json::Value& value, bool* whitespace, bool* punctuation) const {
    const std::string type = Type(value, "pre_tokenizer");
    if (type == "BertPreTokenizer") {
      *whitespace = *punctuation = true;
    } else if (type == "WhitespaceSplit") {
      *whitespace = true;
    } else if (type == "Sequence") {
      const json::Value& list = Member(value, "pretokenizers", "pre_tokenizer Sequence");
      if (!list.is_array()) Fail("pre_tokenizer Sequence's \"pretokenizers\" must be an array");
      for (const json::Value& item : list.as_array()) AddPreTokenizer(item, whitespace, punctuation);
    } else {
      Unsupported("pre_tokenizer \"" + type + "\"");
    }
  }

  // ----- model

  struct Model {
    StringTable vocab;
    std::string unk_token;
    std::string prefix;
    size_t max_input_chars_per_word;
  };

  Model ModelFrom(const json::Value& root) const {
    const json::Value& model = Member(root, "model", "tokenizer.json");
    const std::string type = Type(model, "model");
    if (type != "WordPiece") Unsupported("model \"" + type + "\"");
    const json::Value& vocab = Member(model, "vocab", "model");
    if (!vocab.is_object()) Fail("model.vocab must be an object");
    Model result;
    int64_t max_id = 0;
    for (const json::Value::Member& entry : vocab.as_object()) {
      const int64_t id = Integer(entry.second, "model.vocab[\"" + entry.first + "\"]",
                                 std::numeric_limits<int32_t>::max() - 1);
      result.vocab.Insert(entry.first, static_cast<int32_t>(id));
      max_id = std::max(max_id, id);
    }
    // Ids index a table (IdToToken), so they must be roughly dense.
    if (static_cast<uint64_t>(max_id) > 4 * result.vocab.size() + 1024) Fail("model.vocab ids are not dense");
    const json::Value* unk = model.find("unk_token");
    result.unk_token = unk ? String(*unk, "model.unk_token") : "[UNK]";
    if (result.vocab.Find(result.unk_token) < 0) Fail("model.unk_token \"" + result.unk_token + "\" is not in the vocabulary");
    const json::Value* prefix = model.find("continuing_subword_prefix");
    result.prefix = prefix && !prefix->is_null() ? String(*prefix, "model.continuing_subword_prefix") : "##";
    const json::Value* max_chars = model.find("max_input_chars_per_word");
    result.max_input_chars_per_word =
        max_chars && !max_chars->is_null()
            ? static_cast<size_t>(Integer(*max_chars, "model.max_input_chars_per_word", 1LL << 40))
            : 100;
    return result;
  }

  // ----- added tokens

  // HF ignores the ids written in `added_tokens` and assigns them again while loading, in file order: the
  // vocabulary's id for a token it already has, otherwise the next id after the vocabulary and the
  // tokens added so far. A repeated content keeps its first id and position and takes the later flags.
  std::vector<AddedToken> AddedTokens(const json::Value* value, const StringTable& vocab) const {
    std::vector<AddedToken> tokens;
    if (value == nullptr || value->is_null()) return tokens;
    if (!value->is_array()) Fail("added_tokens must be an array");
    StringTable position_of;  // content -> index in tokens
    int64_t max_added_id = -1;
    const auto vocab_size = static_cast<int64_t>(vocab.size());
    for (const json::Value& item : value->as_array()) {
      if (!item.is_object()) Fail("added_tokens entries must be objects");
      AddedToken token;
      token.content = String(Member(item, "content", "added token"), "added token content");
      token.special = Flag(item, "special", false, "added token");
      token.single_word = Flag(item, "single_word", false, "added token");
      token.lstrip = Flag(item, "lstrip", false, "added token");
      token.rstrip = Flag(item, "rstrip", false, "added token");
      token.normalized = Flag(item, "normalized", !token.special, "added token");
      if (token.content.empty()) continue;
      const int32_t existing = position_of.Find(token.content);
      if (existing >= 0) {
        token.id = tokens[existing].id;
        tokens[existing] = std::move(token);
        continue;
      }
      const int32_t model_id = vocab.Find(token.content);
      if (model_id >= 0) {
        token.id = model_id;
      } else if (max_added_id < 0) {
        token.id = static_cast<int32_t>(vocab_size);
      } else {
        token.id = static_cast<int32_t>(max_added_id >= vocab_size || vocab_size == 0 ? max_added_id + 1 : vocab_size);
      }
      max_added_id = std::max<int64_t>(max_added_id, token.id);
      position_of.Insert(token.content, static_cast<int32_t>(tokens.size()));
      tokens.push_back(std::move(token));
    }
    return tokens;
  }

  // ----- post-processor

  PostProcessor PostProcessorFrom(const json::Value* value) const {
    if (value == nullptr || value->is_null()) return PostProcessor();
    const std::string type = Type(*value, "post_processor");
    if (type == "BertProcessing") {
      const int32_t cls = SpecialPair(Member(*value, "cls", "post_processor"), "post_processor.cls");
      const int32_t sep = SpecialPair(Member(*value, "sep", "post_processor"), "post_processor.sep");
      return PostProcessor({{cls, 0}}, {{sep, 0}}, 0);
    }
    if (type != "TemplateProcessing") Unsupported("post_processor \"" + type + "\"");
    const json::Value& single = Member(*value, "single", "post_processor");
    const json::Value& specials = Member(*value, "special_tokens", "post_processor");
    std::vector<PostProcessor::SpecialToken> prefix;
    std::vector<PostProcessor::SpecialToken> suffix;
    int sequences = 0;
    int32_t sequence_type_id = 0;
    for (const json::Value& piece : single.as_array()) {
      if (const json::Value* sequence = piece.find("Sequence")) {
        if (String(Member(*sequence, "id", "template Sequence"), "template Sequence id") != "A") {
          Unsupported("single-sequence template that uses $B");
        }
        sequence_type_id = TypeId(*sequence);
        ++sequences;
      } else if (const json::Value* special = piece.find("SpecialToken")) {
        const std::string name = String(Member(*special, "id", "template SpecialToken"), "template SpecialToken id");
        const json::Value* entry = specials.find(name);
        if (entry == nullptr) Fail("post_processor template uses \"" + name + "\", missing from special_tokens");
        const int32_t type_id = TypeId(*special);
        const json::Value& ids = Member(*entry, "ids", "post_processor special token");
        if (!ids.is_array()) Fail("post_processor special token \"" + name + "\" needs an \"ids\" array");
        for (const json::Value& id : ids.as_array()) {
          const auto token_id = static_cast<int32_t>(
              Integer(id, "post_processor special token id", std::numeric_limits<int32_t>::max() - 1));
          (sequences == 0 ? prefix : suffix).push_back({token_id, type_id});
        }
      } else {
        Fail("post_processor template pieces must be Sequence or SpecialToken");
      }
    }
    if (sequences != 1) Unsupported("single-sequence template without exactly one $A");
    return PostProcessor(std::move(prefix), std::move(suffix), sequence_type_id);
  }

  int32_t TypeId(const json::Value& piece) const {
    const json::Value* type_id = piece.find("type_id");
    return type_id ? static_cast<int32_t>(Integer(*type_id, "template type_id", 1 << 20)) : 0;
  }

  // BertProcessing's ["[CLS]", 101].
  int32_t SpecialPair(const json::Value& value, std::string_view where) const {
    const std::vector<json::Value>& pair = value.as_array();
    if (pair.size() != 2) Fail(std::string(where) + " must be [token, id]");
    return static_cast<int32_t>(Integer(pair[1], where, std::numeric_limits<int32_t>::max() - 1));
  }

 private:
  std::string source_;
};

// ---------------------------------------------------------------------------------------------------------
// Encoding

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
        added_vocabulary_(std::move(added_tokens), normalizer_),
        post_processor_(std::move(post_processor)) {
    size_t max_id = 0;
    model_.vocab().ForEach([&](std::string_view, int32_t id) { max_id = std::max(max_id, size_t(id)); });
    id_to_token_.resize(max_id + 1);
    model_.vocab().ForEach([&](std::string_view token, int32_t id) { id_to_token_[id] = std::string(token); });
    vocab_size_ = model_.vocab().size();
    for (const AddedToken& token : added_vocabulary_.tokens()) {
      added_ids_.Insert(token.content, token.id);
      if (model_.vocab().Find(token.content) < 0) ++vocab_size_;
    }
    pad_id_ = std::max(TokenToId("[PAD]"), 0);
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
  size_t vocab_size() const override { return vocab_size_; }
  int32_t unk_id() const override { return model_.unk_id(); }
  int32_t pad_id() const override { return pad_id_; }
  const std::string& continuing_subword_prefix() const override { return model_.continuing_subword_prefix(); }

  std::string IdToToken(int32_t id) const override {
    for (const AddedToken& token : added_vocabulary_.tokens()) {
      if (token.id == id) return token.content;
    }
    if (id < 0 || static_cast<size_t>(id) >= id_to_token_.size()) return "";
    return id_to_token_[id];
  }

  int32_t TokenToId(std::string_view token) const override {
    const int32_t added = added_ids_.Find(token);
    return added >= 0 ? added : model_.vocab().Find(token);
  }

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
  StringTable added_ids_;
  std::vector<std::string> id_to_token_;
  size_t vocab_size_ = 0;
  int32_t pad_id_ = 0;
  bool can_chunk_ = false;
};

}  // namespace

std::unique_ptr<Tokenizer> Tokenizer::FromFile(const std::string& path) {
  return FromJson(json::ReadFile(path), path);
}

std::unique_ptr<Tokenizer> Tokenizer::FromJson(std::string_view json_text, const std::string& source) {
  const json::Value root = json::Parse(json_text, source);
  const ConfigReader reader(source);
  if (!root.is_object()) reader.Fail("tokenizer.json must be a JSON object");
  const NormalizerOptions normalizer_options = reader.Normalizer(root.find("normalizer"));
  PreTokenizer pre_tokenizer = reader.PreTokenizerFrom(root.find("pre_tokenizer"));
  ConfigReader::Model model = reader.ModelFrom(root);
  std::vector<AddedToken> added_tokens = reader.AddedTokens(root.find("added_tokens"), model.vocab);
  PostProcessor post_processor = reader.PostProcessorFrom(root.find("post_processor"));
  WordPiece wordpiece(std::move(model.vocab), std::move(model.unk_token), std::move(model.prefix),
                      model.max_input_chars_per_word);
  return std::make_unique<BertWordPieceTokenizer>(Normalizer(normalizer_options), pre_tokenizer,
                                                  std::move(wordpiece), std::move(added_tokens),
                                                  std::move(post_processor));
}

}  // namespace nn
