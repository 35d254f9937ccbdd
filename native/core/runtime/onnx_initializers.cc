#include "core/runtime/onnx_initializers.h"

#include <cstdio>
#include <memory>

namespace nn {
namespace {

// Protobuf field numbers (onnx.proto3).
constexpr uint64_t kModelGraph = 7;         // ModelProto.graph: GraphProto
constexpr uint64_t kGraphInitializer = 5;   // GraphProto.initializer: repeated TensorProto
constexpr uint64_t kTensorDims = 1;         // TensorProto.dims: repeated int64
constexpr uint64_t kTensorName = 8;         // TensorProto.name: string
constexpr size_t kMaxNameBytes = 1 << 16;   // a longer "name" means a malformed file

enum WireType : uint64_t { kVarint = 0, kFixed64 = 1, kBytes = 2, kFixed32 = 5 };

// Reads protobuf fields from a file, seeking over what is not wanted. Any malformation sets ok = false.
class ProtoReader {
 public:
  explicit ProtoReader(std::FILE* file) : file_(file) {
    if (std::fseek(file_, 0, SEEK_END) == 0) size_ = std::ftell(file_);
    ok_ = size_ > 0 && std::fseek(file_, 0, SEEK_SET) == 0;
  }

  bool ok() const { return ok_; }
  int64_t size() const { return size_; }
  int64_t position() const { return position_; }

  bool Varint(uint64_t* value) {
    *value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const int c = std::fgetc(file_);
      if (c == EOF) return ok_ = false;
      ++position_;
      *value |= static_cast<uint64_t>(c & 0x7f) << shift;
      if ((c & 0x80) == 0) return true;
    }
    return ok_ = false;
  }

  // The next field's number and wire type; false at `end` or on a malformed key.
  bool Key(int64_t end, uint64_t* field, uint64_t* wire) {
    if (!ok_ || position_ >= end) return false;
    uint64_t key;
    if (!Varint(&key)) return false;
    *field = key >> 3;
    *wire = key & 7;
    return true;
  }

  // The end offset of a length-delimited field starting here, within `limit`.
  bool BytesEnd(int64_t limit, int64_t* end) {
    uint64_t length;
    if (!Varint(&length) || length > static_cast<uint64_t>(limit - position_)) return ok_ = false;
    *end = position_ + static_cast<int64_t>(length);
    return true;
  }

  bool SeekTo(int64_t offset) {
    if (offset < position_ || offset > size_ || std::fseek(file_, offset, SEEK_SET) != 0) return ok_ = false;
    position_ = offset;
    return true;
  }

  bool Skip(uint64_t wire, int64_t limit) {
    uint64_t ignored;
    int64_t end;
    switch (wire) {
      case kVarint: return Varint(&ignored);
      case kFixed64: return SeekTo(position_ + 8);
      case kFixed32: return SeekTo(position_ + 4);
      case kBytes: return BytesEnd(limit, &end) && SeekTo(end);
      default: return ok_ = false;  // groups are not used by ONNX
    }
  }

  bool String(int64_t end, std::string* out) {
    if (end - position_ > static_cast<int64_t>(kMaxNameBytes)) return ok_ = false;
    out->resize(static_cast<size_t>(end - position_));
    if (!out->empty() && std::fread(out->data(), 1, out->size(), file_) != out->size()) return ok_ = false;
    position_ = end;
    return true;
  }

 private:
  std::FILE* file_;
  int64_t size_ = 0;
  int64_t position_ = 0;
  bool ok_ = false;
};

bool ReadTensorShape(ProtoReader& in, int64_t end, InitializerShape* out) {
  uint64_t field, wire;
  while (in.Key(end, &field, &wire)) {
    if (field == kTensorDims && wire == kVarint) {
      uint64_t dim;
      if (!in.Varint(&dim)) return false;
      out->dims.push_back(static_cast<int64_t>(dim));
    } else if (field == kTensorDims && wire == kBytes) {  // packed
      int64_t packed_end;
      if (!in.BytesEnd(end, &packed_end)) return false;
      while (in.position() < packed_end) {
        uint64_t dim;
        if (!in.Varint(&dim)) return false;
        out->dims.push_back(static_cast<int64_t>(dim));
      }
    } else if (field == kTensorName && wire == kBytes) {
      int64_t name_end;
      if (!in.BytesEnd(end, &name_end) || !in.String(name_end, &out->name)) return false;
    } else if (!in.Skip(wire, end)) {
      return false;
    }
  }
  return in.ok() && in.SeekTo(end);
}

}  // namespace

std::vector<InitializerShape> ReadInitializerShapes(const std::string& path) {
  std::vector<InitializerShape> shapes;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) return shapes;
  ProtoReader in(file.get());
  if (!in.ok()) return shapes;
  uint64_t field, wire;
  while (in.Key(in.size(), &field, &wire)) {
    if (field != kModelGraph || wire != kBytes) {
      if (!in.Skip(wire, in.size())) break;
      continue;
    }
    int64_t graph_end;
    if (!in.BytesEnd(in.size(), &graph_end)) break;
    while (in.Key(graph_end, &field, &wire)) {
      if (field == kGraphInitializer && wire == kBytes) {
        int64_t tensor_end;
        InitializerShape shape;
        if (!in.BytesEnd(graph_end, &tensor_end) || !ReadTensorShape(in, tensor_end, &shape)) return shapes;
        shapes.push_back(std::move(shape));
      } else if (!in.Skip(wire, graph_end)) {
        return shapes;
      }
    }
    break;  // one graph per model
  }
  return shapes;
}

}  // namespace nn
