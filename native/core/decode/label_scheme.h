// The model's labels (config.json id2label) and what each one means for grouping tokens into entities.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/util/json.h"

namespace nn {

// How the Hugging Face pipeline reads a tag: "B-X" begins an entity of type X, "I-X" continues one,
// anything else (e.g. "O", "PER") is an inside tag whose type is the whole name.
enum class TagRole : uint8_t { kBegin, kInside };

// The tag's prefix in the usual tagging schemes; L- and U- (BILOU) read as E- and S-.
enum class TagPrefix : uint8_t { kOutside, kBegin, kInside, kEnd, kSingle, kPlain };

struct Tag {
  std::string name;  // as in id2label, e.g. "B-PER"
  TagRole role;      // the pipeline's reading, for its aggregation strategies
  int32_t type;      // the pipeline's type: index into LabelScheme::types()
  TagPrefix prefix;  // the tagging-scheme reading, for constrained decoding
  int32_t entity;    // the bare entity type ("PER" for "E-PER"): index into types(); -1 for "O"
};

class LabelScheme {
 public:
  // Reads `id2label` from a parsed config.json. Throws nn::Error(kInvalidModel) naming `source` when it is
  // missing, empty, or its ids are not exactly 0..n-1.
  static LabelScheme FromConfig(const json::Value& config, const std::string& source);

  size_t size() const { return tags_.size(); }
  const Tag& tag(size_t id) const { return tags_[id]; }
  const std::vector<Tag>& tags() const { return tags_; }
  // Entity types in order of first appearance in id2label ("O" included; see outside_type()).
  const std::vector<std::string>& types() const { return types_; }
  // The type index of "O", whose groups are never reported; -1 when the labels have no "O".
  int32_t outside_type() const { return outside_type_; }
  // Whether any tag carries an E-/S-/L-/U- prefix (BIOES or BILOU), and whether any carries B-/I-.
  bool has_end_tags() const { return has_end_tags_; }
  bool has_begin_inside_tags() const { return has_begin_inside_tags_; }

 private:
  int32_t TypeIndex(const std::string& name);  // adds the name to types_ on first use

  std::vector<Tag> tags_;
  std::vector<std::string> types_;
  int32_t outside_type_ = -1;
  bool has_end_tags_ = false;
  bool has_begin_inside_tags_ = false;
};

}  // namespace nn
