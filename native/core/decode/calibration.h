// Temperature scaling of a token classifier's probabilities (Guo et al., 2017), as `native-ner calibrate` fits
// it: each label's logit is divided by its temperature before the softmax, so scores (and, with Viterbi, the tag
// sequence chosen from them) are the calibrated ones. The file (calibration.json beside the model, or any path):
//   {"temperature": 1.7}                                   one temperature for every label, or
//   {"temperature": 1.7, "temperatures": {"B-PER": 1.4}}    per label, the rest at "temperature" (default 1);
// other fields (what it was fitted on, its ECE) are the fitting tool's and are ignored here.
#pragma once

#include <string>
#include <vector>

#include "core/decode/label_scheme.h"

namespace nn {

// The factor each label's logit is multiplied by (1 / its temperature), in id2label order. Throws nn::Error
// kModelNotFound for a missing file, kInvalidModel for malformed JSON, a temperature that is not a positive finite
// number, or a label the model does not have (the message names the file).
std::vector<float> LoadCalibration(const std::string& path, const LabelScheme& labels);

}  // namespace nn
