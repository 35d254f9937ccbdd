#include "core/tokenizer/added_vocabulary.h"

#include <algorithm>
#include <utility>

#include "core/tokenizer/unicode.h"
#include "core/util/utf.h"

namespace nn {
namespace {

constexpr char32_t kNoChar = 0xFFFFFFFF;

// Raw input seen as UTF-16 units; character tests decode around a position.
struct RawText {
  std::u16string_view text;

  size_t limit() const { return text.size(); }
  bool MatchesAt(size_t i, const std::u16string& pattern) const {
    return pattern.size() <= text.size() - i && text.compare(i, pattern.size(), pattern) == 0;
  }
  // Length in units of the character starting / ending at i.
  size_t CharLengthAt(size_t i) const {
    size_t units;
    utf::DecodeUtf16(text, i, &units);
    return units;
  }
  char32_t CharAt(size_t i) const {
    size_t units;
    return i < text.size() ? utf::DecodeUtf16(text, i, &units) : kNoChar;
  }
  size_t CharLengthBefore(size_t i) const {
    if (i >= 2 && text[i - 1] >= 0xDC00 && text[i - 1] <= 0xDFFF && text[i - 2] >= 0xD800 && text[i - 2] <= 0xDBFF) {
      return 2;
    }
    return 1;
  }
  char32_t CharBefore(size_t i) const { return i == 0 ? kNoChar : CharAt(i - CharLengthBefore(i)); }
};

// A range of normalized characters seen as code points; positions are character indices.
struct NormalizedRange {
  const NormalizedChar* chars;
  size_t begin;
  size_t end;

  size_t limit() const { return end; }
  bool MatchesAt(size_t i, const std::u32string& pattern) const {
    if (pattern.size() > end - i) return false;
    for (size_t k = 0; k < pattern.size(); ++k) {
      if (chars[i + k].code_point != pattern[k]) return false;
    }
    return true;
  }
  size_t CharLengthAt(size_t) const { return 1; }
  size_t CharLengthBefore(size_t) const { return 1; }
  char32_t CharAt(size_t i) const { return i < end ? chars[i].code_point : kNoChar; }
  char32_t CharBefore(size_t i) const { return i == begin ? kNoChar : chars[i - 1].code_point; }
};

bool IsWord(char32_t c) { return c != kNoChar && unicode::IsWordChar(c); }
bool IsSpace(char32_t c) { return c != kNoChar && unicode::IsWhitespace(c); }

// HF's AddedVocabulary::find_matches over positions [begin, text.limit()): leftmost-longest matches,
// single_word rejections, lstrip/rstrip widening, plain text in between. `patterns` is sorted longest
// first; `may_start(i)` is a cheap filter on the first unit.
template <typename Text, typename Pattern, typename MayStart>
void FindMatches(const Text& text, size_t begin, const std::vector<Pattern>& patterns, MayStart may_start,
                 std::vector<TextSegment>* segments) {
  const size_t end = text.limit();
  size_t plain_begin = begin;  // where the current plain-text stretch starts
  size_t i = begin;
  while (i < end) {
    if (!may_start(i)) {
      ++i;
      continue;
    }
    const Pattern* found = nullptr;
    for (const Pattern& pattern : patterns) {
      if (text.MatchesAt(i, pattern.text)) {
        found = &pattern;
        break;
      }
    }
    if (found == nullptr) {
      i += text.CharLengthAt(i);
      continue;
    }
    size_t start = i;
    size_t stop = i + found->text.size();
    // The next search resumes right after the match itself, even when rstrip below takes whitespace
    // beyond it; so, as in HF, a match may start inside the previous token's stripped whitespace.
    i = stop;
    const AddedToken& token = *found->token;
    if (token.single_word && (IsWord(text.CharBefore(start)) || IsWord(text.CharAt(stop)))) continue;
    if (token.lstrip) {
      size_t widened = start;
      while (widened > begin && IsSpace(text.CharBefore(widened))) widened -= text.CharLengthBefore(widened);
      start = std::max(widened, plain_begin);
    }
    if (token.rstrip) {
      while (stop < end && IsSpace(text.CharAt(stop))) stop += text.CharLengthAt(stop);
    }
    if (plain_begin < start) segments->push_back(TextSegment{uint32_t(plain_begin), uint32_t(start), -1});
    segments->push_back(TextSegment{uint32_t(start), uint32_t(stop), token.id});
    plain_begin = stop;
  }
  if (plain_begin < end) segments->push_back(TextSegment{uint32_t(plain_begin), uint32_t(end), -1});
}

template <typename Pattern>
void SortLongestFirst(std::vector<Pattern>* patterns) {
  std::stable_sort(patterns->begin(), patterns->end(),
                   [](const Pattern& a, const Pattern& b) { return a.text.size() > b.text.size(); });
}

}  // namespace

AddedVocabulary::AddedVocabulary(std::vector<AddedToken> tokens, const NormalizeFunction& normalize)
    : tokens_(std::move(tokens)) {
  for (const AddedToken& token : tokens_) {
    if (token.content.empty()) continue;
    if (token.normalized) {
      const std::u16string content = utf::Utf8ToUtf16(token.content);
      NormalizedText normalized;
      normalize(content, &normalized);
      if (normalized.chars.empty()) continue;  // matches nothing
      std::u32string pattern;
      for (const NormalizedChar& c : normalized.chars) pattern.push_back(c.code_point);
      normalized_patterns_.push_back(NormalizedPattern{std::move(pattern), &token});
    } else {
      raw_patterns_.push_back(RawPattern{utf::Utf8ToUtf16(token.content), &token});
    }
  }
  SortLongestFirst(&raw_patterns_);
  SortLongestFirst(&normalized_patterns_);
  for (const NormalizedPattern& pattern : normalized_patterns_) normalized_first_chars_.push_back(pattern.text[0]);
  std::sort(normalized_first_chars_.begin(), normalized_first_chars_.end());
  raw_first_unit_.assign(0x10000, 0);
  for (const RawPattern& pattern : raw_patterns_) raw_first_unit_[pattern.text[0]] = 1;
}

void AddedVocabulary::SplitRaw(std::u16string_view text, std::vector<TextSegment>* segments) const {
  if (raw_patterns_.empty()) {
    if (!text.empty()) segments->push_back(TextSegment{0, static_cast<uint32_t>(text.size()), -1});
    return;
  }
  const RawText raw{text};
  FindMatches(raw, 0, raw_patterns_, [&](size_t i) { return raw_first_unit_[text[i]] != 0; }, segments);
}

void AddedVocabulary::SplitNormalized(const NormalizedText& text, CharRange range,
                                      std::vector<TextSegment>* segments) const {
  const NormalizedRange normalized{text.chars.data(), range.begin, range.end};
  const auto may_start = [&](size_t i) {
    return std::binary_search(normalized_first_chars_.begin(), normalized_first_chars_.end(),
                              text.chars[i].code_point);
  };
  FindMatches(normalized, range.begin, normalized_patterns_, may_start, segments);
}

}  // namespace nn
