#include "core/decode/head.h"

#include <algorithm>
#include <iterator>

#include "core/error.h"

namespace nn {

// Every head, by its config.json "ner_head" name, the first being the default. A new head is one file defining its
// maker (std::unique_ptr<Head> Make<Name>Head(const json::Value& config, const std::string& config_path,
// const LabelScheme& labels)) and one line here.
#define NN_HEADS(X)          \
  X("token", MakeTokenHead) \
  X("span", MakeSpanHead)

#define NN_DECLARE_HEAD_MAKER(name, maker) \
  std::unique_ptr<Head> maker(const json::Value& config, const std::string& config_path, const LabelScheme& labels);
NN_HEADS(NN_DECLARE_HEAD_MAKER)
#undef NN_DECLARE_HEAD_MAKER

namespace {

using HeadMaker = std::unique_ptr<Head> (*)(const json::Value&, const std::string&, const LabelScheme&);

struct HeadEntry {
  const char* name;
  HeadMaker make;
};

#define NN_HEAD_ENTRY(name, maker) HeadEntry{name, &maker},
constexpr HeadEntry kHeads[] = {NN_HEADS(NN_HEAD_ENTRY)};
#undef NN_HEAD_ENTRY

// `"token" (the default) or "span"`.
std::string HeadChoices() {
  std::string out;
  const size_t count = std::size(kHeads);
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) out += i + 1 == count ? " or " : ", ";
    out += std::string("\"") + kHeads[i].name + "\"";
    if (i == 0) out += " (the default)";
  }
  return out;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace

std::vector<std::string> HeadOptions::given() const {
  std::vector<std::string> names;
  if (aggregation) names.emplace_back("aggregation");
  if (decoding) names.emplace_back("decoding");
  if (repair) names.emplace_back("repair");
  if (scheme) names.emplace_back("scheme");
  if (span_mode) names.emplace_back("spanMode");
  if (span_threshold) names.emplace_back("spanThreshold");
  return names;
}

void Head::CheckOptions(const HeadOptions& options) const {
  const std::vector<std::string> takes = option_names();
  std::vector<std::string> misplaced;
  for (const std::string& name : options.given()) {
    if (std::find(takes.begin(), takes.end(), name) == takes.end()) misplaced.push_back(name);
  }
  if (misplaced.empty()) return;
  throw Error(ErrorCode::kInvalidArgument,
              std::string(misplaced.size() == 1 ? "extract option " : "extract options ") + JoinNames(misplaced) +
                  (misplaced.size() == 1 ? " does" : " do") + " not apply to " + description() +
                  " (ner_head \"" + name() + "\")" +
                  (takes.empty() ? std::string() : "; it takes " + JoinNames(takes)));
}

std::unique_ptr<Head> MakeHead(const json::Value& config, const std::string& config_path, const LabelScheme& labels) {
  const json::Value* head = config.find("ner_head");
  const std::string name = head ? head->as_string() : kHeads[0].name;
  for (const HeadEntry& entry : kHeads) {
    if (name == entry.name) return entry.make(config, config_path, labels);
  }
  throw Error(ErrorCode::kInvalidModel, config_path + ": ner_head must be " + HeadChoices());
}

}  // namespace nn
