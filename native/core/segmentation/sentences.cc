#include "core/segmentation/sentences.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "core/error.h"

namespace nn {
namespace {

constexpr size_t kNone = static_cast<size_t>(-1);

bool IsLineBreak(char16_t c) { return c == u'\n' || c == u'\r' || c == 0x0B || c == 0x0C || c == 0x85 || c == 0x2028; }

bool IsSpace(char16_t c) {
  if (c < 0x80) return c == u' ' || (c >= 0x09 && c <= 0x0D);
  return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

// Terminators that need whitespace after them (a period inside "3.5" or "U.S" ends nothing).
bool IsLatinTerminator(char16_t c) {
  return c == u'.' || c == u'!' || c == u'?' || c == 0x2026 /* … */ || c == 0x203C || (c >= 0x2047 && c <= 0x2049);
}

// Terminators of scripts written without spaces: they end a sentence where they stand.
bool IsCjkTerminator(char16_t c) { return c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF61; }

// Closing quotes and brackets that belong to the sentence a terminator just ended.
bool IsCloser(char16_t c) {
  switch (c) {
    case u'"': case u'\'': case u')': case u']': case u'}':
    case 0x2019: case 0x201D: case 0x00BB: case 0x203A:                   // ’ ” » ›
    case 0x300D: case 0x300F: case 0x3011: case 0x3015: case 0x3017:      // 」 』 】 〕 〗
    case 0x3009: case 0x300B: case 0xFF09: case 0xFF3D: case 0xFF63:      // 〉 》 ） ］ ｣
      return true;
    default:
      return false;
  }
}

// Opening quotes and brackets, skipped to find the first letter of the next word.
bool IsOpener(char16_t c) {
  switch (c) {
    case u'"': case u'\'': case u'(': case u'[': case u'{':
    case 0x2018: case 0x201C: case 0x00AB: case 0x2039:                   // ‘ “ « ‹
    case 0x300C: case 0x300E: case 0x3010: case 0x3014: case 0x3016:      // 「 『 【 〔 〖
    case 0x3008: case 0x300A: case 0xFF08: case 0xFF3B: case 0xFF62:      // 〈 《 （ ［ ｢
      return true;
    default:
      return false;
  }
}

// Case of the letters of Latin, Greek and Cyrillic (the scripts whose sentences start with a capital); others are
// neither. Latin Extended-A alternates capital, small from U+0100 (its few exceptions do not matter here).
bool IsLower(char16_t c) {
  if (c < 0x80) return c >= u'a' && c <= u'z';
  if (c >= 0xDF && c <= 0xFF) return c != 0xF7;
  if (c >= 0x100 && c <= 0x17F) return (c & 1) == 1;
  return (c >= 0x3B1 && c <= 0x3C9) || (c >= 0x430 && c <= 0x45F);
}

bool IsUpper(char16_t c) {
  if (c < 0x80) return c >= u'A' && c <= u'Z';
  if (c >= 0xC0 && c <= 0xDE) return c != 0xD7;
  if (c >= 0x100 && c <= 0x17F) return (c & 1) == 0;
  return (c >= 0x391 && c <= 0x3A9) || (c >= 0x410 && c <= 0x42F);
}

bool IsDigit(char16_t c) { return c >= u'0' && c <= u'9'; }

// Abbreviations, lowercase. A word here followed by its period does not end a sentence: titles and words
// that precede what they abbreviate for.
constexpr std::array<const char*, 44> kPrecedingAbbreviations = {
    "adm",  "approx", "ca",   "capt", "cf",   "cmdr", "col",  "dept", "dr",    "eq",    "eqs",
    "esp",  "fig",    "figs", "ft",   "gen",  "gov",  "hon",  "incl", "insp",  "lt",    "maj",
    "messrs", "mlle", "mme",  "mr",   "mrs",  "ms",   "mt",   "mx",   "pres",  "prof",  "ref",
    "refs", "rep",    "resp", "rev",  "sen",  "sgt",  "st",   "supt", "v",     "viz",   "vs"};

// Abbreviations that do not end a sentence before a number ("Jan. 5", "No. 7", "et al. (2001)"); before a
// capitalised word they do, as any word.
constexpr std::array<const char*, 26> kNumberAbbreviations = {
    "al",  "apr", "art", "aug", "ch",  "chap", "dec", "feb", "jan", "jul", "jun", "mar", "no",
    "nos", "nov", "nr",  "oct", "p",   "pp",   "sec", "secs", "sep", "sept", "tel", "vol", "vols"};

// Dotted lowercase abbreviations ("e.g", "i.e" before their last period) that never end a sentence.
constexpr std::array<const char*, 4> kDottedPrecedingAbbreviations = {"cf", "e.g", "i.e", "viz"};

enum class WordKind { kPlain, kPreceding, kBeforeNumber };

// The word's kind, its letters compared in lowercase. Only short ASCII words can be abbreviations.
WordKind KindOf(std::u16string_view word) {
  char lower[8];
  if (word.empty() || word.size() >= sizeof lower) return WordKind::kPlain;
  for (size_t k = 0; k < word.size(); ++k) {
    const char16_t c = word[k];
    if (c >= 0x80) return WordKind::kPlain;
    lower[k] = static_cast<char>(c >= u'A' && c <= u'Z' ? c + 32 : c);
  }
  lower[word.size()] = '\0';
  auto in = [&](const auto& list) {
    return std::any_of(list.begin(), list.end(), [&](const char* a) { return std::strcmp(a, lower) == 0; });
  };
  if (std::memchr(lower, '.', word.size()) != nullptr) return in(kDottedPrecedingAbbreviations) ? WordKind::kPreceding : WordKind::kPlain;
  if (in(kPrecedingAbbreviations)) return WordKind::kPreceding;
  if (in(kNumberAbbreviations)) return WordKind::kBeforeNumber;
  return WordKind::kPlain;
}

// "U.S", "U.K", "U.S.A": capitals each followed by a period (the last one's is the terminator being judged).
bool IsDottedCapitals(std::u16string_view word) {
  if (word.size() < 3) return false;
  for (size_t k = 0; k < word.size(); ++k) {
    if (k % 2 == 0 ? !IsUpper(word[k]) : word[k] != u'.') return false;
  }
  return true;
}

char16_t NextWordStart(std::u16string_view text, size_t from);

// "Proc.Natl.Acad.Sci", "Ph.D": inner periods and a lowercase letter, an abbreviation of several words.
bool IsDottedMixedCase(std::u16string_view word) {
  return word.find(u'.') != std::u16string_view::npos &&
         std::any_of(word.begin(), word.end(), [](char16_t c) { return IsLower(c); });
}

// A journal title's abbreviated word in a citation ("Mol. Cell. Biol. 8 :", "Genes & Dev. 3"): a short capitalised
// word whose period is followed by more such words, then a number (`next` indexes the first following character).
bool IsShortCapitalised(std::u16string_view word) {
  return word.size() >= 2 && word.size() <= 5 && IsUpper(word[0]) && std::all_of(word.begin() + 1, word.end(), IsLower);
}

bool IsCitationWord(std::u16string_view word, std::u16string_view text, size_t next) {
  if (!IsShortCapitalised(word)) return false;
  for (int words = 0; words < 4 && next < text.size(); ++words) {
    if (IsDigit(text[next])) return true;
    size_t k = next;
    while (k < text.size() && !IsSpace(text[k])) ++k;
    const std::u16string_view following = text.substr(next, k - next);
    const std::u16string_view bare = following.substr(0, following.empty() ? 0 : following.size() - 1);
    // A title or "Cf." after the period starts a sentence as usual ("Malus. Cf. Fig. 3").
    if (following.size() < 3 || following.back() != u'.' || !IsShortCapitalised(bare) || KindOf(bare) != WordKind::kPlain) {
      return false;
    }
    next = k;
    while (next < text.size() && IsSpace(text[next])) ++next;
  }
  return false;
}

// One to three digits: what numbers a list's items ("1.", "12.").
bool IsListNumber(std::u16string_view word) {
  return !word.empty() && word.size() <= 3 && std::all_of(word.begin(), word.end(), IsDigit);
}

// Whether the word before the one at `word_start` (no further back than `start`) is an abbreviation with its
// period, which a number completes ("Jan. 5", "No. 7"): that number is no list item.
bool FollowsAbbreviation(std::u16string_view text, size_t start, size_t word_start) {
  size_t end = word_start;
  while (end > start && IsSpace(text[end - 1])) --end;
  if (end == start || end == word_start || text[end - 1] != u'.') return false;
  size_t begin = end - 1;
  while (begin > start && !IsSpace(text[begin - 1])) --begin;
  return KindOf(text.substr(begin, end - 1 - begin)) != WordKind::kPlain;
}

// A list item's number at `i` (the start of a word): digits, a period, whitespace, then a capitalised word.
bool IsListItemStart(std::u16string_view text, size_t i) {
  size_t k = i;
  while (k < text.size() && IsDigit(text[k])) ++k;
  return IsListNumber(text.substr(i, k - i)) && k + 1 < text.size() && text[k] == u'.' && IsSpace(text[k + 1]) &&
         IsUpper(NextWordStart(text, k + 1));
}

// Whether the straight double quote at `k` stands alone (a tokenized quote: " word " ... " ).
bool IsLoneQuote(std::u16string_view text, size_t k) {
  return k < text.size() && text[k] == u'"' && (k + 1 == text.size() || IsSpace(text[k + 1]));
}

// The first character of the next word after `from` (whitespace and opening quotes or brackets skipped), or 0 at
// the end of the text.
char16_t NextWordStart(std::u16string_view text, size_t from) {
  size_t k = from;
  while (k < text.size() && (IsSpace(text[k]) || IsOpener(text[k]))) ++k;
  return k < text.size() ? text[k] : 0;
}

// Whether the terminators text[begin, end) (then closers, then whitespace at `after`) end the sentence that
// started at `start`.
bool EndsSentence(std::u16string_view text, size_t start, size_t begin, size_t end, size_t after) {
  const char16_t next = NextWordStart(text, after);
  if (next == 0) return true;
  size_t raw = after;  // the next non-whitespace character, openers not skipped
  while (raw < text.size() && IsSpace(text[raw])) ++raw;
  // Punctuation that goes on a sentence: "et al. , 1983", "( C. Sub. )".
  const char16_t follower = text[raw];
  if (follower == u',' || follower == u';' || follower == u':' || follower == u')' || follower == u']') return false;
  if (end - begin > 1 || text[begin] != u'.') return !IsLower(next);  // "?", "!", "...", "?!"
  // A lone period (tokenized text: "word . Next") ends the sentence whatever follows.
  if (begin == start || IsSpace(text[begin - 1])) return true;
  if (IsLower(next)) return false;
  // The word the period is written against, without the quotes or brackets it opens with.
  size_t word_start = begin;
  while (word_start > start && !IsSpace(text[word_start - 1])) --word_start;
  while (word_start < begin && IsOpener(text[word_start])) ++word_start;
  const std::u16string_view word = text.substr(word_start, begin - word_start);
  if (word.size() == 1 && IsUpper(word[0])) return false;  // an initial
  // "1. Smith", an enumeration or an ordinal; but "on Jan. 5. He" is a date.
  if (IsListNumber(word) && !FollowsAbbreviation(text, start, word_start)) return false;
  if (IsDottedCapitals(word)) return false;
  if (IsDottedMixedCase(word)) return false;
  switch (KindOf(word)) {
    case WordKind::kPreceding: return false;
    // "et al. (Smith, 2001)": an opening bracket goes on the sentence too.
    case WordKind::kBeforeNumber: return !IsDigit(next) && follower != u'(' && follower != u'[';
    case WordKind::kPlain: return !IsCitationWord(word, text, raw);
  }
  return true;
}

// A newswire dateline's date, YYYY-MM-DD as a word of its own at `i`.
bool IsIsoDateWord(std::u16string_view text, size_t i) {
  constexpr size_t kLength = 10;
  if (i + kLength > text.size() || (i > 0 && !IsSpace(text[i - 1]))) return false;
  if (i + kLength < text.size() && !IsSpace(text[i + kLength])) return false;
  for (size_t k = 0; k < kLength; ++k) {
    const char16_t c = text[i + k];
    if (k == 4 || k == 7 ? c != u'-' : !IsDigit(c)) return false;
  }
  return true;
}

}  // namespace

LineBreaks ParseLineBreaks(std::string_view name) {
  if (name == "space") return LineBreaks::kSpace;
  if (name == "paragraph") return LineBreaks::kParagraph;
  if (name == "sentence") return LineBreaks::kSentence;
  throw Error(ErrorCode::kInvalidArgument,
              "unknown lineBreaks '" + std::string(name) + "'; expected one of space, paragraph, sentence");
}

void SplitSentences(std::u16string_view text, const SegmentOptions& options, std::vector<SentenceSpan>* out) {
  const size_t n = text.size();
  size_t start = kNone;       // the current sentence's first character; kNone between sentences
  size_t content_end = 0;     // one past its last non-whitespace character
  int line_breaks = 0;        // line breaks since that character, for empty lines
  size_t quotes = 0;          // straight double quotes in the sentence: odd while one is open
  int bracket_depth = -1;     // nesting of [ ] in a sentence that opens with "[" (a translated title); else -1
  auto close = [&] {
    if (start != kNone) out->push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(content_end)});
    start = kNone;
    quotes = 0;
    bracket_depth = -1;
  };
  size_t i = 0;
  while (i < n) {
    const char16_t c = text[i];
    if (IsSpace(c)) {
      if (c == 0x2029) {
        close();
      } else if (IsLineBreak(c) && !(c == u'\n' && i > 0 && text[i - 1] == u'\r')) {
        ++line_breaks;
        if (options.line_breaks == LineBreaks::kSentence ||
            (options.line_breaks == LineBreaks::kParagraph && line_breaks >= 2)) {
          close();
        }
      }
      ++i;
      continue;
    }
    line_breaks = 0;
    if (start == kNone) {
      start = i;
      if (c == u'[') bracket_depth = 0;
    }
    if (bracket_depth >= 0 && (c == u'[' || c == u']')) {
      bracket_depth += c == u'[' ? 1 : -1;
      // A sentence in brackets ("[ Glucocorticoid receptors in asthma ] Quantitation of ...") ends with them.
      if (bracket_depth == 0 && i + 1 < n && IsSpace(text[i + 1]) && IsUpper(NextWordStart(text, i + 1))) {
        content_end = i + 1;
        close();
        ++i;
        continue;
      }
    }
    if (IsCjkTerminator(c) || IsLatinTerminator(c)) {
      size_t end = i;
      bool cjk = false;
      while (end < n && (IsLatinTerminator(text[end]) || IsCjkTerminator(text[end]))) cjk |= IsCjkTerminator(text[end++]);
      size_t after = end;
      while (after < n && IsCloser(text[after])) quotes += text[after++] == u'"';
      content_end = after;
      // Latin terminators need whitespace (or the end) after them: "3.5", "U.S.A", "?!x" go on.
      if (cjk || after == n || IsSpace(text[after])) {
        if (cjk || EndsSentence(text, start, i, end, after)) {
          // Tokenized text: a lone quote after the terminator closes the sentence's open quote (`said . " Next`).
          size_t k = after;
          while (k < n && IsSpace(text[k]) && !IsLineBreak(text[k])) ++k;
          if (quotes % 2 == 1 && IsLoneQuote(text, k)) after = content_end = k + 1;
          close();
        }
      }
      i = after;
      continue;
    }
    if (c == u'"') ++quotes;
    // A list item's number ("... 24.40 2. Andrei Ivanov") starts a sentence.
    if (IsDigit(c) && start < i && IsSpace(text[i - 1]) && IsListItemStart(text, i) && !FollowsAbbreviation(text, start, i)) {
      close();
      start = i;
    }
    if (IsDigit(c) && IsIsoDateWord(text, i) && IsUpper(NextWordStart(text, i + 10))) {
      content_end = i + 10;
      close();
      i += 10;
      continue;
    }
    content_end = i + 1;
    ++i;
  }
  close();
}

}  // namespace nn
