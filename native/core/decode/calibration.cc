#include "core/decode/calibration.h"

#include <cmath>

#include "core/error.h"
#include "core/util/json.h"

namespace nn {
namespace {

float InverseOf(const json::Value& value, const std::string& what, const std::string& path) {
  const double temperature = value.as_number(-1);
  if (!(temperature > 0) || !std::isfinite(temperature)) {
    throw Error(ErrorCode::kInvalidModel, path + ": " + what + " must be a positive number");
  }
  return static_cast<float>(1.0 / temperature);
}

}  // namespace

std::vector<float> LoadCalibration(const std::string& path, const LabelScheme& labels) {
  const json::Value root = json::Parse(json::ReadFile(path), path);
  if (!root.is_object()) throw Error(ErrorCode::kInvalidModel, path + ": a calibration file is a JSON object");
  float shared = 1.0f;
  if (const json::Value* t = root.find("temperature")) shared = InverseOf(*t, "temperature", path);
  std::vector<float> inverse(labels.size(), shared);
  if (const json::Value* per_label = root.find("temperatures")) {
    if (!per_label->is_object()) throw Error(ErrorCode::kInvalidModel, path + ": temperatures must be an object by label");
    for (const auto& [name, value] : per_label->as_object()) {
      size_t id = labels.size();
      for (size_t k = 0; k < labels.size(); ++k) {
        if (labels.tag(k).name == name) id = k;
      }
      if (id == labels.size()) {
        throw Error(ErrorCode::kInvalidModel, path + ": temperatures names label '" + name + "', which this model does not have");
      }
      inverse[id] = InverseOf(value, "temperatures." + name, path);
    }
  }
  return inverse;
}

}  // namespace nn
