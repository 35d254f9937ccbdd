#include "core/rules/rule_set.h"

#include <algorithm>
#include <iterator>
#include <map>

#include "core/rules/modes.h"
#include "core/util/utf.h"

namespace nn::rules {

const char* RuleModeName(RuleMode mode) {
  switch (mode) {
    case RuleMode::kOverride: return "override";
    case RuleMode::kFill: return "fill";
    case RuleMode::kVeto: return "veto";
    case RuleMode::kConstrain: return "constrain";
  }
  return "fill";
}

bool RuleModeByName(std::string_view name, RuleMode* mode) {
  for (RuleMode m : {RuleMode::kOverride, RuleMode::kFill, RuleMode::kVeto, RuleMode::kConstrain}) {
    if (name == RuleModeName(m)) {
      *mode = m;
      return true;
    }
  }
  return false;
}

RuleSet::RuleSet() : overrides_(Folding{false, false}) {}
RuleSet::~RuleSet() = default;

int32_t RuleSet::AddRule(Rule rule) {
  rules_.push_back(std::move(rule));
  return static_cast<int32_t>(rules_.size() - 1);
}

int32_t RuleSet::InternLabel(std::string_view label) {
  const auto [it, inserted] = label_index_.try_emplace(std::string(label), static_cast<int32_t>(labels_.size()));
  if (inserted) labels_.emplace_back(label);
  return it->second;
}

int32_t RuleSet::InternId(std::string_view id) {
  const auto [it, inserted] = id_index_.try_emplace(std::string(id), static_cast<int32_t>(ids_.size()));
  if (inserted) ids_.emplace_back(id);
  return it->second;
}

bool RuleSet::AddPhrase(int32_t rule, std::u16string_view phrase, int32_t label, int32_t id, float score,
                        Folding folding) {
  auto gazetteer = std::find_if(gazetteers_.begin(), gazetteers_.end(),
                                [&](const Gazetteer& g) { return g.folding() == folding; });
  if (gazetteer == gazetteers_.end()) {
    gazetteers_.emplace_back(folding);
    gazetteer = gazetteers_.end() - 1;
  }
  if (!gazetteer->Add(phrase, static_cast<uint32_t>(phrases_.size()))) return false;
  phrases_.push_back(Phrase{rule, label, id, score});
  return true;
}

void RuleSet::AddPattern(int32_t rule, std::unique_ptr<Regex> regex, int32_t label, float score, ContextWords context) {
  patterns_.push_back(Pattern{rule, std::move(regex), label, score, std::move(context)});
}

void RuleSet::AddBuiltin(int32_t rule, Builtin builtin, int32_t label, float score, ContextWords context) {
  builtins_.push_back(BuiltinRule{rule, builtin, label, score, std::move(context)});
}

void RuleSet::SetOverridesRule(int32_t rule) { overrides_rule_ = rule; }

bool RuleSet::AddOverride(std::u16string_view form, int32_t label) {
  if (!overrides_.Add(form, static_cast<uint32_t>(override_labels_.size()))) return false;
  override_labels_.push_back(label);
  return true;
}

void RuleSet::AddAllowForm(std::u16string_view form, bool case_sensitive) {
  (case_sensitive ? allow_exact_ : allow_folded_).push_back(FoldPhrase(form, Folding{!case_sensitive, false}));
}

void RuleSet::AddAllowPattern(std::unique_ptr<Regex> regex) { allow_patterns_.push_back(std::move(regex)); }

void RuleSet::Finish() {
  for (Gazetteer& g : gazetteers_) g.Build();
  overrides_.Build();
  std::sort(allow_exact_.begin(), allow_exact_.end());
  std::sort(allow_folded_.begin(), allow_folded_.end());
}

BoundLabels RuleSet::BindLabels(const std::vector<std::string>& model_types) const {
  BoundLabels bound;
  bound.names = model_types;
  for (const std::string& label : labels_) {
    auto it = std::find(bound.names.begin(), bound.names.end(), label);
    if (it == bound.names.end()) it = bound.names.insert(bound.names.end(), label);
    bound.rule_label.push_back(static_cast<int32_t>(it - bound.names.begin()));
  }
  return bound;
}

namespace {

// The text as code points, with each code point's UTF-16 offset (and the end's), for the regex matcher.
struct CodePoints {
  std::u32string text;
  std::vector<uint32_t> units;

  explicit CodePoints(std::u16string_view utf16) {
    text.reserve(utf16.size());
    units.reserve(utf16.size() + 1);
    for (size_t i = 0; i < utf16.size();) {
      size_t n;
      units.push_back(static_cast<uint32_t>(i));
      text.push_back(utf::DecodeUtf16(utf16, i, &n));
      i += n;
    }
    units.push_back(static_cast<uint32_t>(utf16.size()));
  }
};

bool Overlap(uint32_t a_start, uint32_t a_end, uint32_t b_start, uint32_t b_end) {
  return a_start < b_end && b_start < a_end;
}

}  // namespace

void RuleSet::FindCandidates(std::u16string_view text, const std::vector<Word>& words,
                             std::vector<Candidate>* out) const {
  std::vector<Gazetteer::Match> matches;
  for (const Gazetteer& g : gazetteers_) g.FindAll(text, words, &matches);
  for (const Gazetteer::Match& m : matches) {
    const Phrase& p = phrases_[m.value];
    out->push_back(Candidate{m.start, m.end, p.label, p.score, p.rule, p.id});
  }
  if (!patterns_.empty()) {
    const CodePoints points(text);
    std::vector<RegexMatch> found;
    for (const Pattern& p : patterns_) {
      found.clear();
      p.regex->FindAll(points.text, &found);
      for (const RegexMatch& m : found) {
        if (m.end == m.begin) continue;
        const uint32_t start = points.units[m.begin], end = points.units[m.end];
        const float score = ScoreInContext(p.score, p.context, text, words, start, end);
        if (score > 0) out->push_back(Candidate{start, end, p.label, score, p.rule, -1});
      }
    }
  }
  std::vector<BuiltinSpan> spans;
  for (const BuiltinRule& b : builtins_) {
    spans.clear();
    FindBuiltin(b.builtin, text, &spans);
    for (const BuiltinSpan& s : spans) {
      // A rule's own score, when set, replaces the recognizer's; context moves either.
      const float base = b.score >= 0 ? b.score : s.score;
      const float score = ScoreInContext(base, b.context, text, words, s.start, s.end);
      if (score > 0) out->push_back(Candidate{s.start, s.end, b.label, score, b.rule, -1});
    }
  }
}

bool RuleSet::Allowed(std::u16string_view text, uint32_t start, uint32_t end) const {
  const std::u16string_view span = text.substr(start, end - start);
  if (!allow_exact_.empty() &&
      std::binary_search(allow_exact_.begin(), allow_exact_.end(), FoldPhrase(span, Folding{false, false}))) {
    return true;
  }
  if (!allow_folded_.empty() &&
      std::binary_search(allow_folded_.begin(), allow_folded_.end(), FoldPhrase(span, Folding{true, false}))) {
    return true;
  }
  if (!allow_patterns_.empty()) {
    const CodePoints points(span);
    std::vector<RegexMatch> found;
    for (const auto& regex : allow_patterns_) {
      found.clear();
      regex->FindAll(points.text, &found);
      for (const RegexMatch& m : found) {
        if (m.begin == 0 && m.end == points.text.size()) return true;
      }
    }
  }
  return false;
}

bool RuleSet::has_constrain_rules() const {
  return std::any_of(rules_.begin(), rules_.end(), [](const Rule& r) { return r.mode == RuleMode::kConstrain; });
}

std::vector<RuleMatch> RuleSet::KeptMatches(std::u16string_view text) const {
  std::vector<Word> words;
  SplitWords(text, &words);
  return Keep(text, words);
}

std::vector<RuleMatch> RuleSet::Keep(std::u16string_view text, const std::vector<Word>& words) const {
  std::vector<Candidate> candidates;
  FindCandidates(text, words, &candidates);

  // 2. Allow-lists veto matches (and, in Apply, model entities).
  if (!allow_exact_.empty() || !allow_folded_.empty() || !allow_patterns_.empty()) {
    candidates.erase(std::remove_if(candidates.begin(), candidates.end(),
                                    [&](const Candidate& c) { return Allowed(text, c.start, c.end); }),
                     candidates.end());
  }

  // 3. Matches compete: priority, score, length, position, rule order.
  std::sort(candidates.begin(), candidates.end(), [&](const Candidate& a, const Candidate& b) {
    const int32_t pa = rules_[a.rule].priority, pb = rules_[b.rule].priority;
    if (pa != pb) return pa > pb;
    if (a.score != b.score) return a.score > b.score;
    if (a.end - a.start != b.end - b.start) return a.end - a.start > b.end - b.start;
    if (a.start != b.start) return a.start < b.start;
    return a.rule < b.rule;
  });
  std::vector<Candidate> kept;
  std::map<uint32_t, uint32_t> taken;  // kept spans, start -> end; they never overlap one another
  for (const Candidate& c : candidates) {
    auto next = taken.lower_bound(c.start);
    if (next != taken.end() && next->first < c.end) continue;
    if (next != taken.begin() && std::prev(next)->second > c.start) continue;
    taken.emplace(c.start, c.end);
    kept.push_back(c);
  }
  return kept;
}

void RuleSet::Apply(std::u16string_view text, const BoundLabels& bound, std::vector<Entity>* entities,
                    const std::vector<RuleMatch>* given) const {
  std::vector<Word> words;
  SplitWords(text, &words);
  const std::vector<RuleMatch> found = given ? std::vector<RuleMatch>{} : Keep(text, words);
  const std::vector<RuleMatch>& kept = given ? *given : found;

  // 2. Allow-lists veto model entities as they vetoed matches.
  const bool allow = !allow_exact_.empty() || !allow_folded_.empty() || !allow_patterns_.empty();
  if (allow) {
    entities->erase(std::remove_if(entities->begin(), entities->end(),
                                   [&](const Entity& e) { return Allowed(text, e.start, e.end); }),
                    entities->end());
  }

  // 4. The kept matches meet the model's entities: overrides and vetoes first, then fills into what is left.
  std::vector<Entity> decided;
  auto as_entity = [&](const Candidate& c) {
    Entity e{c.start, c.end, bound.rule_label[c.label], c.score, -1};
    e.source = c.rule + 1;
    e.id = c.id;
    return e;
  };
  std::vector<Span> model_spans, blocking_spans, fill_spans;
  model_spans.reserve(entities->size());
  for (const Entity& e : *entities) model_spans.push_back(Span{e.start, e.end});
  for (const Candidate& c : kept) {
    (rules_[c.rule].mode == RuleMode::kFill ? fill_spans : blocking_spans).push_back(Span{c.start, c.end});
  }
  const ModeResolution resolved = ResolveModes(model_spans, blocking_spans, fill_spans);
  for (const Candidate& c : kept) {
    const RuleMode mode = rules_[c.rule].mode;
    if (mode == RuleMode::kOverride || mode == RuleMode::kConstrain) decided.push_back(as_entity(c));
  }
  size_t fill = 0;
  for (const Candidate& c : kept) {
    if (rules_[c.rule].mode == RuleMode::kFill && resolved.fill_kept[fill++]) decided.push_back(as_entity(c));
  }
  for (size_t i = 0; i < entities->size(); ++i) {
    if (!resolved.model_removed[i]) decided.push_back((*entities)[i]);
  }

  // 5. Label overrides for exact surface forms.
  if (overrides_.phrase_count() > 0) {
    std::vector<Gazetteer::Match> forms;
    overrides_.FindAll(text, words, &forms);
    for (const Gazetteer::Match& f : forms) {
      const int32_t label = bound.rule_label[override_labels_[f.value]];
      bool overlapped = false;
      for (Entity& e : decided) {
        if (e.start == f.start && e.end == f.end) {
          e.label = label;
          e.source = overrides_rule_ + 1;
        }
        overlapped = overlapped || Overlap(e.start, e.end, f.start, f.end);
      }
      if (!overlapped && !(allow && Allowed(text, f.start, f.end))) {
        Entity e{f.start, f.end, label, 1.0f, -1};
        e.source = overrides_rule_ + 1;
        decided.push_back(e);
      }
    }
  }
  // Stable: model entities with the same span (a span model's) keep the model's order.
  std::stable_sort(decided.begin(), decided.end(), [](const Entity& a, const Entity& b) {
    return a.start != b.start ? a.start < b.start : a.end < b.end;
  });
  entities->swap(decided);
}

}  // namespace nn::rules
