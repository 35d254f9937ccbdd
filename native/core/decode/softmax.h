// Row-wise softmax over label logits, computed as the reference does (subtract the max, exp, normalise) in float.
#pragma once

#include <cmath>
#include <cstddef>

namespace nn {

inline void Softmax(const float* logits, size_t width, float* probabilities) {
  float max = logits[0];
  for (size_t i = 1; i < width; ++i) max = logits[i] > max ? logits[i] : max;
  float sum = 0;
  for (size_t i = 0; i < width; ++i) {
    probabilities[i] = std::exp(logits[i] - max);
    sum += probabilities[i];
  }
  for (size_t i = 0; i < width; ++i) probabilities[i] /= sum;
}

}  // namespace nn
