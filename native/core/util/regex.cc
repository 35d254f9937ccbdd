#include "core/util/regex.h"

#include <utility>

#include "core/tokenizer/regex_classes.h"
#include "core/util/utf.h"

namespace nn {

// A node: one character test, or a group of alternatives (each a sequence of nodes), or a lookahead; each
// repeated from min to max times.
struct Regex::Node {
  enum Kind { kChar, kAny, kClass, kGroup, kLookahead, kWordBoundary } kind = kChar;
  char32_t c = 0;
  // kClass: ranges and property tests, possibly negated.
  std::vector<std::pair<char32_t, char32_t>> ranges;
  bool space = false, not_space = false, letter = false, not_letter = false, number = false, not_number = false;
  bool digit = false, not_digit = false, word = false, not_word = false;  // RegexSyntax::kRules only
  bool negated = false;  // a class's [^...]; kWordBoundary: \B
  // kGroup / kLookahead
  std::vector<std::vector<std::unique_ptr<Node>>> alternatives;
  bool negative_lookahead = false;
  size_t min = 1;
  size_t max = 1;
  bool greedy = true;

  bool MatchesChar(char32_t x) const {
    switch (kind) {
      case kChar: return x == c;
      case kAny: return x != '\n';
      case kClass: {
        bool in = false;
        for (const auto& r : ranges) in = in || (x >= r.first && x <= r.second);
        in = in || (space && regex_classes::IsSpace(x)) || (not_space && !regex_classes::IsSpace(x)) ||
             (letter && regex_classes::IsLetter(x)) || (not_letter && !regex_classes::IsLetter(x)) ||
             (number && regex_classes::IsNumber(x)) || (not_number && !regex_classes::IsNumber(x)) ||
             (digit && x >= '0' && x <= '9') || (not_digit && !(x >= '0' && x <= '9')) ||
             (word && IsWordChar(x)) || (not_word && !IsWordChar(x));
        return in != negated;
      }
      default: return false;
    }
  }
  bool IsSingleChar() const { return kind == kChar || kind == kAny || kind == kClass; }
  static bool IsWordChar(char32_t x) {
    return x == '_' || regex_classes::IsLetter(x) || regex_classes::IsNumber(x);
  }
};

namespace {

using Node = Regex::Node;
using Sequence = std::vector<std::unique_ptr<Node>>;

class Parser {
 public:
  Parser(std::u32string pattern, RegexSyntax syntax) : p_(std::move(pattern)), rules_(syntax == RegexSyntax::kRules) {}
  size_t position() const { return i_; }

  std::unique_ptr<Node> Parse() {
    auto root = std::make_unique<Node>();
    root->kind = Node::kGroup;
    if (!Alternatives(&root->alternatives) || i_ != p_.size()) return nullptr;
    return root;
  }

 private:
  bool Alternatives(std::vector<Sequence>* out) {
    out->emplace_back();
    while (i_ < p_.size() && p_[i_] != ')') {
      if (p_[i_] == '|') {
        ++i_;
        out->emplace_back();
        continue;
      }
      std::unique_ptr<Node> atom = Atom();
      if (!atom || !Quantifier(atom.get())) return false;
      out->back().push_back(std::move(atom));
    }
    return true;
  }

  std::unique_ptr<Node> Atom() {
    auto node = std::make_unique<Node>();
    const char32_t c = p_[i_++];
    switch (c) {
      case '(': {
        node->kind = Node::kGroup;
        if (i_ < p_.size() && p_[i_] == '?') {
          if (i_ + 1 >= p_.size()) return nullptr;
          const char32_t kind = p_[i_ + 1];
          if (kind == ':') {
          } else if (kind == '=' || kind == '!') {
            node->kind = Node::kLookahead;
            node->negative_lookahead = kind == '!';
          } else {
            return nullptr;  // flags, lookbehind, named groups
          }
          i_ += 2;
        }
        if (!Alternatives(&node->alternatives) || i_ >= p_.size() || p_[i_] != ')') return nullptr;
        ++i_;
        return node;
      }
      case '.': node->kind = Node::kAny; return node;
      case '[': return Class(std::move(node));
      case '\\':
        if (rules_ && i_ < p_.size() && (p_[i_] == 'b' || p_[i_] == 'B')) {
          node->kind = Node::kWordBoundary;
          node->negated = p_[i_++] == 'B';
          return node;
        }
        return Escape(std::move(node), false) ? std::move(node) : nullptr;
      case '^': case '$': case '*': case '+': case '?': case '{': case '|': case ')': case ']': return nullptr;
      default: node->c = c; return node;
    }
  }

  // An escape after '\'; inside a class it adds to the class, outside it makes `node` a char or a class.
  bool Escape(std::unique_ptr<Node> const& node, bool in_class) {
    if (i_ >= p_.size()) return false;
    const char32_t e = p_[i_++];
    char32_t literal = 0;
    switch (e) {
      case 't': literal = '\t'; break;
      case 'n': literal = '\n'; break;
      case 'r': literal = '\r'; break;
      case 'f': literal = '\f'; break;
      case 'v': literal = '\v'; break;
      case 's': case 'S': case 'p': case 'P': {
        if (!in_class) node->kind = Node::kClass;
        if (e == 's') node->space = true;
        if (e == 'S') node->not_space = true;
        if (e == 'p' || e == 'P') {
          std::u32string name;
          if (i_ >= p_.size() || p_[i_] != '{') return false;
          while (++i_ < p_.size() && p_[i_] != '}') name.push_back(p_[i_]);
          if (i_ >= p_.size()) return false;
          ++i_;
          const bool positive = e == 'p';
          if (name == U"L") {
            (positive ? node->letter : node->not_letter) = true;
          } else if (name == U"N") {
            (positive ? node->number : node->not_number) = true;
          } else {
            return false;
          }
        }
        return true;
      }
      case 'd': case 'D': case 'w': case 'W':
        if (!rules_) return false;
        if (!in_class) node->kind = Node::kClass;
        (e == 'd' ? node->digit : e == 'D' ? node->not_digit : e == 'w' ? node->word : node->not_word) = true;
        return true;
      default:
        // Escaped punctuation is literal; escaped letters and digits mean classes or anchors we lack.
        if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9')) return false;
        literal = e;
    }
    if (in_class) {
      node->ranges.emplace_back(literal, literal);
    } else {
      node->kind = Node::kChar;
      node->c = literal;
    }
    return true;
  }

  std::unique_ptr<Node> Class(std::unique_ptr<Node> node) {
    node->kind = Node::kClass;
    if (i_ < p_.size() && p_[i_] == '^') {
      node->negated = true;
      ++i_;
    }
    bool first = true;
    while (i_ < p_.size() && (p_[i_] != ']' || first)) {
      first = false;
      char32_t low = p_[i_++];
      if (low == '[') return nullptr;  // nested classes, POSIX brackets
      if (low == '\\') {
        const size_t before = node->ranges.size();
        if (!Escape(node, true)) return nullptr;
        if (node->ranges.size() == before) continue;  // a property
        low = node->ranges.back().first;
        node->ranges.pop_back();
      }
      char32_t high = low;
      if (i_ + 1 < p_.size() && p_[i_] == '-' && p_[i_ + 1] != ']') {
        ++i_;
        high = p_[i_++];
        if (high == '\\' || high == '[' || high < low) return nullptr;
      }
      node->ranges.emplace_back(low, high);
    }
    if (i_ >= p_.size()) return nullptr;
    ++i_;  // ']'
    return node;
  }

  bool Number(size_t* value) {
    const size_t start = i_;
    size_t v = 0;
    while (i_ < p_.size() && p_[i_] >= '0' && p_[i_] <= '9') {
      v = v * 10 + (p_[i_++] - '0');
      if (v > 100000) return false;
    }
    *value = v;
    return i_ > start;
  }

  bool Quantifier(Node* node) {
    if (i_ >= p_.size()) return true;
    const char32_t q = p_[i_];
    if (q == '*' || q == '+' || q == '?') {
      node->min = q == '+' ? 1 : 0;
      node->max = q == '?' ? 1 : SIZE_MAX;
      ++i_;
    } else if (q == '{') {
      const size_t open = i_++;
      size_t low = 0;
      size_t high = 0;
      if (!Number(&low)) {
        i_ = open;  // Oniguruma takes a '{' that starts no interval literally; we refuse it instead
        return false;
      }
      high = low;
      if (i_ < p_.size() && p_[i_] == ',') {
        ++i_;
        if (!Number(&high)) high = SIZE_MAX;
      }
      if (i_ >= p_.size() || p_[i_] != '}' || high < low) return false;
      ++i_;
      node->min = low;
      node->max = high;
    } else {
      return true;
    }
    if (node->kind == Node::kLookahead || node->kind == Node::kWordBoundary) return false;
    if (i_ < p_.size() && p_[i_] == '?') {
      node->greedy = false;
      ++i_;
    } else if (i_ < p_.size() && (p_[i_] == '+' || p_[i_] == '*' || p_[i_] == '{')) {
      return false;  // possessive or stacked quantifiers
    }
    return true;
  }

  std::u32string p_;
  bool rules_;
  size_t i_ = 0;
};

// Backtracking with explicit continuations. `depth` bounds recursion so that hostile input cannot exhaust
// the stack.
constexpr size_t kMaxDepth = 2000;

struct Continuation {
  bool (*call)(const void* context, size_t position, size_t depth);
  const void* context;
  bool operator()(size_t position, size_t depth) const { return call(context, position, depth); }
};

template <typename F>
Continuation Wrap(const F& f) {
  return Continuation{[](const void* c, size_t p, size_t d) { return (*static_cast<const F*>(c))(p, d); }, &f};
}

class Matcher {
 public:
  // `step_budget`: 0 for none; once spent, every search fails (exhausted() says so).
  Matcher(std::u32string_view text, size_t step_budget) : text_(text), budget_(step_budget) {}
  bool exhausted() const { return budget_ != 0 && steps_ > budget_; }

  bool Sequence(const ::nn::Sequence& seq, size_t index, size_t pos, size_t depth, Continuation k) const {
    if (depth > kMaxDepth) return false;
    if (budget_ != 0 && ++steps_ > budget_) return false;
    if (index == seq.size()) return k(pos, depth);
    const Node& node = *seq[index];
    const auto rest = [&](size_t p, size_t d) { return Sequence(seq, index + 1, p, d + 1, k); };
    return Repeat(node, 0, pos, depth + 1, Wrap(rest));
  }

  bool Repeat(const Node& node, size_t count, size_t pos, size_t depth, Continuation k) const {
    if (depth > kMaxDepth) return false;
    if (budget_ != 0 && ++steps_ > budget_) return false;
    if (node.kind == Node::kWordBoundary) {
      const bool before = pos > 0 && Node::IsWordChar(text_[pos - 1]);
      const bool after = pos < text_.size() && Node::IsWordChar(text_[pos]);
      return ((before != after) != node.negated) && k(pos, depth);
    }
    if (node.IsSingleChar()) {  // iterative: count the run, then back off
      size_t run = 0;
      const size_t limit = node.max;
      if (node.greedy) {
        while (run < limit && pos + run < text_.size() && node.MatchesChar(text_[pos + run])) ++run;
        if (run < node.min) return false;
        for (size_t n = run + 1; n-- > node.min;) {
          if (k(pos + n, depth)) return true;
        }
        return false;
      }
      for (size_t n = 0;; ++n) {
        if (n >= node.min && k(pos + n, depth)) return true;
        if (n >= limit || pos + n >= text_.size() || !node.MatchesChar(text_[pos + n])) return false;
      }
    }
    if (node.kind == Node::kLookahead) {
      bool found = false;
      const auto accept = [](size_t, size_t) { return true; };
      for (const ::nn::Sequence& alt : node.alternatives) {
        if (Sequence(alt, 0, pos, depth + 1, Wrap(accept))) {
          found = true;
          break;
        }
      }
      return found != node.negative_lookahead && k(pos, depth);
    }
    // A group, repeated: one more iteration (an empty one ends the loop) or stop here.
    const auto again = [&](size_t p, size_t d) {
      if (p == pos) return count + 1 >= node.min && k(p, d);
      return Repeat(node, count + 1, p, d + 1, k);
    };
    const auto once = [&]() {
      for (const ::nn::Sequence& alt : node.alternatives) {
        if (Sequence(alt, 0, pos, depth + 1, Wrap(again))) return true;
      }
      return false;
    };
    if (node.greedy) {
      if (count < node.max && once()) return true;
      return count >= node.min && k(pos, depth);
    }
    if (count >= node.min && k(pos, depth)) return true;
    return count < node.max && once();
  }

 private:
  std::u32string_view text_;
  size_t budget_;
  mutable size_t steps_ = 0;
};

}  // namespace

Regex::Regex() = default;
Regex::~Regex() = default;

std::unique_ptr<Regex> Regex::Compile(std::string_view pattern, RegexSyntax syntax, std::string* error) {
  const std::u32string code_points = utf::Utf8ToCodePoints(pattern);
  Parser parser(code_points, syntax);
  std::unique_ptr<Node> root = parser.Parse();
  if (!root) {
    if (error) {
      *error = "unsupported construct or syntax error at character " + std::to_string(parser.position()) +
               " (supported: literals, . [] () (?:) (?=) (?!) | * + ? {n,m} \\s \\S \\p{L} \\p{N}" +
               (syntax == RegexSyntax::kRules ? " \\d \\D \\w \\W \\b \\B" : "") +
               "; no anchors, backreferences, lookbehind or flags)";
    }
    return nullptr;
  }
  std::unique_ptr<Regex> regex(new Regex());
  regex->syntax_ = syntax;
  if (root->alternatives.size() == 1 && !root->alternatives[0].empty()) {
    const Node& first = *root->alternatives[0][0];
    if (first.kind == Node::kChar && first.min >= 1) regex->first_literal_ = first.c;
    regex->single_char_repeat_ = root->alternatives[0].size() == 1 && first.IsSingleChar() && first.min >= 1;
  }
  regex->root_ = std::move(root);
  return regex;
}

std::unique_ptr<Regex> Regex::Literal(std::u32string_view literal) {
  std::unique_ptr<Regex> regex(new Regex());
  regex->root_ = std::make_unique<Node>();
  regex->root_->kind = Node::kGroup;
  regex->root_->alternatives.emplace_back();
  for (char32_t c : literal) {
    auto node = std::make_unique<Node>();
    node->c = c;
    regex->root_->alternatives[0].push_back(std::move(node));
  }
  if (!literal.empty()) regex->first_literal_ = literal[0];
  return regex;
}

void Regex::FindAll(std::u32string_view text, std::vector<RegexMatch>* matches) const {
  if (single_char_repeat_) {
    // What the backtracking search finds, without it: the leftmost run of matching characters that is long
    // enough, cut at max (greedy) or at min (lazy); the next search starts where the match ended.
    const Node& node = *root_->alternatives[0][0];
    const bool literal = node.kind == Node::kChar;
    const char32_t c = node.c;
    const size_t max = node.max;
    const auto matches_char = [&](char32_t x) { return literal ? x == c : node.MatchesChar(x); };
    for (size_t i = 0; i < text.size();) {
      if (literal) {  // to the next occurrence of the character
        while (i < text.size() && text[i] != c) ++i;
        if (i == text.size()) break;
      }
      size_t run = 0;
      while (run < max && i + run < text.size() && matches_char(text[i + run])) ++run;
      if (run < node.min) {  // the runs starting inside this one are shorter still
        i += run + 1;
        continue;
      }
      const size_t length = node.greedy ? run : node.min;
      matches->push_back(RegexMatch{i, i + length});
      i += length;
    }
    return;
  }
  const Matcher matcher(text, syntax_ == RegexSyntax::kRules ? kStepsPerChar * text.size() + 100000 : 0);
  size_t last_end = 0;
  bool have_last = false;
  size_t last_match_end = 0;
  while (last_end <= text.size()) {
    // Leftmost match at or after last_end.
    bool found = false;
    size_t start = last_end;
    size_t end = 0;
    for (; start <= text.size(); ++start) {
      if (first_literal_ != 0 && (start >= text.size() || text[start] != first_literal_)) continue;
      const auto record = [&](size_t p, size_t) {
        end = p;
        return true;
      };
      if (matcher.Repeat(*root_, 0, start, 0, Wrap(record))) {
        found = true;
        break;
      }
      if (matcher.exhausted()) return;
    }
    if (!found) return;
    if (end == start && have_last && last_match_end == end) {
      last_end = start + 1;  // the onig crate moves one character on
      continue;
    }
    matches->push_back(RegexMatch{start, end});
    last_end = end;
    have_last = true;
    last_match_end = end;
    if (end == start) {
      // The next search starts here again and finds this empty match, which the rule above then skips.
    }
  }
}

}  // namespace nn
