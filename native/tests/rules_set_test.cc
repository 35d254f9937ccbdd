// Phrase lists (gazetteer.h), modes, conflict order, overrides, allow-lists and loading (rule_set.h,
// rules_loader.h), with offsets checked on emoji and CJK text.
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "core/rules/gazetteer.h"
#include "core/rules/rule_set.h"
#include "core/rules/rules_loader.h"
#include "core/util/utf.h"
#include "tests/check.h"

namespace nn::rules {
namespace {

std::u16string U(const std::string& s) { return utf::Utf8ToUtf16(s); }

std::string Utf8(std::u16string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    size_t n;
    utf::AppendUtf8(utf::DecodeUtf16(s, i, &n), &out);
    i += n;
  }
  return out;
}

// "text/LABEL/source" for each entity after applying `rules` (JSON) to `text` with the model's `model` entities.
std::vector<std::string> Apply(const std::string& rules_json, const std::string& text_utf8,
                               std::vector<Entity> model = {}, std::vector<std::string> types = {"PER", "ORG", "LOC"}) {
  const auto set = LoadRules(rules_json, "test.json", "");
  const BoundLabels bound = set->BindLabels(types);
  const std::u16string text = U(text_utf8);
  set->Apply(text, bound, &model);
  std::vector<std::string> out;
  for (const Entity& e : model) {
    std::string shown = Utf8(std::u16string_view(text).substr(e.start, e.end - e.start)) + "/" + bound.names[e.label] +
                        "/" + (e.source == 0 ? "model" : set->rules()[e.source - 1].name);
    if (e.id >= 0) shown += "/" + set->ids()[e.id];
    out.push_back(shown);
  }
  return out;
}

using V = std::vector<std::string>;  // wrapped in () inside CHECK_EQ (commas)

Entity Model(uint32_t start, uint32_t end, int32_t label) { return Entity{start, end, label, 0.9f, -1}; }

TEST("rules set", "gazetteer: whole words, case, accents, gaps, overlaps") {
  Gazetteer g(Folding{true, false});
  g.Add(U("Acme Corp"), 1);
  g.Add(U("Acme"), 2);
  g.Add(U("AT&T"), 3);
  g.Add(U("corp acme"), 4);
  g.Build();
  const std::u16string text = U("ACME corp and Acme Corporation, AT&T not AT & T; acmeCorp");
  std::vector<Word> words;
  SplitWords(text, &words);
  std::vector<Gazetteer::Match> m;
  g.FindAll(text, words, &m);
  std::vector<std::string> found;
  for (const auto& x : m) found.push_back(Utf8(text.substr(x.start, x.end - x.start)) + "=" + std::to_string(x.value));
  CHECK_EQ(found, (V{"ACME=2", "ACME corp=1", "Acme=2", "AT&T=3"}));
  Gazetteer accents(Folding{true, true});
  accents.Add(U("Zurich"), 7);
  accents.Build();
  const std::u16string z = U("in Zürich");
  SplitWords(z, &words);
  m.clear();
  accents.FindAll(z, words, &m);
  CHECK_EQ(m.size(), size_t{1});
  Gazetteer exact(Folding{false, false});
  exact.Add(U("IRS"), 1);
  exact.Build();
  const std::u16string irs = U("irs IRS");
  SplitWords(irs, &words);
  m.clear();
  exact.FindAll(irs, words, &m);
  CHECK(m.size() == 1 && m[0].start == 4);
}

TEST("rules set", "offsets with emoji and CJK") {
  const std::string rules = R"({"lists": [{"label": "ORG", "phrases": ["Acme Corp", "東京", {"text": "🍎 Inc", "id": "Q1"}]}],
                               "builtins": ["EMAIL"]})";
  const std::string text = "😀 Acme Corp 東京都 mail 🍎 Inc a@b.co 😀";
  CHECK_EQ(Apply(rules, text), (V{"Acme Corp/ORG/ORG", "東京/ORG/ORG", "🍎 Inc/ORG/ORG/Q1", "a@b.co/EMAIL/EMAIL"}));
}

TEST("rules set", "modes: override, fill, veto") {
  const std::string text = "Jordan met Acme Corp in Paris";
  // The model: Jordan LOC (0-6), Acme ORG... as PER (11-15), Paris LOC (24-29).
  const std::vector<Entity> model = {Model(0, 6, 2), Model(11, 15, 0), Model(24, 29, 2)};
  CHECK_EQ(Apply(R"({"lists": [{"label": "ORG", "mode": "override", "phrases": ["Acme Corp"]}]})", text, model),
           (V{"Jordan/LOC/model", "Acme Corp/ORG/ORG", "Paris/LOC/model"}));
  CHECK_EQ(Apply(R"({"lists": [{"label": "ORG", "mode": "fill", "phrases": ["Acme Corp", "met"]}]})", text, model),
           (V{"Jordan/LOC/model", "met/ORG/ORG", "Acme/PER/model", "Paris/LOC/model"}));
  CHECK_EQ(Apply(R"({"lists": [{"name": "no-places", "label": "X", "mode": "veto", "phrases": ["Paris"]}]})", text, model),
           (V{"Jordan/LOC/model", "Acme/PER/model"}));
}

TEST("rules set", "conflicts: priority, then score, then length") {
  const std::string text = "New York Times";
  CHECK_EQ(Apply(R"({"lists": [{"name": "a", "label": "LOC", "phrases": ["New York"], "priority": 1},
                               {"name": "b", "label": "ORG", "phrases": ["New York Times"]}]})", text),
           (V{"New York/LOC/a"}));
  CHECK_EQ(Apply(R"({"lists": [{"name": "a", "label": "LOC", "phrases": ["New York"], "score": 0.9},
                               {"name": "b", "label": "ORG", "phrases": ["York Times"], "score": 0.8}]})", text),
           (V{"New York/LOC/a"}));
  CHECK_EQ(Apply(R"({"lists": [{"name": "a", "label": "LOC", "phrases": ["New York"]},
                               {"name": "b", "label": "ORG", "phrases": ["New York Times"]}]})", text),
           (V{"New York Times/ORG/b"}));
}

TEST("rules set", "overrides and allow-lists") {
  const std::string text = "The IRS and irs wrote to Apple on Monday";
  const std::vector<Entity> model = {Model(4, 7, 2), Model(25, 30, 1), Model(34, 40, 0)};
  CHECK_EQ(Apply(R"({"overrides": {"IRS": "ORG", "wrote": "VERB"}, "allow": ["monday"]})", text, model),
           (V{"IRS/ORG/overrides", "wrote/VERB/overrides", "Apple/ORG/model"}));
  CHECK_EQ(Apply(R"({"allow": [{"regex": "\\p{L}pple"}, {"text": "irs", "caseSensitive": true}],
                     "lists": [{"label": "ORG", "phrases": ["irs"]}]})", text, model),
           (V{"IRS/LOC/model", "Monday/PER/model"}));
}

TEST("rules set", "patterns with context words") {
  const std::string rules = R"({"patterns": [{"name": "ticket", "label": "TICKET", "regex": "\\bT-\\d{4}\\b",
      "score": 0.5, "context": ["ticket"], "negativeContext": ["price"], "contextPenalty": 0.5}]})";
  const auto set = LoadRules(rules, "test.json", "");
  const BoundLabels bound = set->BindLabels({"PER"});
  auto score = [&](const char* text) {
    std::vector<Entity> e;
    set->Apply(U(text), bound, &e);
    return e.empty() ? -1.0f : e[0].score;
  };
  CHECK(score("see ticket number T-1234 now") > 0.8f);
  CHECK(score("see T-1234 now") == 0.5f);
  CHECK(score("price T-1234") == -1.0f);  // 0.5 - 0.5: no entity
  CHECK(score("XT-1234") == -1.0f);
}

TEST("rules set", "bad rules fail naming the file, line and entry") {
  CHECK_THROWS(LoadRules("{\"lists\": [\n  {\"label\": \"ORG\",, }]}", "r.json", ""), ErrorCode::kInvalidArgument,
               "r.json: line 2, column");
  CHECK_THROWS(LoadRules(R"({"patterns": [{"name": "p1", "label": "X", "regex": "(?<=a)b"}]})", "r.json", ""),
               ErrorCode::kInvalidArgument, "patterns[0] \"p1\": regex \"(?<=a)b\" does not compile");
  CHECK_THROWS(LoadRules(R"({"builtins": ["EMAIL", "PASSPORT"]})", "r.json", ""), ErrorCode::kInvalidArgument,
               "builtins[1] \"PASSPORT\": unknown built-in \"PASSPORT\"");
  CHECK_THROWS(LoadRules(R"({"lists": [{"label": "ORG", "phrases": ["a", "  "]}]})", "r.json", ""),
               ErrorCode::kInvalidArgument, "phrases[1] \"  \": empty phrase");
  CHECK_THROWS(LoadRules(R"({"lists": [{"label": "ORG", "phrases": ["a"], "mode": "constrainx"}]})", "r.json", ""),
               ErrorCode::kInvalidArgument, "unknown mode");
  CHECK_THROWS(LoadRules(R"({"list": []})", "r.json", ""), ErrorCode::kInvalidArgument, "unknown key \"list\"");
  const std::string dir = "/tmp/nn-rules-test";
  std::system(("mkdir -p " + dir).c_str());
  std::ofstream(dir + "/p.txt") << "Acme Corp\nGlobex\n\nInitech\n";
  CHECK_THROWS(LoadRules(R"({"lists": [{"label": "ORG", "file": "p.txt"}]})", "r.json", dir), ErrorCode::kInvalidArgument,
               "p.txt:3: empty phrase");
  std::ofstream(dir + "/p.jsonl") << "{\"text\": \"Acme\", \"label\": \"ORG\", \"id\": \"Q1\"}\n{\"text\": \"Globex\",}\n";
  CHECK_THROWS(LoadRules(R"({"lists": [{"label": "ORG", "file": "p.jsonl"}]})", "r.json", dir),
               ErrorCode::kInvalidArgument, "p.jsonl: line 2, column");
  std::ofstream(dir + "/ok.jsonl") << "{\"text\": \"Acme\", \"id\": \"Q1\"}\n{\"text\": \"Globex\", \"label\": \"MISC\"}\n";
  CHECK_EQ(Apply(R"({"lists": [{"label": "ORG", "file": ")" + dir + R"(/ok.jsonl"}]})", "Acme and Globex"),
           (V{"Acme/ORG/ORG/Q1", "Globex/MISC/ORG"}));
}

TEST("rules set", "hostile patterns and empty texts") {
  const auto set = LoadRules(R"({"patterns": [{"label": "X", "regex": "(a+)+b"}], "builtins": ["DATE"]})", "r", "");
  const BoundLabels bound = set->BindLabels({});
  std::vector<Entity> e;
  const auto start = std::chrono::steady_clock::now();
  set->Apply(std::u16string(3000, u'a'), bound, &e);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(e.empty());
  CHECK(s < 5.0);
  set->Apply(u"", bound, &e);
  CHECK(e.empty());
}

// The load time of 1,000,000 phrases is a benchmark row (bench/systems/rules.mjs), not a timed test; this checks that
// a large list file loads whole and matches.
TEST("rules set", "a list file of 50,000 phrases loads every phrase and matches one among them") {
  char dir_template[] = "/tmp/nn-rules-test-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  CHECK(dir != nullptr);
  const std::string path = std::string(dir) + "/phrases.txt";
  {
    std::ofstream out(path);
    for (uint64_t i = 0; i < 50000; ++i) out << "Company " << i * 7919 % 1000003 << " Holdings " << (i % 97) << "\n";
  }
  const auto set = LoadRules(R"({"lists": [{"label": "ORG", "file": ")" + path + R"("}]})", "r.json", "");
  std::remove(path.c_str());
  rmdir(dir);
  CHECK_EQ(set->phrase_count(), size_t{50000});
  std::vector<Entity> e;
  set->Apply(U("He sold Company 7919 Holdings 1 yesterday."), set->BindLabels({}), &e);
  CHECK_EQ(e.size(), size_t{1});
}

}  // namespace
}  // namespace nn::rules
