#include "core/decode/tagging.h"

#include <string>

#include "core/error.h"

namespace nn {

TaggingScheme ParseTaggingScheme(std::string_view name) {
  if (name == "iob2") return TaggingScheme::kIob2;
  if (name == "iob1") return TaggingScheme::kIob1;
  if (name == "bioes" || name == "bilou") return TaggingScheme::kBioes;
  throw Error(ErrorCode::kInvalidArgument, "unknown tagging scheme '" + std::string(name) + "'; expected iob2, iob1 or bioes");
}

const char* TaggingSchemeName(TaggingScheme scheme) {
  switch (scheme) {
    case TaggingScheme::kIob2: return "iob2";
    case TaggingScheme::kIob1: return "iob1";
    case TaggingScheme::kBioes: return "bioes";
  }
  return "iob2";
}

TaggingScheme DetectTaggingScheme(const LabelScheme& labels) {
  return labels.has_end_tags() ? TaggingScheme::kBioes : TaggingScheme::kIob2;
}

namespace {

bool IsOutside(const Tag& t) { return t.entity < 0; }
bool Same(const Tag& a, const Tag& b) { return !IsOutside(a) && a.entity == b.entity; }
bool Is(const Tag& t, TagPrefix p) { return t.prefix == p; }
// An entity is still open after B- or I- in BIOES: it must be continued or closed by I-/E- of its type.
bool Open(const Tag& t) { return Is(t, TagPrefix::kBegin) || Is(t, TagPrefix::kInside); }

bool Allowed(TaggingScheme scheme, const Tag& prev, const Tag& next) {
  switch (scheme) {
    case TaggingScheme::kIob2:  // I-X only continues an X entity
      return !Is(next, TagPrefix::kInside) || (Same(prev, next) && Open(prev));
    case TaggingScheme::kIob1:  // B-X only separates two adjacent X entities
      return !Is(next, TagPrefix::kBegin) || Same(prev, next);
    case TaggingScheme::kBioes:
      if (Is(next, TagPrefix::kInside) || Is(next, TagPrefix::kEnd)) return Open(prev) && Same(prev, next);
      return !Open(prev);  // B-, S-, O and plain tags need the previous entity closed
  }
  return true;
}

}  // namespace

TransitionRules::TransitionRules(const LabelScheme& labels, TaggingScheme scheme)
    : size_(labels.size()), allowed_(size_ * size_), can_start_(size_), can_end_(size_), continues_(size_ * size_) {
  for (size_t next = 0; next < size_; ++next) {
    const Tag& n = labels.tag(next);
    for (size_t prev = 0; prev < size_; ++prev) {
      const Tag& p = labels.tag(prev);
      allowed_[prev * size_ + next] = Allowed(scheme, p, n);
      continues_[prev * size_ + next] = !IsOutside(n) && !BeginsEntity(&p, n);
    }
    switch (scheme) {
      case TaggingScheme::kIob2:
        can_start_[next] = !Is(n, TagPrefix::kInside);
        can_end_[next] = true;
        break;
      case TaggingScheme::kIob1:
        can_start_[next] = !Is(n, TagPrefix::kBegin);
        can_end_[next] = true;
        break;
      case TaggingScheme::kBioes:
        can_start_[next] = !Is(n, TagPrefix::kInside) && !Is(n, TagPrefix::kEnd);
        can_end_[next] = !Open(n);
        break;
    }
  }
}

bool BeginsEntity(const Tag* previous, const Tag& tag) {
  if (IsOutside(tag)) return false;
  if (Is(tag, TagPrefix::kBegin) || Is(tag, TagPrefix::kSingle)) return true;
  if (!previous || IsOutside(*previous) || !Same(*previous, tag)) return true;
  return Is(*previous, TagPrefix::kEnd) || Is(*previous, TagPrefix::kSingle);
}

bool EndsEntity(const Tag& previous, const Tag* tag) {
  if (IsOutside(previous)) return false;
  if (Is(previous, TagPrefix::kEnd) || Is(previous, TagPrefix::kSingle)) return true;
  return !tag || IsOutside(*tag) || BeginsEntity(&previous, *tag);
}

}  // namespace nn
