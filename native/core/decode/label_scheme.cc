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
    Tag tag{*name, TagRole::kInside, -1};
    std::string type = *name;
    if (name->rfind("B-", 0) == 0 || name->rfind("I-", 0) == 0) {
      tag.role = (*name)[0] == 'B' ? TagRole::kBegin : TagRole::kInside;
      type = name->substr(2);
    }
    for (size_t t = 0; t < scheme.types_.size(); ++t) {
      if (scheme.types_[t] == type) tag.type = static_cast<int32_t>(t);
    }
    if (tag.type < 0) {
      tag.type = static_cast<int32_t>(scheme.types_.size());
      scheme.types_.push_back(type);
      if (type == "O") scheme.outside_type_ = tag.type;
    }
    scheme.tags_.push_back(std::move(tag));
  }
  return scheme;
}

}  // namespace nn
