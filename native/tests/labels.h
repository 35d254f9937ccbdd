// Label schemes for the tests, from an id2label list.
#pragma once

#include <string>
#include <vector>

#include "core/decode/label_scheme.h"
#include "core/util/json.h"

namespace nn::test {

inline json::Value ConfigWithLabels(const std::vector<std::string>& labels, const std::string& extra = "") {
  std::string text = "{\"id2label\": {";
  for (size_t i = 0; i < labels.size(); ++i) {
    text += (i ? ", \"" : "\"") + std::to_string(i) + "\": \"" + labels[i] + "\"";
  }
  text += "}" + (extra.empty() ? "" : ", " + extra) + "}";
  return json::Parse(text, "config.json");
}

inline LabelScheme Labels(const std::vector<std::string>& labels) {
  return LabelScheme::FromConfig(ConfigWithLabels(labels), "config.json");
}

}  // namespace nn::test
