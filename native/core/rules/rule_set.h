// A rule set: what runs after the model on each text. It holds phrase lists (gazetteer.h), user patterns
// (util/regex.h), built-in recognizers (recognizers.h), label overrides and allow-lists, and decides how their
// matches meet the model's entities. Immutable once Finish() has run, so one set serves any number of calls on any
// threads at once, and swapping sets (the addon's setRules) is swapping a shared_ptr.
//
// How a text's entities are decided (docs/api.md "Rules" documents the same):
//  1. Every list, pattern and built-in (each a Rule, named; its name is the entities' `source`) finds its matches;
//     patterns and built-ins have their scores moved by their context words, and a score of 0 drops the match.
//  2. Allow-lists: a model entity or a match whose text is an allowed form (whole span, compared as the form says),
//     or is matched whole by an allowed pattern, is dropped.
//  3. Matches compete among themselves: by priority (higher first), then score, then length (longer first), then
//     position; a match overlapping one already kept is dropped.
//  4. The kept matches meet the model's entities by their rule's mode: `override` removes the model entities it
//     overlaps and is kept; `veto` removes them and is not kept (an entity-free zone); `fill` is kept only where no
//     model entity (left after 4's overrides and vetoes) overlaps it. `constrain` is `override` that also acts before
//     decoding: the job (engine/extract.cc) takes the kept matches of steps 1–3 first and forces each constrain
//     match into a token classifier's Viterbi decoding (decode/aggregation.h ForcedSpan), so the model decodes the
//     rest of the text around it; after decoding it removes the model entities it overlaps and is kept, as override.
//  5. Overrides (an acronym table: exact surface forms, case-sensitive, whole words): an entity whose span is exactly
//     such a form takes the override's label (and the overrides rule as source); where the form occurs and no entity
//     overlaps it, it becomes an entity (score 1).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/decode/entity.h"
#include "core/rules/context.h"
#include "core/rules/gazetteer.h"
#include "core/rules/recognizers.h"
#include "core/util/regex.h"

namespace nn::rules {

enum class RuleMode { kOverride, kFill, kVeto, kConstrain };
const char* RuleModeName(RuleMode mode);
bool RuleModeByName(std::string_view name, RuleMode* mode);

// One list, pattern or built-in, as entities name it.
struct Rule {
  std::string name;
  RuleMode mode = RuleMode::kFill;
  int32_t priority = 0;
};

// A kept match (steps 1–3): a span of the text, its label (a rule set label), score, rule and id (-1: none).
struct RuleMatch {
  uint32_t start, end;
  int32_t label;
  float score;
  int32_t rule;
  int32_t id;
};

// The result label table for a model: its entity types, then the rule set's labels it lacks.
struct BoundLabels {
  std::vector<std::string> names;
  std::vector<int32_t> rule_label;  // rule set label index -> index in names
};

class RuleSet {
 public:
  RuleSet();
  ~RuleSet();

  // ---- building (one thread, before Finish) ----
  int32_t AddRule(Rule rule);         // returns its index; an entity's source is that index + 1 (0: the model)
  int32_t InternLabel(std::string_view label);
  int32_t InternId(std::string_view id);  // canonical ids phrases may carry
  // False when the phrase has no words. `id` -1 for none.
  bool AddPhrase(int32_t rule, std::u16string_view phrase, int32_t label, int32_t id, float score, Folding folding);
  void AddPattern(int32_t rule, std::unique_ptr<Regex> regex, int32_t label, float score, ContextWords context);
  void AddBuiltin(int32_t rule, Builtin builtin, int32_t label, float score, ContextWords context);
  // Exact surface forms (case-sensitive) and their label; one rule (named by the loader) owns all of them.
  void SetOverridesRule(int32_t rule);
  bool AddOverride(std::u16string_view form, int32_t label);
  void AddAllowForm(std::u16string_view form, bool case_sensitive);
  void AddAllowPattern(std::unique_ptr<Regex> regex);
  void Finish();

  // ---- using (any thread) ----
  const std::vector<Rule>& rules() const { return rules_; }
  const std::vector<std::string>& labels() const { return labels_; }
  const std::vector<std::string>& ids() const { return ids_; }
  size_t phrase_count() const { return phrases_.size(); }
  BoundLabels BindLabels(const std::vector<std::string>& model_types) const;
  // Whether any rule's mode is constrain, so matching must run before decoding.
  bool has_constrain_rules() const;

  // Steps 1–3 on one text: the matches that survive the allow-lists and the competition, disjoint, in no order.
  std::vector<RuleMatch> KeptMatches(std::u16string_view text) const;

  // Applies the set to one text. `entities` holds the model's entities on entry (labels index `bound.names`,
  // source 0) and the decided entities on return, ordered by start then end. `kept`: this text's KeptMatches,
  // when the caller already has them (null: found here).
  void Apply(std::u16string_view text, const BoundLabels& bound, std::vector<Entity>* entities,
             const std::vector<RuleMatch>* kept = nullptr) const;

 private:
  struct Phrase {
    int32_t rule;
    int32_t label;
    int32_t id;
    float score;
  };
  struct Pattern {
    int32_t rule;
    std::unique_ptr<Regex> regex;
    int32_t label;
    float score;
    ContextWords context;
  };
  struct BuiltinRule {
    int32_t rule;
    Builtin builtin;
    int32_t label;
    float score;
    ContextWords context;
  };
  using Candidate = RuleMatch;
  void FindCandidates(std::u16string_view text, const std::vector<Word>& words, std::vector<Candidate>* out) const;
  std::vector<RuleMatch> Keep(std::u16string_view text, const std::vector<Word>& words) const;
  bool Allowed(std::u16string_view text, uint32_t start, uint32_t end) const;

  std::vector<Rule> rules_;
  std::vector<std::string> labels_;
  std::unordered_map<std::string, int32_t> label_index_;
  std::vector<std::string> ids_;
  std::unordered_map<std::string, int32_t> id_index_;
  std::vector<Gazetteer> gazetteers_;  // one per folding in use
  std::vector<Phrase> phrases_;        // gazetteer values index this
  std::vector<Pattern> patterns_;
  std::vector<BuiltinRule> builtins_;
  int32_t overrides_rule_ = -1;
  Gazetteer overrides_;               // exact case; values index override_labels_
  std::vector<int32_t> override_labels_;
  std::vector<std::string> allow_exact_, allow_folded_;  // FoldPhrase forms
  std::vector<std::unique_ptr<Regex>> allow_patterns_;
};

}  // namespace nn::rules
