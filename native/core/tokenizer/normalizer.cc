#include "core/tokenizer/normalizer.h"

#include <algorithm>

#include "core/tokenizer/unicode.h"
#include "core/util/utf.h"

namespace nn {
namespace {

struct Span {
  uint32_t start;
  uint32_t end;
};

// A combining mark waiting for canonical reordering.
struct PendingMark {
  char32_t code_point;
  uint8_t combining_class;
  bool inserted;  // not the first character of its source character's decomposition
  Span span;
};

// What clean_text does to an ASCII character.
enum AsciiClean : uint8_t { kKeep, kRemove, kToSpace };

// Per-thread buffers, so that normalizing allocates nothing once warmed up. Fetched once per call:
// thread_local access is a function call in a shared library.
struct MarkBuffers {
  std::vector<PendingMark> marks;
  std::vector<Span> source_spans;
};

MarkBuffers& ThreadMarkBuffers() {
  static thread_local MarkBuffers buffers;
  return buffers;
}

constexpr AsciiClean AsciiCleanAction(char32_t c) {
  return (c == '\t' || c == '\n' || c == '\r') ? kToSpace : (c < 0x20 || c == 0x7F) ? kRemove : kKeep;
}

// Runs the steps over one piece of input, character by character. Every step maps one character to
// zero or more characters, except NFD's canonical reordering, which needs the run of combining marks
// that follows a starter; those wait in `marks_` until the next starter or the end of the piece.
class Pipeline {
 public:
  Pipeline(const NormalizerOptions& options, uint32_t piece_begin, NormalizedText* out)
      : options_(options),
        out_(out),
        marks_(ThreadMarkBuffers().marks),
        source_spans_(ThreadMarkBuffers().source_spans),
        last_starter_{piece_begin, piece_begin} {
    marks_.clear();
  }

  void Run(std::u16string_view text, size_t begin, size_t end) {
    std::u16string_view piece = text.substr(0, end);
    size_t i = begin;
    while (i < end) {
      const char16_t unit = piece[i];
      if (unit < 0x80 && marks_.empty()) {
        AddAscii(unit, Span{static_cast<uint32_t>(i), static_cast<uint32_t>(i + 1)});
        ++i;
        continue;
      }
      size_t units;
      const char32_t c = utf::DecodeUtf16(piece, i, &units);
      AddChar(c, Span{static_cast<uint32_t>(i), static_cast<uint32_t>(i + units)});
      i += units;
    }
    FlushMarks();
  }

  // The same steps over characters that already carry their input spans (a step after another one).
  void Run(const NormalizedText& in) {
    for (const NormalizedChar& c : in.chars) {
      const Span span{c.start, c.end};
      if (c.code_point < 0x80 && marks_.empty()) {
        AddAscii(c.code_point, span);
      } else {
        AddChar(c.code_point, span);
      }
    }
    FlushMarks();
  }

 private:
  // ASCII characters are their own NFD, never marks or CJK: only clean_text and lowercase apply.
  [[gnu::always_inline]] void AddAscii(char32_t c, Span span) {
    if (options_.clean_text) {
      const AsciiClean action = AsciiCleanAction(c);
      if (action == kRemove) return;
      if (action == kToSpace) c = ' ';
    }
    last_starter_ = span;
    if (options_.lowercase && c >= 'A' && c <= 'Z') c += 32;
    Append(c, last_starter_);
  }

  void AddChar(char32_t c, Span span) {
    if (options_.clean_text) {
      if (c == 0 || c == utf::kReplacementChar) return;
      if (c == '\t' || c == '\n' || c == '\r') {
        c = ' ';
      } else if (unicode::IsOther(c)) {
        return;
      } else if (unicode::IsWhitespace(c)) {
        c = ' ';
      }
    }
    if (options_.handle_chinese_chars && unicode::IsChineseChar(c)) {
      // Both spaces share the ideograph's span (visible when a normalized added token starts or ends
      // with one of them).
      Decompose(' ', span);
      Decompose(c, span);
      Decompose(' ', span);
    } else {
      Decompose(c, span);
    }
  }

  void Decompose(char32_t c, Span span) {
    if (!options_.nfd) {
      StripAndLower(c, span);
      return;
    }
    char32_t parts[unicode::kMaxDecompositionLength];
    const size_t count = unicode::Decompose(c, parts);
    for (size_t k = 0; k < count; ++k) {
      const uint8_t combining_class = unicode::CombiningClass(parts[k]);
      if (combining_class == 0) {
        FlushMarks();
        last_starter_ = span;
        StripAndLower(parts[k], span);
      } else {
        marks_.push_back(PendingMark{parts[k], combining_class, k > 0, span});
      }
    }
  }

  // Canonical ordering: a stable sort of the marks by combining class. HF assigns spans by position
  // afterwards: the i-th mark that starts a source character takes the i-th such source's span, and
  // an inserted mark takes the span of the mark before it (or of the last starter).
  void FlushMarks() {
    if (marks_.empty()) return;
    const auto by_class = [](const PendingMark& a, const PendingMark& b) {
      return a.combining_class < b.combining_class;
    };
    if (marks_.size() > 1 && !std::is_sorted(marks_.begin(), marks_.end(), by_class)) {
      source_spans_.clear();
      for (const PendingMark& mark : marks_) {
        if (!mark.inserted) source_spans_.push_back(mark.span);
      }
      std::stable_sort(marks_.begin(), marks_.end(), by_class);
      size_t next_source = 0;
      Span last = last_starter_;
      for (PendingMark& mark : marks_) {
        if (!mark.inserted) last = source_spans_[next_source++];
        mark.span = last;
      }
    }
    for (const PendingMark& mark : marks_) StripAndLower(mark.code_point, mark.span);
    marks_.clear();
  }

  void StripAndLower(char32_t c, Span span) {
    if (options_.strip_marks && unicode::IsMarkNonspacing(c)) return;
    if (!options_.lowercase) {
      Append(c, span);
      return;
    }
    char32_t lower[unicode::kMaxLowercaseLength];
    const size_t count = unicode::ToLower(c, lower);
    for (size_t k = 0; k < count; ++k) Append(lower[k], span);
  }

  [[gnu::always_inline]] void Append(char32_t c, Span span) {
    out_->chars.push_back(NormalizedChar{c, static_cast<uint32_t>(out_->utf8.size()), span.start, span.end});
    utf::AppendUtf8(c, &out_->utf8);
  }

  const NormalizerOptions& options_;
  NormalizedText* out_;
  std::vector<PendingMark>& marks_;
  std::vector<Span>& source_spans_;
  Span last_starter_;  // span of the last character with combining class 0 after NFD
};

}  // namespace

void Normalizer::Normalize(const NormalizedText& in, uint32_t origin, NormalizedText* out) const {
  out->chars.reserve(out->chars.size() + in.chars.size());
  out->utf8.reserve(out->utf8.size() + in.utf8.size());
  Pipeline pipeline(options_, origin, out);
  pipeline.Run(in);
}

void Normalizer::Normalize(std::u16string_view text, size_t begin, size_t end, NormalizedText* out) const {
  out->chars.reserve(out->chars.size() + (end - begin));
  out->utf8.reserve(out->utf8.size() + (end - begin));
  Pipeline pipeline(options_, static_cast<uint32_t>(begin), out);
  pipeline.Run(text, begin, end);
}

}  // namespace nn
