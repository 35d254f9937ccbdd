#include "core/monitoring/monitor.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/error.h"
#include "core/util/json.h"

namespace nn::monitoring {
namespace {

constexpr const char* kFormat = "native-ner-profile/1";

std::vector<double> TextLengthBounds() {
  std::vector<double> bounds{0};
  for (int k = 0; k <= 48; ++k) bounds.push_back(std::pow(2.0, k / 2.0));
  return bounds;
}

// Code points of UTF-16 text: every unit but the second of a surrogate pair.
uint32_t CodePoints(std::u16string_view text) {
  uint32_t count = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool pair = text[i] >= 0xD800 && text[i] <= 0xDBFF && i + 1 < text.size() && text[i + 1] >= 0xDC00 &&
                      text[i + 1] <= 0xDFFF;
    if (pair) ++i;
    ++count;
  }
  return count;
}

// Code points of UTF-8 text: every byte that does not continue a sequence.
uint32_t CodePoints(std::string_view utf8) {
  uint32_t count = 0;
  for (unsigned char c : utf8) count += (c & 0xC0) != 0x80;
  return count;
}

// ---- writing JSON

void AppendNumber(double value, std::string* out) {
  char buffer[32];
  // The shortest of %.15g and %.17g that reads back as the same double (0.1, not 0.10000000000000001).
  std::snprintf(buffer, sizeof buffer, "%.15g", value);
  if (std::strtod(buffer, nullptr) != value) std::snprintf(buffer, sizeof buffer, "%.17g", value);
  out->append(buffer);
}

void AppendCount(uint64_t value, std::string* out) { out->append(std::to_string(value)); }

void AppendString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
      out->append(buffer);
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
  out->push_back('"');
}

void AppendHistogram(const Histogram& h, std::string* out) {
  out->append("{\"le\":[");
  for (size_t i = 0; i < h.bounds->size(); ++i) {
    if (i) out->push_back(',');
    AppendNumber((*h.bounds)[i], out);
  }
  out->append("],\"counts\":[");
  for (size_t i = 0; i < h.counts.size(); ++i) {
    if (i) out->push_back(',');
    AppendCount(h.counts[i], out);
  }
  out->append("],\"sum\":");
  AppendNumber(h.sum, out);
  out->push_back('}');
}

// ---- reading JSON

[[noreturn]] void Invalid(const std::string& source, const std::string& what) {
  throw Error(ErrorCode::kInvalidArgument, source + ": not a native-ner profile: " + what);
}

uint64_t CountOf(const json::Value* v, const std::string& source, const std::string& name) {
  if (!v || !v->is_number()) Invalid(source, name + " is missing or not a number");
  const double n = v->as_number();
  if (!(n >= 0) || n != std::floor(n) || n > 9007199254740992.0) {
    Invalid(source, name + " must be a count (a whole number from 0), got " + std::to_string(n));
  }
  return static_cast<uint64_t>(n);
}

uint64_t ReadCount(const json::Value& object, std::string_view key, const std::string& source, const std::string& at) {
  return CountOf(object.find(key), source, at + std::string(key));
}

void ReadHistogram(const json::Value& object, std::string_view key, const std::string& source, const std::string& at,
                   Histogram* h) {
  const std::string name = at + std::string(key);
  const json::Value* v = object.find(key);
  if (!v || !v->is_object()) Invalid(source, name + " is missing or not a histogram");
  const json::Value* le = v->find("le");
  const json::Value* counts = v->find("counts");
  const json::Value* sum = v->find("sum");
  if (!le || !counts || !sum || !le->is_array() || !counts->is_array() || !sum->is_number()) {
    Invalid(source, name + " needs le, counts and sum");
  }
  const std::vector<double>& bounds = *h->bounds;
  bool same = le->as_array().size() == bounds.size();
  for (size_t i = 0; same && i < bounds.size(); ++i) same = le->as_array()[i].as_number(std::nan("")) == bounds[i];
  if (!same) Invalid(source, name + " has other bins than this version's (was it written by another version?)");
  if (counts->as_array().size() != bounds.size() + 1) {
    Invalid(source, name + ".counts needs " + std::to_string(bounds.size() + 1) + " entries (the last for +Inf)");
  }
  for (size_t i = 0; i < h->counts.size(); ++i) {
    h->counts[i] = CountOf(&counts->as_array()[i], source, name + ".counts[" + std::to_string(i) + "]");
  }
  h->sum = sum->as_number();
}

}  // namespace

// ---- bins

namespace Bins {
const std::vector<double>& Scores() {
  static const std::vector<double> bounds{0.1,  0.2,  0.3,  0.4,  0.5,   0.6,  0.7,   0.8,   0.85, 0.9,
                                          0.925, 0.95, 0.96, 0.97, 0.98, 0.99, 0.995, 0.999, 1};
  return bounds;
}
const std::vector<double>& SpanLengths() {
  static const std::vector<double> bounds{1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 25, 30, 40, 50, 64, 100, 128, 256};
  return bounds;
}
const std::vector<double>& TextLengths() {
  static const std::vector<double> bounds = TextLengthBounds();
  return bounds;
}
const std::vector<double>& Entropies() {
  static const std::vector<double> bounds{0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.075,
                                          0.1,   0.15,  0.2,   0.3,   0.4,    0.5,  0.75,  1,    1.5,  2,    3};
  return bounds;
}
const std::vector<double>& UnkRates() {
  static const std::vector<double> bounds{0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1};
  return bounds;
}
const std::vector<double>& EntitiesPerText() {
  static const std::vector<double> bounds{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 30, 50, 100};
  return bounds;
}
}  // namespace Bins

// ---- histograms and profiles

Histogram::Histogram(const std::vector<double>& bin_bounds) : bounds(&bin_bounds), counts(bin_bounds.size() + 1, 0) {}

void Histogram::Add(double value) {
  if (std::isnan(value)) return;
  const size_t bin = std::lower_bound(bounds->begin(), bounds->end(), value) - bounds->begin();
  ++counts[bin];
  sum += value;
}

uint64_t Histogram::count() const {
  uint64_t total = 0;
  for (uint64_t c : counts) total += c;
  return total;
}

void Histogram::Merge(const Histogram& other) {
  for (size_t i = 0; i < counts.size(); ++i) counts[i] += other.counts[i];
  sum += other.sum;
}

void LabelProfile::Merge(const LabelProfile& other) {
  entities += other.entities;
  rule_entities += other.rule_entities;
  scores.Merge(other.scores);
  lengths.Merge(other.lengths);
}

void Profile::Merge(const Profile& other) {
  texts += other.texts;
  signal_texts += other.signal_texts;
  multi_window_texts += other.multi_window_texts;
  tokens += other.tokens;
  unknown_tokens += other.unknown_tokens;
  entities += other.entities;
  rule_entities += other.rule_entities;
  entities_per_text.Merge(other.entities_per_text);
  text_length.Merge(other.text_length);
  token_entropy.Merge(other.token_entropy);
  unk_rate.Merge(other.unk_rate);
  for (const auto& [name, label] : other.labels) labels[name].Merge(label);
}

std::string Profile::ToJson() const {
  std::string out = "{\"format\":";
  AppendString(kFormat, &out);
  const std::pair<const char*, uint64_t> counts[] = {
      {"texts", texts},   {"signalTexts", signal_texts},    {"multiWindowTexts", multi_window_texts},
      {"tokens", tokens}, {"unknownTokens", unknown_tokens}, {"entities", entities},
      {"ruleEntities", rule_entities}};
  for (const auto& [key, value] : counts) {
    out.append(",\"").append(key).append("\":");
    AppendCount(value, &out);
  }
  const std::pair<const char*, const Histogram*> histograms[] = {{"entitiesPerText", &entities_per_text},
                                                                  {"textLength", &text_length},
                                                                  {"tokenEntropy", &token_entropy},
                                                                  {"unkRate", &unk_rate}};
  for (const auto& [key, h] : histograms) {
    out.append(",\"").append(key).append("\":");
    AppendHistogram(*h, &out);
  }
  out.append(",\"labels\":{");
  bool first = true;
  for (const auto& [name, label] : labels) {
    if (!first) out.push_back(',');
    first = false;
    AppendString(name, &out);
    out.append(":{\"entities\":");
    AppendCount(label.entities, &out);
    out.append(",\"ruleEntities\":");
    AppendCount(label.rule_entities, &out);
    out.append(",\"score\":");
    AppendHistogram(label.scores, &out);
    out.append(",\"length\":");
    AppendHistogram(label.lengths, &out);
    out.push_back('}');
  }
  out.append("}}");
  return out;
}

Profile Profile::FromJson(std::string_view text, const std::string& source) {
  json::Value doc;
  try {
    doc = json::Parse(text, source);
  } catch (const Error& e) {
    throw Error(ErrorCode::kInvalidArgument, e.what());  // the reader's kInvalidModel is about model files
  }
  if (!doc.is_object()) Invalid(source, "the document is not an object");
  const json::Value* format = doc.find("format");
  if (!format || format->as_string() != kFormat) {
    Invalid(source, std::string("format must be \"") + kFormat + "\"");
  }
  Profile p;
  p.texts = ReadCount(doc, "texts", source, "");
  p.signal_texts = ReadCount(doc, "signalTexts", source, "");
  p.multi_window_texts = ReadCount(doc, "multiWindowTexts", source, "");
  p.tokens = ReadCount(doc, "tokens", source, "");
  p.unknown_tokens = ReadCount(doc, "unknownTokens", source, "");
  p.entities = ReadCount(doc, "entities", source, "");
  p.rule_entities = ReadCount(doc, "ruleEntities", source, "");
  ReadHistogram(doc, "entitiesPerText", source, "", &p.entities_per_text);
  ReadHistogram(doc, "textLength", source, "", &p.text_length);
  ReadHistogram(doc, "tokenEntropy", source, "", &p.token_entropy);
  ReadHistogram(doc, "unkRate", source, "", &p.unk_rate);
  const json::Value* labels = doc.find("labels");
  if (!labels || !labels->is_object()) Invalid(source, "labels is missing or not an object");
  for (const auto& [name, value] : labels->as_object()) {
    if (!value.is_object()) Invalid(source, "labels." + name + " is not an object");
    const std::string at = "labels." + name + ".";
    LabelProfile& label = p.labels[name];
    label.entities = ReadCount(value, "entities", source, at);
    label.rule_entities = ReadCount(value, "ruleEntities", source, at);
    ReadHistogram(value, "score", source, at, &label.scores);
    ReadHistogram(value, "length", source, at, &label.lengths);
  }
  return p;
}

// ---- observing calls

Profile ProfileOf(const ObservedCall& call) {
  Profile p;
  const EntityColumns& result = *call.result;
  const std::vector<std::u16string>& texts = *call.texts;
  const std::vector<std::string>& names = *call.label_names;
  const bool utf8 = call.utf8_bounds != nullptr && !call.utf8_bounds->empty();
  const bool signals = result.signals && result.text_entropy.size() == result.text_count();
  // Label ids to their profiles, looked up once per label of the call.
  std::vector<LabelProfile*> by_id(names.size(), nullptr);
  for (size_t t = 0; t < result.text_count(); ++t) {
    ++p.texts;
    const uint32_t first = result.offsets[t];
    const uint32_t last = result.offsets[t + 1];
    p.entities_per_text.Add(last - first);
    p.text_length.Add(CodePoints(texts[t]));
    if (signals) {
      ++p.signal_texts;
      p.token_entropy.Add(result.text_entropy[t]);
      p.unk_rate.Add(result.unk_rate[t]);
      p.tokens += result.text_tokens[t];
      p.unknown_tokens += static_cast<uint64_t>(std::llround(result.unk_rate[t] * result.text_tokens[t]));
      if (result.text_windows[t] > 1) ++p.multi_window_texts;
    }
    for (uint32_t k = first; k < last; ++k) {
      const int32_t id = result.labels[k];
      if (id < 0 || static_cast<size_t>(id) >= names.size()) continue;  // no name: nothing to count it under
      LabelProfile*& label = by_id[id];
      if (!label) label = &p.labels[names[id]];
      const bool rule = !result.sources.empty() && result.sources[k] > 0;
      ++label->entities;
      label->rule_entities += rule;
      ++p.entities;
      p.rule_entities += rule;
      label->scores.Add(result.scores[k]);
      const uint32_t start = result.starts[k];
      const uint32_t end = std::max(start, result.ends[k]);
      const uint32_t length =
          utf8 ? CodePoints(call.utf8.substr((*call.utf8_bounds)[t] + start, end - start))
               : CodePoints(std::u16string_view(texts[t]).substr(start, end - start));
      label->lengths.Add(length);
    }
  }
  return p;
}

void Monitor::Observe(const ObservedCall& call) { Merge(ProfileOf(call)); }

void Monitor::Merge(const Profile& other) {
  std::lock_guard<std::mutex> lock(mutex_);
  profile_.Merge(other);
}

Profile Monitor::Snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return profile_;
}

Profile Monitor::Take() {
  std::lock_guard<std::mutex> lock(mutex_);
  Profile taken = std::move(profile_);
  profile_ = Profile{};
  return taken;
}

}  // namespace nn::monitoring
