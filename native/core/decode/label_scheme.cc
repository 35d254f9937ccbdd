#include "core/decode/label_scheme.h"

#include <cmath>
#include <cstdlib>

#include "core/error.h"

namespace nn {

LabelScheme LabelScheme::FromConfig(const json::Value& config, const std::string& source) {
  const json::Value* id2label = config.find("id2label");
  if (!id2label || !id2label->is_object() || id2label->as_object().empty()) {
    throw Error(ErrorCode::kInvalidModel,
                source + " has no id2label: a token classifier's config.json maps each output index to its label");
  }
  const auto& members = id2label->as_object();
  std::vector<const std::string*> names(members.size(), nullptr);
  for (const auto& [key, value] : members) {
    char* end = nullptr;
    const long id = std::strtol(key.c_str(), &end, 10);
    if (key.empty() || *end != '\0' || id < 0 || static_cast<size_t>(id) >= members.size() || names[id]) {
      throw Error(ErrorCode::kInvalidModel, source + ": id2label key '" + key + "' is not a unique index in 0.." +
                                                std::to_string(members.size() - 1));
    }
    if (!value.is_string() || value.as_string().empty()) {
      throw Error(ErrorCode::kInvalidModel, source + ": id2label[" + key + "] is not a non-empty string");
    }
    names[id] = &value.as_string();
  }

  LabelScheme scheme;
  for (const std::string* name : names) {
    Tag tag{*name, TagRole::kInside, -1, TagPrefix::kPlain, -1};
    // The pipeline's reading: only B- and I- are prefixes.
    std::string pipeline_type = *name;
    if (name->rfind("B-", 0) == 0 || name->rfind("I-", 0) == 0) {
      tag.role = (*name)[0] == 'B' ? TagRole::kBegin : TagRole::kInside;
      pipeline_type = name->substr(2);
    }
    tag.type = scheme.TypeIndex(pipeline_type);
    // The tagging-scheme reading.
    if (*name == "O") {
      tag.prefix = TagPrefix::kOutside;
    } else if (name->size() > 2 && (*name)[1] == '-' && std::string("BIELSU").find((*name)[0]) != std::string::npos) {
      switch ((*name)[0]) {
        case 'B': tag.prefix = TagPrefix::kBegin; break;
        case 'I': tag.prefix = TagPrefix::kInside; break;
        case 'E': case 'L': tag.prefix = TagPrefix::kEnd; break;
        default: tag.prefix = TagPrefix::kSingle; break;
      }
      tag.entity = scheme.TypeIndex(name->substr(2));
    } else {
      tag.entity = scheme.TypeIndex(*name);
    }
    scheme.has_end_tags_ |= tag.prefix == TagPrefix::kEnd || tag.prefix == TagPrefix::kSingle;
    scheme.has_begin_inside_tags_ |= tag.prefix == TagPrefix::kBegin || tag.prefix == TagPrefix::kInside;
    scheme.tags_.push_back(std::move(tag));
  }
  return scheme;
}

int32_t LabelScheme::TypeIndex(const std::string& name) {
  for (size_t t = 0; t < types_.size(); ++t) {
    if (types_[t] == name) return static_cast<int32_t>(t);
  }
  types_.push_back(name);
  if (name == "O") outside_type_ = static_cast<int32_t>(types_.size() - 1);
  return static_cast<int32_t>(types_.size() - 1);
}

}  // namespace nn
