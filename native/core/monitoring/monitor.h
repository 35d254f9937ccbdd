// The drift monitor: what texts a model is given and what it says about them, aggregated natively into a Profile as
// calls finish (the engine observes each call of a request that names a Monitor, on its own thread, after the rules
// and the redaction: engine/engine.cc FinishCall). A profile holds counts only, never text, so it can be logged,
// stored as a baseline and exported as metrics; two profiles merge by adding counts, so windows (time buckets,
// processes, files) combine into one. lib/monitoring compares two profiles (docs/monitoring.md).
//
// The signals, per window (units and bins are part of the contract: a profile written with other bins is refused):
//   texts                 texts observed
//   entitiesPerText       histogram of each text's entity count (the entity rate is entities / texts)
//   labels[L].entities    entities per label: the entity-type mix
//   labels[L].score       histogram of entity scores, per label (Bins::Scores, 0..1)
//   labels[L].length      histogram of span lengths in Unicode code points, per label (Bins::SpanLengths), the same
//                         for UTF-16 and UTF-8 input
//   labels[L].ruleEntities, ruleEntities
//                         entities a rule gave (Entity::source > 0): the rule-versus-model share
//   textLength            histogram of text lengths in code points over log-scale bins (Bins::TextLengths)
//   tokenEntropy          histogram of each text's mean token entropy in nats (Bins::Entropies); texts for which the
//                         head gives none (span heads, texts without tokens) are left out of it
//   unkRate               histogram of each text's share of unknown tokens ([UNK]); tokens, unknownTokens: the sums
//   multiWindowTexts      texts that needed more than one model window, of signalTexts
//   signalTexts           texts observed with their text signals (the columns' signals; the engine asks for them
//                         whenever a request has a monitor)
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/decode/entity.h"

namespace nn::monitoring {

// The fixed upper bounds of each histogram's bins (ascending). A value v falls in the first bin whose bound is >= v
// (Prometheus' `le`); values above the last bound fall in one more bin, +Inf.
namespace Bins {
const std::vector<double>& Scores();          // 0.1 .. 0.8, then finer up to 1
const std::vector<double>& SpanLengths();     // 1 .. 256 code points
const std::vector<double>& TextLengths();     // 0, then 2^(k/2) for k = 0 .. 48 (1 .. 16,777,216 code points)
const std::vector<double>& Entropies();       // 0.001 .. 3 nats, about 1.5x apart
const std::vector<double>& UnkRates();        // 0, 0.005 .. 1
const std::vector<double>& EntitiesPerText();  // 0 .. 10 one by one, then 12 .. 100
}  // namespace Bins

struct Histogram {
  const std::vector<double>* bounds = nullptr;  // one of Bins; outlives every histogram
  std::vector<uint64_t> counts;                 // bounds->size() + 1 bins, the last +Inf
  double sum = 0;                               // of the values added, for means (Prometheus' _sum)

  explicit Histogram(const std::vector<double>& bin_bounds);
  void Add(double value);  // NaN is not added
  uint64_t count() const;
  // Adds other's counts; both have the same bounds.
  void Merge(const Histogram& other);
};

struct LabelProfile {
  uint64_t entities = 0;
  uint64_t rule_entities = 0;
  Histogram scores{Bins::Scores()};
  Histogram lengths{Bins::SpanLengths()};

  void Merge(const LabelProfile& other);
};

// One window's counts.
struct Profile {
  uint64_t texts = 0;
  uint64_t signal_texts = 0;
  uint64_t multi_window_texts = 0;
  uint64_t tokens = 0;
  uint64_t unknown_tokens = 0;
  uint64_t entities = 0;
  uint64_t rule_entities = 0;
  Histogram entities_per_text{Bins::EntitiesPerText()};
  Histogram text_length{Bins::TextLengths()};
  Histogram token_entropy{Bins::Entropies()};
  Histogram unk_rate{Bins::UnkRates()};
  std::map<std::string, LabelProfile> labels;  // by label name, ordered so the JSON is stable

  void Merge(const Profile& other);

  // The profile as one JSON object (format "native-ner-profile/1"; docs/monitoring.md lists its fields; histograms
  // are {"le": bounds, "counts": [bins..., +Inf], "sum": x}). Label names are escaped; doubles round-trip exactly.
  std::string ToJson() const;
  // Reads ToJson's output (members it does not know are ignored, so a baseline file may carry more). Throws
  // nn::Error kInvalidArgument naming `source` when it is not such a profile: malformed JSON, another format,
  // missing or negative counts, or histograms whose bounds differ from Bins (a profile written by another version).
  static Profile FromJson(std::string_view json, const std::string& source);
};

// One finished request as the engine holds it: its texts, its result and the names its labels index.
struct ObservedCall {
  const std::vector<std::u16string>* texts = nullptr;  // UTF-8 input decoded, as the engine keeps it
  const EntityColumns* result = nullptr;               // text signals are read when result->signals
  const std::vector<std::string>* label_names = nullptr;
  // UTF-8 input: entity offsets are bytes within text i = utf8[utf8_bounds[i], utf8_bounds[i + 1]). Null: UTF-16.
  std::string_view utf8;
  const std::vector<uint32_t>* utf8_bounds = nullptr;
};

// A profile that many threads add to. Observe adds one call's counts as one step, so a Snapshot or Take never sees
// half a call.
class Monitor {
 public:
  // Any thread. Counts the call's texts into a profile of their own, then adds it under the lock.
  void Observe(const ObservedCall& call);
  void Merge(const Profile& other);
  Profile Snapshot() const;
  // The profile so far, leaving this monitor empty, in one step (rotating a window loses no call).
  Profile Take();

 private:
  mutable std::mutex mutex_;
  Profile profile_;
};

// The profile of one call alone (Monitor::Observe's first step).
Profile ProfileOf(const ObservedCall& call);

}  // namespace nn::monitoring
