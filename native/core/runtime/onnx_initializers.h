// The names and shapes of an ONNX file's initializers (its weights), read straight from the protobuf without
// loading the weights: ONNX Runtime's C API does not list initializers, and the model loader needs one shape
// (the position-embedding table, which bounds the model window).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nn {

struct InitializerShape {
  std::string name;
  std::vector<int64_t> dims;
};

// Every initializer of the graph at `path` (ModelProto.graph.initializer), tensor data skipped by seeking.
// Returns what it could read: an unreadable or malformed file gives an empty or partial list, never an error
// (ONNX Runtime, which loads the same file, is the judge of its validity).
std::vector<InitializerShape> ReadInitializerShapes(const std::string& path);

}  // namespace nn
