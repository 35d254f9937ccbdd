// A small backtracking regular-expression matcher for the patterns tokenizer.json's Split pre-tokenizer and
// Replace normalizer carry, with Oniguruma's leftmost-first semantics (HF matches them with Oniguruma).
// Supported: literals and escaped metacharacters, \t \n \r \f \v, '.', \s \S, \p{L} \p{N} \P{L} \P{N},
// classes [...] (ranges, negation, those escapes), groups ( ) (?: ), lookahead (?= ) (?! ), alternation,
// and greedy or lazy quantifiers * + ? {n} {n,} {n,m}. Anything else (\d, \w, anchors, backreferences,
// possessive quantifiers, flags, lookbehind) is refused at load time, so the caller can name the pattern.
// Rule patterns (core/rules) compile with RegexSyntax::kRules, which adds \d \D \w \W (ASCII digits; letters,
// numbers and '_') and the word-boundary assertions \b \B, and bound the work of one search (hostile patterns such
// as (a+)+b cannot take exponential time): the tokenizer's patterns keep HF's exact subset and no bound.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nn {

struct RegexMatch {
  size_t begin;  // in code points
  size_t end;
};

enum class RegexSyntax { kTokenizer, kRules };

class Regex {
 public:
  // Returns nullptr when the pattern (UTF-8) uses something unsupported or is malformed; with `error`, also says
  // where (the code point index) and what.
  static std::unique_ptr<Regex> Compile(std::string_view pattern, RegexSyntax syntax = RegexSyntax::kTokenizer,
                                        std::string* error = nullptr);
  // A regex matching `literal` exactly (HF escapes string patterns into a regex).
  static std::unique_ptr<Regex> Literal(std::u32string_view literal);
  ~Regex();

  // The matches of the onig crate's find_iter over `text`: leftmost-first matches, searched from the end of
  // the previous one; an empty match right where the previous match ended is skipped by moving one
  // character on. Appends to *matches. Never fails; a match needing more than a bounded backtracking depth
  // (hostile repetitions of groups over huge texts) is treated as no match there.
  void FindAll(std::u32string_view text, std::vector<RegexMatch>* matches) const;

  // kRules: the most matcher steps one FindAll may take per character of text (plus a fixed allowance); a search
  // over budget stops there and keeps the matches found so far.
  static constexpr size_t kStepsPerChar = 2000;

  struct Node;

 private:
  Regex();
  RegexSyntax syntax_ = RegexSyntax::kTokenizer;
  std::unique_ptr<Node> root_;
  char32_t first_literal_ = 0;  // when every match starts with this character (a cheap pre-filter); 0 if not
  // The pattern is one character test repeated (at least once), such as ' {2,}': matched by counting runs.
  bool single_char_repeat_ = false;
};

}  // namespace nn
