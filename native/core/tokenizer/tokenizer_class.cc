#include "core/tokenizer/tokenizer_class.h"

#include <cstdint>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace nn {
namespace {

using json::Value;

Value Obj(std::vector<Value::Member> members) { return Value::Object(std::move(members)); }
Value Str(std::string s) { return Value::String(std::move(s)); }

// The items of an array member, without copying; none when absent.
const std::vector<Value>& Items(const Value* value) {
  static const Value kNone;
  return (value ? *value : kNone).as_array();
}

// The id a Unigram vocabulary ([[piece, score], ...]) gives `piece`, or -1. The last of repeated pieces wins, as
// the tokenizer's own lookups (tokenizer_config.cc).
int64_t UnigramId(const Value& model, const std::string& piece) {
  int64_t id = -1;
  const std::vector<Value>& vocab = Items(model.find("vocab"));
  for (size_t i = 0; i < vocab.size(); ++i) {
    const std::vector<Value>& entry = vocab[i].as_array();
    if (!entry.empty() && entry[0].as_string() == piece) id = static_cast<int64_t>(i);
  }
  return id;
}

bool InVocabulary(const Value& model, const std::string& token) {
  const Value* vocab = model.find("vocab");
  if (vocab == nullptr) return false;
  if (vocab->is_object()) return vocab->find(token) != nullptr;  // WordPiece, BPE: {token: id}
  return UnigramId(model, token) >= 0;
}

// The pieces XLMRobertaTokenizer's constructor sets (transformers 5, models/xlm_roberta/tokenization_xlm_roberta.py).
void RebuildXlmRoberta(Value* root, const Value& tokenizer_config) {
  Value* model = root->find_mutable("model");
  if (model == nullptr || model->find("type") == nullptr || model->find("type")->as_string() != "Unigram") return;
  model->set("unk_id", Value::Number(3));
  model->set("byte_fallback", Value::Bool(false));

  // Only the Precompiled charsmap survives (the first one, as convert_to_native_format takes it).
  Value normalizer;
  if (const Value* file_normalizer = root->find("normalizer")) {
    std::vector<const Value*> steps;
    if (file_normalizer->find("type") && file_normalizer->find("type")->as_string() == "Sequence") {
      for (const Value& step : Items(file_normalizer->find("normalizers"))) steps.push_back(&step);
    } else {
      steps.push_back(file_normalizer);
    }
    for (const Value* step : steps) {
      const Value* type = step->find("type");
      if (type && type->as_string() == "Precompiled" && step->find("precompiled_charsmap")) {
        normalizer = *step;
        break;
      }
    }
  }
  root->set("normalizer", std::move(normalizer));

  const Value* add_prefix_space = tokenizer_config.find("add_prefix_space");
  const bool prepend = add_prefix_space == nullptr || add_prefix_space->as_bool(true);
  root->set("pre_tokenizer",
            Obj({{"type", Str("Sequence")},
                 {"pretokenizers",
                  Value::Array({Obj({{"type", Str("WhitespaceSplit")}}),
                                Obj({{"type", Str("Metaspace")},
                                     {"replacement", Str("\xE2\x96\x81")},  // "▁"
                                     {"prepend_scheme", Str(prepend ? "always" : "never")},
                                     {"split", Value::Bool(true)}})})}}));

  std::string bos = ConfigToken(tokenizer_config, "bos_token");
  std::string eos = ConfigToken(tokenizer_config, "eos_token");
  if (bos.empty()) bos = "<s>";
  if (eos.empty()) eos = "</s>";
  const int64_t bos_id = UnigramId(*model, bos);
  const int64_t eos_id = UnigramId(*model, eos);
  if (bos_id < 0 || eos_id < 0) return;  // keep the file's template; the vocabulary is not XLM-R's
  auto special = [](const std::string& name) {
    return Obj({{"SpecialToken", Obj({{"id", Str(name)}, {"type_id", Value::Number(0)}})}});
  };
  auto entry = [](const std::string& name, int64_t id) {
    return Value::Member{name, Obj({{"id", Str(name)},
                                    {"ids", Value::Array({Value::Number(static_cast<double>(id))})},
                                    {"tokens", Value::Array({Str(name)})}})};
  };
  std::vector<Value::Member> specials{entry(bos, bos_id)};
  if (eos != bos) specials.push_back(entry(eos, eos_id));
  root->set("post_processor",
            Obj({{"type", Str("TemplateProcessing")},
                 {"single", Value::Array({special(bos), Obj({{"Sequence", Obj({{"id", Str("A")},
                                                                              {"type_id", Value::Number(0)}})}}),
                                          special(eos)})},
                 {"special_tokens", Obj(std::move(specials))}}));
}

// Special tokens transformers adds while loading (TokenizersBackend.__init__ and _post_init:
// AddedToken(special=True, normalized=False)), matched in the raw text. `class_defaults` are the constructor's
// defaults for the keys the config leaves out, in the order of `keys`.
void AddConfigSpecialTokens(Value* root, const Value& tokenizer_config,
                            const std::vector<std::string>& class_defaults) {
  static const char* const keys[] = {"bos_token", "eos_token", "unk_token", "sep_token", "cls_token", "pad_token",
                                     "mask_token"};
  std::vector<std::string> names;
  for (size_t k = 0; k < std::size(keys); ++k) {
    std::string name = ConfigToken(tokenizer_config, keys[k]);
    if (name.empty() && tokenizer_config.find(keys[k]) == nullptr && k < class_defaults.size()) {
      name = class_defaults[k];
    }
    names.push_back(std::move(name));
  }
  if (const Value* more = tokenizer_config.find("additional_special_tokens")) {
    for (const Value& token : Items(more)) {
      const Value* content = token.is_string() ? &token : token.find("content");
      names.push_back(content ? content->as_string() : "");
    }
  }
  const Value* model = root->find("model");
  if (model == nullptr) return;
  std::vector<Value> added = Items(root->find("added_tokens"));  // a few entries
  bool changed = false;
  for (const std::string& name : names) {
    if (name.empty() || !InVocabulary(*model, name)) continue;
    bool present = false;
    for (const Value& token : added) {
      const Value* content = token.find("content");
      present = present || (content && content->as_string() == name);
    }
    if (present) continue;
    added.push_back(Obj({{"content", Str(name)},
                         {"single_word", Value::Bool(false)},
                         {"lstrip", Value::Bool(false)},
                         {"rstrip", Value::Bool(false)},
                         {"normalized", Value::Bool(false)},
                         {"special", Value::Bool(true)}}));
    changed = true;
  }
  if (changed) root->set("added_tokens", Value::Array(std::move(added)));
}

}  // namespace

std::string ConfigToken(const json::Value& tokenizer_config, std::string_view key) {
  const Value* value = tokenizer_config.find(key);
  if (value == nullptr) return "";
  if (value->is_string()) return value->as_string();
  const Value* content = value->find("content");
  return content ? content->as_string() : "";
}

json::Value AsTransformersBuildsIt(json::Value tokenizer_json, const json::Value& tokenizer_config) {
  if (!tokenizer_json.is_object()) return tokenizer_json;  // the tokenizer's reader reports it
  const Value* tokenizer_class = tokenizer_config.find("tokenizer_class");
  const std::string name = tokenizer_class ? tokenizer_class->as_string() : "";
  std::vector<std::string> class_defaults;
  if (name == "XLMRobertaTokenizer" || name == "XLMRobertaTokenizerFast") {
    RebuildXlmRoberta(&tokenizer_json, tokenizer_config);
    class_defaults = {"<s>", "</s>", "<unk>", "</s>", "<s>", "<pad>", "<mask>"};
  }
  AddConfigSpecialTokens(&tokenizer_json, tokenizer_config, class_defaults);
  return tokenizer_json;
}

}  // namespace nn
