#include "core/tokenizer/tokenizer_config.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "core/error.h"
#include "core/tokenizer/byte_level.h"
#include "core/tokenizer/metaspace.h"
#include "core/tokenizer/precompiled_normalizer.h"
#include "core/tokenizer/prepend.h"
#include "core/util/regex.h"
#include "core/tokenizer/replace.h"
#include "core/tokenizer/split.h"
#include "core/tokenizer/strip.h"
#include "core/tokenizer/unicode_normalizer.h"
#include "core/util/utf.h"

namespace nn {
namespace {

constexpr int64_t kMaxId = std::numeric_limits<int32_t>::max() - 1;

class ConfigReader {
 public:
  explicit ConfigReader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void Fail(const std::string& what) const {
    throw Error(ErrorCode::kInvalidModel, source_ + ": " + what);
  }
  [[noreturn]] void Unsupported(const std::string& what) const { Fail("unsupported tokenizer.json: " + what); }

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

  // A string member, `fallback` when absent or null.
  std::string OptionalString(const json::Value& object, std::string_view key, std::string fallback,
                             std::string_view where) const {
    const json::Value* value = object.find(key);
    if (value == nullptr || value->is_null()) return fallback;
    return String(*value, std::string(where) + "." + std::string(key));
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

  const std::vector<json::Value>& Array(const json::Value& value, std::string_view where) const {
    if (!value.is_array()) Fail(std::string(where) + " must be an array");
    return value.as_array();
  }

  // ----- normalizer

  // BertNormalizer's order of its parts; a sequence of Bert-like steps in this order is one Normalizer.
  enum BertPart { kCleanText, kChineseChars, kNfd, kStripMarks, kLowercase };

  void ReadNormalizer(const json::Value* value, TokenizerConfig* config) const {
    if (value == nullptr || value->is_null()) return;
    std::vector<BertPart> parts;
    AddNormalizer(*value, config, &parts);
    for (size_t i = 1; i < parts.size(); ++i) {
      if (parts[i] < parts[i - 1]) config->normalizer_is_bert = false;
    }
    if (!config->normalizer_is_bert) return;
    for (BertPart part : parts) {
      switch (part) {
        case kCleanText: config->bert_normalizer.clean_text = true; break;
        case kChineseChars: config->bert_normalizer.handle_chinese_chars = true; break;
        case kNfd: config->bert_normalizer.nfd = true; break;
        case kStripMarks: config->bert_normalizer.strip_marks = true; break;
        case kLowercase: config->bert_normalizer.lowercase = true; break;
      }
    }
  }

  void AddNormalizer(const json::Value& value, TokenizerConfig* config, std::vector<BertPart>* parts) const {
    const std::string type = Type(value, "normalizer");
    NormalizerOptions options;
    if (type == "BertNormalizer") {
      options.lowercase = Flag(value, "lowercase", true, "normalizer");
      options.clean_text = Flag(value, "clean_text", true, "normalizer");
      options.handle_chinese_chars = Flag(value, "handle_chinese_chars", true, "normalizer");
      options.strip_marks = options.nfd = Flag(value, "strip_accents", options.lowercase, "normalizer");  // null: follows lowercase
    } else if (type == "Lowercase") {
      options.lowercase = true;
    } else if (type == "NFD") {
      options.nfd = true;
    } else if (type == "Sequence") {
      for (const json::Value& item : Array(Member(value, "normalizers", "normalizer Sequence"), "normalizer Sequence's \"normalizers\"")) {
        AddNormalizer(item, config, parts);
      }
      return;
    } else {
      config->normalizer_is_bert = false;
      config->normalizer_steps.push_back(OtherNormalizer(type, value));
      return;
    }
    if (options.clean_text) parts->push_back(kCleanText);
    if (options.handle_chinese_chars) parts->push_back(kChineseChars);
    if (options.nfd) parts->push_back(kNfd);
    if (options.strip_marks) parts->push_back(kStripMarks);
    if (options.lowercase) parts->push_back(kLowercase);
    config->normalizer_steps.push_back(std::make_unique<BertNormalizerStep>(options));
  }

  std::unique_ptr<NormalizerStep> OtherNormalizer(const std::string& type, const json::Value& value) const {
    if (type == "Strip") {
      return std::make_unique<StripNormalizer>(Flag(value, "strip_left", true, "normalizer Strip"),
                                               Flag(value, "strip_right", true, "normalizer Strip"));
    }
    if (type == "Prepend") {
      const std::string prepend = String(Member(value, "prepend", "normalizer Prepend"), "normalizer Prepend.prepend");
      return std::make_unique<PrependNormalizer>(utf::Utf8ToCodePoints(prepend));
    }
    if (type == "Replace") {
      std::unique_ptr<Regex> pattern = Pattern(Member(value, "pattern", "normalizer Replace"), "normalizer Replace");
      const std::string content = String(Member(value, "content", "normalizer Replace"), "normalizer Replace.content");
      return std::make_unique<ReplaceNormalizer>(std::move(pattern), utf::Utf8ToCodePoints(content));
    }
    if (type == "NFC") return std::make_unique<UnicodeNormalizer>(unicode::NormalizationForm::kNFC);
    if (type == "NFKC") return std::make_unique<UnicodeNormalizer>(unicode::NormalizationForm::kNFKC);
    if (type == "NFKD") return std::make_unique<UnicodeNormalizer>(unicode::NormalizationForm::kNFKD);
    if (type == "Precompiled") {
      const json::Value* map = value.find("precompiled_charsmap");
      if (map == nullptr || map->is_null()) Unsupported("normalizer Precompiled without precompiled_charsmap");
      try {
        return std::make_unique<PrecompiledNormalizer>(
            PrecompiledCharsMap::FromBase64(String(*map, "normalizer Precompiled.precompiled_charsmap")));
      } catch (const Error& error) {
        Fail(std::string("normalizer Precompiled: ") + error.what());
      }
    }
    Unsupported("normalizer \"" + type + "\"");
  }

  // A Replace or Split pattern: {"String": "..."} or {"Regex": "..."}.
  std::unique_ptr<Regex> Pattern(const json::Value& pattern, const std::string& where) const {
    if (const json::Value* literal = pattern.find("String")) {
      return Regex::Literal(utf::Utf8ToCodePoints(String(*literal, where + " pattern")));
    }
    if (const json::Value* regex = pattern.find("Regex")) {
      const std::string text = String(*regex, where + " pattern");
      std::unique_ptr<Regex> compiled = Regex::Compile(text);
      if (!compiled) Unsupported(where + " regex pattern \"" + text + "\"");
      return compiled;
    }
    Fail(where + " pattern must be {\"String\": ...} or {\"Regex\": ...}");
  }

  // ----- pre-tokenizer

  void ReadPreTokenizer(const json::Value* value, TokenizerConfig* config) const {
    if (value == nullptr || value->is_null()) return;
    std::vector<const json::Value*> steps;
    Flatten(*value, &steps);
    for (size_t i = 0; i < steps.size(); ++i) {
      const json::Value& step = *steps[i];
      const std::string type = Type(step, "pre_tokenizer");
      const bool last = i + 1 == steps.size();
      if (type == "BertPreTokenizer" || type == "WhitespaceSplit") {
        const bool punctuation = type == "BertPreTokenizer";
        config->split_on_whitespace = true;
        config->split_on_punctuation = config->split_on_punctuation || punctuation;
        config->pre_tokenizer_steps.push_back(std::make_unique<BertPreTokenizerStep>(PreTokenizer(true, punctuation)));
        continue;
      }
      config->pre_tokenizer_is_bert = false;
      if (type == "ByteLevel") {
        const bool defer = last && config->bpe != nullptr && config->bpe->supports_deferred_byte_level();
        config->pre_tokenizer_steps.push_back(std::make_unique<ByteLevelPreTokenizer>(
            Flag(step, "add_prefix_space", true, "pre_tokenizer ByteLevel"),
            Flag(step, "use_regex", true, "pre_tokenizer ByteLevel"), defer));
      } else {
        config->pre_tokenizer_steps.push_back(OtherPreTokenizer(type, step));
      }
    }
  }

  void Flatten(const json::Value& value, std::vector<const json::Value*>* steps) const {
    if (Type(value, "pre_tokenizer") != "Sequence") {
      steps->push_back(&value);
      return;
    }
    const json::Value& list = Member(value, "pretokenizers", "pre_tokenizer Sequence");
    for (const json::Value& item : Array(list, "pre_tokenizer Sequence's \"pretokenizers\"")) Flatten(item, steps);
  }

  std::unique_ptr<PreTokenizerStep> OtherPreTokenizer(const std::string& type, const json::Value& value) const {
    if (type == "Metaspace") {
      const std::u32string replacement = utf::Utf8ToCodePoints(
          String(Member(value, "replacement", "pre_tokenizer Metaspace"), "pre_tokenizer Metaspace.replacement"));
      if (replacement.size() != 1) Fail("pre_tokenizer Metaspace.replacement must be one character");
      const std::string scheme = OptionalString(value, "prepend_scheme", "always", "pre_tokenizer Metaspace");
      PrependScheme prepend = PrependScheme::kAlways;
      if (scheme == "first") {
        prepend = PrependScheme::kFirst;
      } else if (scheme == "never") {
        prepend = PrependScheme::kNever;
      } else if (scheme != "always") {
        Fail("pre_tokenizer Metaspace.prepend_scheme must be always, first or never");
      }
      if (const json::Value* add = value.find("add_prefix_space"); add && add->is_bool() && !add->as_bool()) {
        if (prepend != PrependScheme::kNever) Fail("pre_tokenizer Metaspace: add_prefix_space does not match prepend_scheme");
      }
      return std::make_unique<MetaspacePreTokenizer>(replacement[0], prepend, Flag(value, "split", true, "pre_tokenizer Metaspace"));
    }
    if (type == "Split") {
      std::unique_ptr<Regex> pattern = Pattern(Member(value, "pattern", "pre_tokenizer Split"), "pre_tokenizer Split");
      const std::string behavior = String(Member(value, "behavior", "pre_tokenizer Split"), "pre_tokenizer Split.behavior");
      SplitBehavior split;
      if (behavior == "Removed") {
        split = SplitBehavior::kRemoved;
      } else if (behavior == "Isolated") {
        split = SplitBehavior::kIsolated;
      } else if (behavior == "MergedWithPrevious") {
        split = SplitBehavior::kMergedWithPrevious;
      } else if (behavior == "MergedWithNext") {
        split = SplitBehavior::kMergedWithNext;
      } else if (behavior == "Contiguous") {
        split = SplitBehavior::kContiguous;
      } else {
        Fail("pre_tokenizer Split.behavior \"" + behavior + "\" is not a split behavior");
      }
      return std::make_unique<SplitPreTokenizer>(std::move(pattern), split, Flag(value, "invert", false, "pre_tokenizer Split"));
    }
    Unsupported("pre_tokenizer \"" + type + "\"");
  }

  // ----- model

  StringTable Vocabulary(const json::Value& vocab) const {
    if (!vocab.is_object()) Fail("model.vocab must be an object");
    StringTable table;
    int64_t max_id = 0;
    for (const json::Value::Member& entry : vocab.as_object()) {
      const int64_t id = Integer(entry.second, "model.vocab[\"" + entry.first + "\"]", kMaxId);
      table.Insert(entry.first, static_cast<int32_t>(id));
      max_id = std::max(max_id, id);
    }
    if (table.size() == 0) Fail("model.vocab is empty");
    // Ids index a table (IdToToken), so they must be roughly dense.
    if (static_cast<uint64_t>(max_id) > 4 * table.size() + 1024) Fail("model.vocab ids are not dense");
    return table;
  }

  void ReadModel(const json::Value& root, TokenizerConfig* config) const {
    const json::Value& model = Member(root, "model", "tokenizer.json");
    const std::string type = Type(model, "model");
    config->model_type = type;
    if (type == "WordPiece") {
      StringTable vocab = Vocabulary(Member(model, "vocab", "model"));
      std::string unk = OptionalString(model, "unk_token", "[UNK]", "model");
      if (vocab.Find(unk) < 0) Fail("model.unk_token \"" + unk + "\" is not in the vocabulary");
      std::string prefix = OptionalString(model, "continuing_subword_prefix", "##", "model");
      const json::Value* max_chars = model.find("max_input_chars_per_word");
      const size_t max_input_chars_per_word =
          max_chars && !max_chars->is_null()
              ? static_cast<size_t>(Integer(*max_chars, "model.max_input_chars_per_word", 1LL << 40))
              : 100;
      config->wordpiece = std::make_unique<WordPiece>(std::move(vocab), std::move(unk), std::move(prefix),
                                                      max_input_chars_per_word);
    } else if (type == "BPE") {
      ReadBpe(model, config);
    } else if (type == "Unigram") {
      const json::Value* unk = model.find("unk_id");
      if (unk == nullptr || unk->is_null()) Unsupported("Unigram model without unk_id");
      try {
        config->unigram = std::make_unique<UnigramModel>(UnigramModel::FromJson(model));
      } catch (const Error& error) {
        Fail(std::string("model Unigram: ") + error.what());
      }
      for (size_t id = 0; id < config->unigram->vocab_size(); ++id) {
        config->unigram_vocab.Insert(config->unigram->IdToPiece(static_cast<int32_t>(id)), static_cast<int32_t>(id));
      }
    } else {
      Unsupported("model \"" + type + "\"");
    }
  }

  void ReadBpe(const json::Value& model, TokenizerConfig* config) const {
    if (const json::Value* dropout = model.find("dropout"); dropout && !dropout->is_null()) {
      if (!dropout->is_number() || dropout->as_number() != 0) Unsupported("BPE dropout (must be null)");
    }
    StringTable vocab = Vocabulary(Member(model, "vocab", "model"));
    BpeOptions options;
    options.unk_token = OptionalString(model, "unk_token", "", "model");
    if (!options.unk_token.empty() && vocab.Find(options.unk_token) < 0) {
      Fail("model.unk_token \"" + options.unk_token + "\" is not in the vocabulary");
    }
    options.continuing_subword_prefix = OptionalString(model, "continuing_subword_prefix", "", "model");
    options.end_of_word_suffix = OptionalString(model, "end_of_word_suffix", "", "model");
    options.fuse_unk = Flag(model, "fuse_unk", false, "model");
    options.byte_fallback = Flag(model, "byte_fallback", false, "model");
    options.ignore_merges = Flag(model, "ignore_merges", false, "model");

    const std::vector<json::Value>& list = Array(Member(model, "merges", "model"), "model.merges");
    std::vector<BpeMerge> merges;
    merges.reserve(list.size());
    std::string merged;
    for (size_t i = 0; i < list.size(); ++i) {
      const json::Value& item = list[i];
      std::string left;
      std::string right;
      const std::string where = "model.merges[" + std::to_string(i) + "]";
      if (item.is_string()) {  // "a b", as in merges.txt
        const std::string& line = item.as_string();
        if (line.rfind("#version", 0) == 0) continue;
        const size_t space = line.find(' ');
        if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos) {
          Fail(where + " must be two tokens separated by one space");
        }
        left = line.substr(0, space);
        right = line.substr(space + 1);
      } else if (item.is_array() && item.as_array().size() == 2) {
        left = String(item.as_array()[0], where + "[0]");
        right = String(item.as_array()[1], where + "[1]");
      } else {
        Fail(where + " must be a string \"a b\" or a pair [a, b]");
      }
      const int32_t left_id = vocab.Find(left);
      const int32_t right_id = vocab.Find(right);
      if (left_id < 0) Fail(where + ": \"" + left + "\" is not in the vocabulary");
      if (right_id < 0) Fail(where + ": \"" + right + "\" is not in the vocabulary");
      const size_t prefix_length = options.continuing_subword_prefix.size();
      if (right.size() < prefix_length) Fail(where + ": \"" + right + "\" is shorter than the continuing subword prefix");
      merged = left + right.substr(prefix_length);
      const int32_t result = vocab.Find(merged);
      if (result < 0) Fail(where + ": the merged token \"" + merged + "\" is not in the vocabulary");
      merges.push_back(BpeMerge{left_id, right_id, result});
    }
    config->bpe = std::make_unique<Bpe>(std::move(vocab), merges, std::move(options));
  }

  const StringTable& ModelVocabulary(const TokenizerConfig& config) const {
    return config.wordpiece ? config.wordpiece->vocab() : config.bpe ? config.bpe->vocab() : config.unigram_vocab;
  }

  // ----- added tokens

  // HF ignores the ids written in `added_tokens` and assigns them again while loading, in file order: the
  // vocabulary's id for a token it already has, otherwise the next id after the vocabulary and the
  // tokens added so far. A repeated content keeps its first id and position and takes the later flags.
  std::vector<AddedToken> AddedTokens(const json::Value* value, const StringTable& vocab) const {
    std::vector<AddedToken> tokens;
    if (value == nullptr || value->is_null()) return tokens;
    StringTable position_of;  // content -> index in tokens
    int64_t max_added_id = -1;
    const auto vocab_size = static_cast<int64_t>(vocab.size());
    for (const json::Value& item : Array(*value, "added_tokens")) {
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
      if (token.id > kMaxId) Fail("too many added tokens");
      max_added_id = std::max<int64_t>(max_added_id, token.id);
      position_of.Insert(token.content, static_cast<int32_t>(tokens.size()));
      tokens.push_back(std::move(token));
    }
    return tokens;
  }

  // ----- post-processor

  PostProcessor ReadPostProcessor(const json::Value* value) const {
    PostProcessor result;
    if (value == nullptr || value->is_null()) return result;
    std::vector<const json::Value*> processors;
    if (Type(*value, "post_processor") == "Sequence") {
      for (const json::Value& item : Array(Member(*value, "processors", "post_processor Sequence"),
                                           "post_processor Sequence's \"processors\"")) {
        if (Type(item, "post_processor") == "Sequence") Unsupported("nested post_processor Sequence");
        processors.push_back(&item);
      }
    } else {
      processors.push_back(value);
    }
    bool have_specials = false;
    for (const json::Value* processor : processors) {
      const std::string type = Type(*processor, "post_processor");
      if (type == "ByteLevel") {
        if (Flag(*processor, "trim_offsets", true, "post_processor ByteLevel")) {
          result.AddTrimPass({Flag(*processor, "add_prefix_space", true, "post_processor ByteLevel"), have_specials});
        }
        continue;
      }
      if (have_specials) Unsupported("post_processor Sequence with more than one processor adding special tokens");
      PostProcessor specials;
      if (type == "BertProcessing") {
        const int32_t cls = SpecialPair(Member(*processor, "cls", "post_processor"), "post_processor.cls");
        const int32_t sep = SpecialPair(Member(*processor, "sep", "post_processor"), "post_processor.sep");
        specials = PostProcessor({{cls, 0}}, {{sep, 0}}, 0);
      } else if (type == "RobertaProcessing") {
        const int32_t cls = SpecialPair(Member(*processor, "cls", "post_processor"), "post_processor.cls");
        const int32_t sep = SpecialPair(Member(*processor, "sep", "post_processor"), "post_processor.sep");
        specials = PostProcessor({{cls, 0}}, {{sep, 0}}, 0);  // RoBERTa: every type id is 0
      } else if (type == "TemplateProcessing") {
        specials = Template(*processor);
      } else {
        Unsupported("post_processor \"" + type + "\"");
      }
      for (const PostProcessor::TrimPass& pass : result.trims()) specials.AddTrimPass(pass);
      if (type == "RobertaProcessing" && Flag(*processor, "trim_offsets", true, "post_processor")) {
        specials.AddTrimPass({Flag(*processor, "add_prefix_space", true, "post_processor"), false});
      }
      result = std::move(specials);
      have_specials = true;
    }
    return result;
  }

  PostProcessor Template(const json::Value& value) const {
    const json::Value& single = Member(value, "single", "post_processor");
    const json::Value& specials = Member(value, "special_tokens", "post_processor");
    std::vector<PostProcessor::SpecialToken> prefix;
    std::vector<PostProcessor::SpecialToken> suffix;
    int sequences = 0;
    int32_t sequence_type_id = 0;
    for (const json::Value& piece : Array(single, "post_processor.single")) {
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
        for (const json::Value& id : Array(ids, "post_processor special token \"" + name + "\" ids")) {
          const auto token_id = static_cast<int32_t>(Integer(id, "post_processor special token id", kMaxId));
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

  // BertProcessing's and RobertaProcessing's ["[CLS]", 101].
  int32_t SpecialPair(const json::Value& value, std::string_view where) const {
    const std::vector<json::Value>& pair = value.as_array();
    if (pair.size() != 2) Fail(std::string(where) + " must be [token, id]");
    return static_cast<int32_t>(Integer(pair[1], where, kMaxId));
  }

 private:
  std::string source_;
};

}  // namespace

TokenizerConfig ReadTokenizerConfig(const json::Value& root, const std::string& source) {
  const ConfigReader reader(source);
  if (!root.is_object()) reader.Fail("tokenizer.json must be a JSON object");
  TokenizerConfig config;
  reader.ReadModel(root, &config);  // first: whether ByteLevel may leave its byte mapping to BPE
  reader.ReadNormalizer(root.find("normalizer"), &config);
  reader.ReadPreTokenizer(root.find("pre_tokenizer"), &config);
  config.added_tokens = reader.AddedTokens(root.find("added_tokens"), reader.ModelVocabulary(config));
  config.post_processor = reader.ReadPostProcessor(root.find("post_processor"));
  return config;
}

}  // namespace nn
