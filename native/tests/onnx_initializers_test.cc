// The ONNX initializer reader (runtime/onnx_initializers.h) on small protobuf files written here: names and shapes
// read, tensor data skipped, malformed files giving what could be read and never an error.
#include <cstdio>
#include <string>
#include <unistd.h>

#include "core/runtime/onnx_initializers.h"
#include "tests/check.h"

namespace nn {
namespace {

// Protobuf wire encoding, just enough for ModelProto.graph.initializer.
std::string Varint(uint64_t v) {
  std::string out;
  do {
    out.push_back(static_cast<char>((v & 0x7f) | (v > 0x7f ? 0x80 : 0)));
    v >>= 7;
  } while (v);
  return out;
}
std::string Key(uint64_t field, uint64_t wire) { return Varint(field << 3 | wire); }
std::string VarintField(uint64_t field, uint64_t v) { return Key(field, 0) + Varint(v); }
std::string BytesField(uint64_t field, const std::string& bytes) { return Key(field, 2) + Varint(bytes.size()) + bytes; }

// TensorProto: dims = 1 (repeated int64), data_type = 2, name = 8, raw_data = 9.
std::string Tensor(const std::string& name, const std::vector<uint64_t>& dims, bool packed, size_t data_bytes) {
  std::string tensor;
  if (packed) {
    std::string values;
    for (uint64_t d : dims) values += Varint(d);
    tensor += BytesField(1, values);
  } else {
    for (uint64_t d : dims) tensor += VarintField(1, d);
  }
  tensor += VarintField(2, 1);
  tensor += BytesField(8, name);
  tensor += BytesField(9, std::string(data_bytes, '\x7f'));
  return tensor;
}

// ModelProto: ir_version = 1, producer_name = 2, graph = 7; GraphProto: node = 1, name = 2, initializer = 5.
std::string Model(const std::vector<std::string>& tensors) {
  std::string graph = BytesField(1, "a node, skipped") + BytesField(2, "main_graph");
  for (const std::string& t : tensors) graph += BytesField(5, t);
  return VarintField(1, 8) + BytesField(2, "native-ner test") + BytesField(7, graph) + Key(20, 1) + std::string(8, '\0');
}

class TempFile {
 public:
  explicit TempFile(const std::string& bytes) {
    char name[] = "/tmp/native-ner-onnx-XXXXXX";
    const int fd = mkstemp(name);
    path_ = name;
    if (fd >= 0) {
      if (::write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) path_ += ".unwritten";
      ::close(fd);
    }
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST("onnx initializers", "reads each initializer's name and dims, packed or not, skipping its data") {
  const TempFile file(Model({Tensor("bert.embeddings.position_embeddings.weight", {512, 128}, false, 4096),
                             Tensor("bert.embeddings.word_embeddings.weight", {30522, 128}, true, 300),
                             Tensor("classifier.bias", {9}, false, 36)}));
  const std::vector<InitializerShape> shapes = ReadInitializerShapes(file.path());
  CHECK_EQ(shapes.size(), size_t{3});
  if (shapes.size() != 3) return;
  CHECK_EQ(shapes[0].name, std::string("bert.embeddings.position_embeddings.weight"));
  CHECK_EQ(shapes[0].dims, (std::vector<int64_t>{512, 128}));
  CHECK_EQ(shapes[1].dims, (std::vector<int64_t>{30522, 128}));
  CHECK_EQ(shapes[2].name, std::string("classifier.bias"));
  CHECK_EQ(shapes[2].dims, (std::vector<int64_t>{9}));
}

TEST("onnx initializers", "a missing, empty or truncated file gives what could be read, never an error") {
  CHECK(ReadInitializerShapes("/nonexistent/model.onnx").empty());
  CHECK(ReadInitializerShapes(TempFile("").path()).empty());
  const std::string whole = Model({Tensor("first", {4, 2}, false, 32), Tensor("second", {3}, false, 12)});
  // Cut inside the graph: its declared length runs past the end of the file, so nothing in it can be trusted.
  CHECK(ReadInitializerShapes(TempFile(whole.substr(0, whole.size() - 20)).path()).empty());
  CHECK(ReadInitializerShapes(TempFile(std::string(64, '\xff')).path()).empty());
}

}  // namespace
}  // namespace nn
