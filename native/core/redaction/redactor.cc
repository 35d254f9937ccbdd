#include "core/redaction/redactor.h"

#include <algorithm>

#include "core/error.h"
#include "core/redaction/keyed.h"
#include "core/redaction/overlaps.h"
#include "core/util/utf.h"

namespace nn::redaction {
namespace {

std::u16string ToU16(std::string_view utf8) { return utf::Utf8ToUtf16(utf8); }

// "<" + label + tail + ">": every placeholder's shape.
std::u16string Placeholder(const std::string& label, std::u16string_view tail) {
  std::u16string out = u"<" + ToU16(label);
  out.append(tail);
  out.push_back(u'>');
  return out;
}

std::u16string Mask(const Operator& op, std::u16string_view value) {
  const std::vector<uint32_t> boundaries = GraphemeBoundaries(value);
  const size_t clusters = boundaries.size() - 1;
  const size_t masked = clusters > op.keep_last ? clusters - op.keep_last : 0;
  std::u16string out;
  for (size_t k = 0; k < masked; ++k) utf::AppendUtf16(op.mask_char, &out);
  out.append(value.substr(boundaries[masked]));
  return out;
}

void CheckKeys(const Policy& policy, const Operator& op, const std::string& label) {
  if (op.kind == OperatorKind::kHash && policy.hash_key.size() < kMinHashKeyBytes) {
    throw Error(ErrorCode::kInvalidArgument, "the hash operator of " + label + " needs a hash key of at least 32 bytes");
  }
  if (op.kind == OperatorKind::kEncrypt && policy.encrypt_key.size() != kEncryptKeyBytes) {
    throw Error(ErrorCode::kInvalidArgument, "the encrypt operator of " + label + " needs a 32-byte encrypt key");
  }
}

}  // namespace

const char* OperatorName(OperatorKind kind) {
  switch (kind) {
    case OperatorKind::kReplace: return "replace";
    case OperatorKind::kMask: return "mask";
    case OperatorKind::kRemove: return "remove";
    case OperatorKind::kHash: return "hash";
    case OperatorKind::kPseudonym: return "pseudonym";
    case OperatorKind::kEncrypt: return "encrypt";
    case OperatorKind::kKeep: return "keep";
  }
  return "replace";
}

Redactor::Redactor(const Policy& policy, const std::vector<std::string>& label_names)
    : policy_(policy), label_names_(label_names) {
  CheckKeys(policy, policy.fallback, "every label");
  for (const auto& [label, op] : policy.operators) CheckKeys(policy, op, label);
  if (policy.pseudonyms == PseudonymScope::kCall) call_pseudonyms_ = std::make_unique<PseudonymTable>();
  if (policy.pseudonyms == PseudonymScope::kShared && !policy.shared_pseudonyms) {
    throw Error(ErrorCode::kInternal, "a shared pseudonym scope without its table");
  }
}

std::u16string Redactor::Rewrite(const Operator& op, const std::string& label, std::u16string_view value,
                                 PseudonymTable* pseudonyms) const {
  switch (op.kind) {
    case OperatorKind::kReplace:
      return op.replacement ? *op.replacement : Placeholder(label, u"");
    case OperatorKind::kMask:
      return Mask(op, value);
    case OperatorKind::kRemove:
      return u"";
    case OperatorKind::kHash: {
      const std::string digest = HmacSha256Hex(policy_.hash_key, utf::Utf16ToUtf8(value));
      return Placeholder(label, u":" + ToU16(std::string_view(digest).substr(0, op.hash_length)));
    }
    case OperatorKind::kPseudonym: {
      const uint32_t number = pseudonyms->Number(label, std::u16string(value));
      return Placeholder(label, u"_" + ToU16(std::to_string(number)));
    }
    case OperatorKind::kEncrypt:
      return Placeholder(label, u":enc:" + ToU16(Seal(policy_.encrypt_key, label, utf::Utf16ToUtf8(value))));
    case OperatorKind::kKeep:
      return std::u16string(value);
  }
  return std::u16string(value);
}

void Redactor::Redact(std::u16string_view text, const std::vector<Entity>& entities, RedactedTexts* out) {
  std::vector<Detection> rewritten;  // Detection::index: the entity's position
  std::vector<Detection> kept;
  for (size_t k = 0; k < entities.size(); ++k) {
    const Entity& e = entities[k];
    const std::string& label = label_names_[e.label];
    auto minimum = policy_.min_scores.find(label);
    if (minimum != policy_.min_scores.end() && e.score < minimum->second) continue;
    if (!policy_.allow.empty() && policy_.allow.count(std::u16string(text.substr(e.start, e.end - e.start))) > 0) continue;
    const Detection d{e.start, e.end, e.score, static_cast<uint32_t>(k)};
    (policy_.For(label).kind == OperatorKind::kKeep ? kept : rewritten).push_back(d);
  }
  if (!rewritten.empty() || !kept.empty()) {
    const std::vector<uint32_t> boundaries = GraphemeBoundaries(text);
    for (Detection& d : rewritten) SnapToBoundaries(boundaries, &d.start, &d.end);
    for (Detection& d : kept) SnapToBoundaries(boundaries, &d.start, &d.end);
  }
  const std::vector<Region> regions = MergeOverlaps(rewritten);

  PseudonymTable text_pseudonyms;
  PseudonymTable* pseudonyms = policy_.pseudonyms == PseudonymScope::kText   ? &text_pseudonyms
                               : policy_.pseudonyms == PseudonymScope::kCall ? call_pseudonyms_.get()
                                                                             : policy_.shared_pseudonyms.get();
  struct Item {
    uint32_t start, end, new_start, new_end;
    const Entity* entity;
    OperatorKind kind;
  };
  std::vector<Item> items;
  std::u16string result;
  result.reserve(text.size());
  uint32_t copied = 0;  // text before this is in result
  for (const Region& region : regions) {
    const Entity& leader = entities[rewritten[region.leader].index];
    const std::string& label = label_names_[leader.label];
    const Operator& op = policy_.For(label);
    result.append(text.substr(copied, region.start - copied));
    const uint32_t new_start = static_cast<uint32_t>(result.size());
    result.append(Rewrite(op, label, text.substr(region.start, region.end - region.start), pseudonyms));
    items.push_back(Item{region.start, region.end, new_start, static_cast<uint32_t>(result.size()), &leader, op.kind});
    copied = region.end;
  }
  result.append(text.substr(copied));

  // Kept detections touching no region keep their text; their new offsets shift by the regions before them.
  if (!kept.empty()) {
    std::sort(kept.begin(), kept.end(), [](const Detection& a, const Detection& b) {
      return a.start != b.start ? a.start < b.start : a.end > b.end;
    });
    size_t r = 0;
    int64_t shift = 0;
    for (const Detection& d : kept) {
      while (r < regions.size() && regions[r].end <= d.start) {
        shift = static_cast<int64_t>(items[r].new_end) - regions[r].end;
        ++r;
      }
      if (r < regions.size() && regions[r].start < d.end) continue;  // inside a rewritten region: gone with it
      items.push_back(Item{d.start, d.end, static_cast<uint32_t>(d.start + shift), static_cast<uint32_t>(d.end + shift),
                           &entities[d.index], OperatorKind::kKeep});
    }
    std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.start < b.start; });
  }

  out->texts.push_back(std::move(result));
  for (const Item& item : items) {
    out->starts.push_back(item.start);
    out->ends.push_back(item.end);
    out->new_starts.push_back(item.new_start);
    out->new_ends.push_back(item.new_end);
    out->labels.push_back(item.entity->label);
    out->operators.push_back(static_cast<uint8_t>(item.kind));
    out->scores.push_back(item.entity->score);
    out->sources.push_back(item.entity->source);
  }
  out->offsets.push_back(static_cast<uint32_t>(out->starts.size()));
}

}  // namespace nn::redaction
