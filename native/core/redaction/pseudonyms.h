// Consistent numbered placeholders: the first distinct value of a label is 1, the next 2, and the same value keeps
// its number for as long as the table lives (a text, a call, or the caller's PseudonymMap across calls). Safe to
// share between threads: numbers are handed out under a lock, so concurrent calls never give one number twice.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace nn::redaction {

class PseudonymTable {
 public:
  // A label's values in number order: values[k] has number k + 1.
  struct LabelValues {
    std::string label;
    std::vector<std::u16string> values;
  };

  PseudonymTable() = default;
  // A table that continues `entries` (as Entries() gave them). Throws nn::Error kInvalidArgument when a label
  // appears twice or a label repeats a value (numbers would then be ambiguous).
  explicit PseudonymTable(std::vector<LabelValues> entries);

  // The number of `value` under `label`, given a new one if it has none.
  uint32_t Number(const std::string& label, const std::u16string& value);

  // Every label's values in number order, labels in order of first use.
  std::vector<LabelValues> Entries() const;
  size_t size() const;

 private:
  struct Label {
    std::unordered_map<std::u16string, uint32_t> numbers;
    std::vector<std::u16string> values;
  };
  mutable std::mutex mutex_;
  std::unordered_map<std::string, size_t> label_index_;
  std::vector<std::pair<std::string, Label>> labels_;
};

}  // namespace nn::redaction
