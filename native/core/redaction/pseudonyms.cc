#include "core/redaction/pseudonyms.h"

#include "core/error.h"

namespace nn::redaction {

PseudonymTable::PseudonymTable(std::vector<LabelValues> entries) {
  for (LabelValues& entry : entries) {
    if (label_index_.count(entry.label) > 0) {
      throw Error(ErrorCode::kInvalidArgument, "pseudonym map: label '" + entry.label + "' appears twice");
    }
    label_index_.emplace(entry.label, labels_.size());
    Label label;
    for (std::u16string& value : entry.values) {
      if (!label.numbers.emplace(value, static_cast<uint32_t>(label.values.size() + 1)).second) {
        throw Error(ErrorCode::kInvalidArgument, "pseudonym map: label '" + entry.label + "' lists a value twice");
      }
      label.values.push_back(std::move(value));
    }
    labels_.emplace_back(std::move(entry.label), std::move(label));
  }
}

uint32_t PseudonymTable::Number(const std::string& label, const std::u16string& value) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto [where, added] = label_index_.emplace(label, labels_.size());
  if (added) labels_.emplace_back(label, Label{});
  Label& values = labels_[where->second].second;
  auto [number, fresh] = values.numbers.emplace(value, static_cast<uint32_t>(values.values.size() + 1));
  if (fresh) values.values.push_back(value);
  return number->second;
}

std::vector<PseudonymTable::LabelValues> PseudonymTable::Entries() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<LabelValues> out;
  out.reserve(labels_.size());
  for (const auto& [label, values] : labels_) out.push_back({label, values.values});
  return out;
}

size_t PseudonymTable::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t total = 0;
  for (const auto& entry : labels_) total += entry.second.values.size();
  return total;
}

}  // namespace nn::redaction
