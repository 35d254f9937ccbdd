// The drift monitor (monitoring/monitor.h): bins, one call's profile, merging, JSON round trips and refusals, and
// concurrent observation.
#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "core/monitoring/monitor.h"
#include "tests/check.h"

namespace nn {
namespace {

using monitoring::Histogram;
using monitoring::Monitor;
using monitoring::ObservedCall;
using monitoring::Profile;

// Columns for texts given as (entities, signals): each entity {start, end, label, score, source}.
struct TextSpec {
  std::vector<Entity> entities;
  float entropy;
  uint32_t unknown, windows, tokens;
};

EntityColumns Columns(const std::vector<TextSpec>& texts, bool signals) {
  EntityColumns columns;
  columns.signals = signals;
  for (const TextSpec& t : texts) {
    columns.Append(t.entities);
    if (signals) columns.AppendTextSignals(t.entropy, t.unknown, t.windows, t.tokens);
  }
  return columns;
}

Entity At(uint32_t start, uint32_t end, int32_t label, float score, int32_t source = 0) {
  Entity e{start, end, label, score, -1};
  e.source = source;
  return e;
}

const std::vector<std::string> kNames{"PER", "LOC", "MISC"};

ObservedCall Call(const std::vector<std::u16string>& texts, const EntityColumns& columns,
                  const std::vector<std::string>& names = kNames) {
  ObservedCall call;
  call.texts = &texts;
  call.result = &columns;
  call.label_names = &names;
  return call;
}

TEST("monitoring bins", "a value goes to the first bin whose bound is at least it; above the last, to +Inf") {
  Histogram h(monitoring::Bins::Scores());
  h.Add(0.1);   // on a bound: that bin
  h.Add(0.15);  // between 0.1 and 0.2: the 0.2 bin
  h.Add(1.0);
  h.Add(1.5);   // over the last bound
  h.Add(std::nan(""));
  CHECK_EQ(h.counts.size(), monitoring::Bins::Scores().size() + 1);
  CHECK_EQ(h.counts[0], uint64_t{1});
  CHECK_EQ(h.counts[1], uint64_t{1});
  CHECK_EQ(h.counts[h.counts.size() - 2], uint64_t{1});
  CHECK_EQ(h.counts.back(), uint64_t{1});
  CHECK_EQ(h.count(), uint64_t{4});  // NaN left out
  CHECK(std::abs(h.sum - 2.75) < 1e-12);
}

TEST("monitoring bins", "every signal's bounds ascend strictly; text lengths are log-scale from 1 to 2^24") {
  for (const std::vector<double>* bounds :
       {&monitoring::Bins::Scores(), &monitoring::Bins::SpanLengths(), &monitoring::Bins::TextLengths(),
        &monitoring::Bins::Entropies(), &monitoring::Bins::UnkRates(), &monitoring::Bins::EntitiesPerText()}) {
    for (size_t i = 1; i < bounds->size(); ++i) CHECK((*bounds)[i - 1] < (*bounds)[i]);
  }
  const std::vector<double>& lengths = monitoring::Bins::TextLengths();
  CHECK_EQ(lengths.front(), 0.0);
  CHECK_EQ(lengths[1], 1.0);
  CHECK_EQ(lengths.back(), 16777216.0);
  CHECK(std::abs(lengths[3] / lengths[2] - std::sqrt(2.0)) < 1e-12);
}

TEST("monitoring profile", "counts one call's texts, entities by label and source, lengths in code points, signals") {
  // Text 0 holds a surrogate pair: "\U0001F600 Ann" is 6 units, 5 code points; "Ann" spans [3, 6).
  const std::vector<std::u16string> texts{u"\U0001F600 Ann", u"Paris and Rome", u""};
  const EntityColumns columns = Columns(
      {
          {{At(0, 6, 0, 0.5f)}, 0.2f, 1, 1, 4},                                    // the whole text: 5 code points
          {{At(0, 5, 1, 0.97f), At(10, 14, 1, 0.999f, /*source=*/2)}, 0.01f, 0, 3, 3},
          {{}, kNoSignal, 0, 0, 0},                                                 // no tokens: no entropy
      },
      /*signals=*/true);
  const Profile p = monitoring::ProfileOf(Call(texts, columns));
  CHECK_EQ(p.texts, uint64_t{3});
  CHECK_EQ(p.signal_texts, uint64_t{3});
  CHECK_EQ(p.entities, uint64_t{3});
  CHECK_EQ(p.rule_entities, uint64_t{1});
  CHECK_EQ(p.multi_window_texts, uint64_t{1});  // only text 1 needed more than one window
  CHECK_EQ(p.tokens, uint64_t{7});
  CHECK_EQ(p.unknown_tokens, uint64_t{1});
  CHECK_EQ(p.labels.size(), size_t{2});  // MISC never seen: not listed
  CHECK_EQ(p.labels.at("PER").entities, uint64_t{1});
  CHECK_EQ(p.labels.at("LOC").entities, uint64_t{2});
  CHECK_EQ(p.labels.at("LOC").rule_entities, uint64_t{1});
  CHECK_EQ(p.labels.at("PER").lengths.sum, 5.0);          // code points, not UTF-16 units
  CHECK_EQ(p.labels.at("LOC").lengths.sum, 9.0);          // Paris + Rome
  CHECK_EQ(p.text_length.sum, 5.0 + 14.0 + 0.0);
  CHECK_EQ(p.text_length.counts[0], uint64_t{1});         // the empty text: the 0 bin
  CHECK_EQ(p.entities_per_text.counts[0], uint64_t{1});   // 0 entities
  CHECK_EQ(p.entities_per_text.counts[1], uint64_t{1});   // 1
  CHECK_EQ(p.entities_per_text.counts[2], uint64_t{1});   // 2
  CHECK_EQ(p.token_entropy.count(), uint64_t{2});         // NaN left out
  CHECK(std::abs(p.token_entropy.sum - 0.21) < 1e-6);
  CHECK_EQ(p.unk_rate.count(), uint64_t{3});
  CHECK(std::abs(p.unk_rate.sum - 0.25) < 1e-6);
}

TEST("monitoring profile", "without text signals only texts and entities are counted") {
  const std::vector<std::u16string> texts{u"Ann"};
  const EntityColumns columns = Columns({{{At(0, 3, 0, 0.9f)}, 0, 0, 0, 0}}, /*signals=*/false);
  const Profile p = monitoring::ProfileOf(Call(texts, columns));
  CHECK_EQ(p.texts, uint64_t{1});
  CHECK_EQ(p.signal_texts, uint64_t{0});
  CHECK_EQ(p.token_entropy.count(), uint64_t{0});
  CHECK_EQ(p.unk_rate.count(), uint64_t{0});
  CHECK_EQ(p.labels.at("PER").entities, uint64_t{1});
}

TEST("monitoring profile", "UTF-8 input (byte offsets) gives the same span lengths as UTF-16 input") {
  // "Zoë Ng" then "日本": the UTF-16 and UTF-8 offsets of the same spans.
  const std::vector<std::u16string> texts{u"Zo\u00eb Ng", u"\u65e5\u672c"};
  const EntityColumns in_units = Columns({{{At(0, 3, 0, 0.9f)}, 0, 0, 1, 2}, {{At(0, 2, 1, 0.9f)}, 0, 0, 1, 2}}, true);
  const EntityColumns in_bytes = Columns({{{At(0, 4, 0, 0.9f)}, 0, 0, 1, 2}, {{At(0, 6, 1, 0.9f)}, 0, 0, 1, 2}}, true);
  const std::string utf8 = "Zo\xc3\xab Ng\xe6\x97\xa5\xe6\x9c\xac";
  const std::vector<uint32_t> bounds{0, 7, 13};
  const ObservedCall strings = Call(texts, in_units);
  ObservedCall bytes = Call(texts, in_bytes);
  bytes.utf8 = utf8;
  bytes.utf8_bounds = &bounds;
  CHECK_EQ(monitoring::ProfileOf(strings).ToJson(), monitoring::ProfileOf(bytes).ToJson());
  CHECK_EQ(monitoring::ProfileOf(bytes).labels.at("PER").lengths.sum, 3.0);
  CHECK_EQ(monitoring::ProfileOf(bytes).labels.at("LOC").lengths.sum, 2.0);
}

TEST("monitoring profile", "merging two calls' profiles equals the profile of both calls' texts together") {
  const std::vector<std::u16string> first_texts{u"Ann went home", u"x"};
  const std::vector<std::u16string> second_texts{u"Rome"};
  const std::vector<std::u16string> all_texts{u"Ann went home", u"x", u"Rome"};
  const EntityColumns first = Columns({{{At(0, 3, 0, 0.8f)}, 0.1f, 0, 1, 3}, {{}, 0.3f, 1, 2, 1}}, true);
  const EntityColumns second = Columns({{{At(0, 4, 1, 0.99f, 1)}, 0.05f, 0, 1, 1}}, true);
  const EntityColumns all = Columns({{{At(0, 3, 0, 0.8f)}, 0.1f, 0, 1, 3},
                                     {{}, 0.3f, 1, 2, 1},
                                     {{At(0, 4, 1, 0.99f, 1)}, 0.05f, 0, 1, 1}},
                                    true);
  Profile merged = monitoring::ProfileOf(Call(first_texts, first));
  merged.Merge(monitoring::ProfileOf(Call(second_texts, second)));
  CHECK_EQ(merged.ToJson(), monitoring::ProfileOf(Call(all_texts, all)).ToJson());
}

TEST("monitoring json", "a profile survives ToJson and FromJson, label names with quotes and control characters too") {
  const std::vector<std::string> names{"A\"B\\C\n", "\xc3\xa9t\xc3\xa9"};
  const std::vector<std::u16string> texts{u"abc def"};
  const EntityColumns columns = Columns({{{At(0, 3, 0, 0.123456789f), At(4, 7, 1, 1.0f, 3)}, 0.0417f, 1, 2, 3}}, true);
  const Profile p = monitoring::ProfileOf(Call(texts, columns, names));
  const std::string json = p.ToJson();
  CHECK(json.find("\"format\":\"native-ner-profile/1\"") != std::string::npos);
  const Profile back = Profile::FromJson(json, "p.json");
  CHECK_EQ(back.ToJson(), json);
  CHECK_EQ(back.labels.count(names[0]), size_t{1});
  CHECK_EQ(back.token_entropy.sum, p.token_entropy.sum);  // doubles exactly
}

TEST("monitoring json", "refuses what is not a profile of this version, naming the source and the field") {
  const std::vector<std::u16string> texts{u"Ann"};
  const EntityColumns columns = Columns({{{At(0, 3, 0, 0.9f)}, 0.1f, 0, 1, 1}}, true);
  const std::string good = monitoring::ProfileOf(Call(texts, columns)).ToJson();
  auto replaced = [&good](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  CHECK_THROWS(Profile::FromJson("{", "b.json"), ErrorCode::kInvalidArgument, "b.json");
  CHECK_THROWS(Profile::FromJson("[]", "b.json"), ErrorCode::kInvalidArgument, "not an object");
  CHECK_THROWS(Profile::FromJson(replaced("native-ner-profile/1", "other/2"), "b.json"), ErrorCode::kInvalidArgument,
               "format must be");
  CHECK_THROWS(Profile::FromJson(replaced("\"texts\":1", "\"texts\":-1"), "b.json"), ErrorCode::kInvalidArgument,
               "texts must be a count");
  CHECK_THROWS(Profile::FromJson(replaced("\"entities\":1,", ""), "b.json"), ErrorCode::kInvalidArgument,
               "entities is missing");
  CHECK_THROWS(Profile::FromJson(replaced("{\"le\":[0.1,", "{\"le\":[0.15,"), "b.json"), ErrorCode::kInvalidArgument,
               "labels.PER.score has other bins");
  CHECK_THROWS(Profile::FromJson(replaced("\"counts\":[0,1,", "\"counts\":[0,1.5,"), "b.json"),
               ErrorCode::kInvalidArgument, "counts[1] must be a count");
}

TEST("monitoring monitor", "calls observed on many threads at once are all counted; Take empties the monitor") {
  Monitor monitor;
  const std::vector<std::u16string> texts{u"Ann", u"Bob"};
  const EntityColumns columns = Columns({{{At(0, 3, 0, 0.9f)}, 0.1f, 0, 1, 1}, {{}, 0.1f, 0, 1, 1}}, true);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 250; ++i) monitor.Observe(Call(texts, columns));
    });
  }
  for (std::thread& t : threads) t.join();
  const Profile taken = monitor.Take();
  CHECK_EQ(taken.texts, uint64_t{2000});
  CHECK_EQ(taken.labels.at("PER").entities, uint64_t{1000});
  CHECK_EQ(taken.labels.at("PER").scores.count(), uint64_t{1000});
  CHECK_EQ(monitor.Snapshot().texts, uint64_t{0});
  monitor.Merge(taken);
  monitor.Merge(taken);
  CHECK_EQ(monitor.Snapshot().texts, uint64_t{4000});
}

}  // namespace
}  // namespace nn
