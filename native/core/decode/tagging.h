// Tagging schemes: which tag may follow which, and where entities begin and end in a tag sequence.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "core/decode/label_scheme.h"

namespace nn {

enum class TaggingScheme {
  kIob2,   // B-X begins every entity, I-X continues one (CoNLL-2003 iob2/, most Hugging Face models)
  kIob1,   // I-X begins an entity too; B-X only separates two adjacent entities of one type (original CoNLL-2003)
  kBioes,  // B-X I-X* E-X, or S-X for one unit (BILOU's L- and U- read as E- and S-)
};

// Parses "iob2", "iob1", "bioes" (or "bilou"). Throws nn::Error(kInvalidArgument) otherwise.
TaggingScheme ParseTaggingScheme(std::string_view name);
const char* TaggingSchemeName(TaggingScheme scheme);

// The scheme the labels are written in: BIOES when any tag has an E-/S-/L-/U- prefix, else IOB2 (IOB1 labels
// look the same and must be named explicitly).
TaggingScheme DetectTaggingScheme(const LabelScheme& labels);

// Which transitions a valid tag sequence may take, for constrained (Viterbi) decoding.
class TransitionRules {
 public:
  TransitionRules(const LabelScheme& labels, TaggingScheme scheme);
  bool Allows(size_t previous, size_t next) const { return allowed_[previous * size_ + next] != 0; }
  bool CanStart(size_t tag) const { return can_start_[tag] != 0; }
  bool CanEnd(size_t tag) const { return can_end_[tag] != 0; }
  // Whether `next` continues the entity `previous` belongs to (as BeginsEntity/EndsEntity read it), so that
  // constrained decoding can demand an entity boundary, or none, between two positions whatever the scheme.
  bool Continues(size_t previous, size_t next) const { return continues_[previous * size_ + next] != 0; }
  size_t size() const { return size_; }

 private:
  size_t size_;
  std::vector<char> allowed_, can_start_, can_end_, continues_;
};

// Whether `tag` begins a new entity after `previous` (nullptr at the start), read leniently as conlleval does, so
// an invalid sequence still yields entities: an I-X that cannot continue begins an X entity.
bool BeginsEntity(const Tag* previous, const Tag& tag);
// Whether the entity that `previous` belongs to ends before `tag` (nullptr at the end).
bool EndsEntity(const Tag& previous, const Tag* tag);

}  // namespace nn
