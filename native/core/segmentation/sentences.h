// Sentence segmentation: a text's sentences as UTF-16 offsets, by rules over punctuation, case and a few word lists
// (no model), in one pass linear in the text. The extract request uses it to run each sentence through the model on
// its own (engine/extract.h); lib/segmentation.ts exposes it as `sentences(text)`.
//
// What ends a sentence:
// - `.`, `!`, `?`, `…` (and runs of them: "?!", "...") followed by whitespace or the end of the text, together with
//   the closing quotes and brackets right after them (`."`, `?)`, `.»`, `.”`); not when the next word starts with a
//   lowercase letter (a period written against its word: "etc. and", "Yahoo! said"); a period standing alone
//   (" . ", tokenized text) ends one whatever follows;
// - CJK terminators `。` `！` `？` `｡` (with their closers), whether or not whitespace follows;
// - line breaks, as SegmentOptions::line_breaks says; U+2029 (paragraph separator) always;
// - before a list item's number: one to three digits, a period, a capitalised word ("... 24.40 2. Andrei Ivanov").
// A lone straight quote after a terminator closes the sentence when the sentence has a quote open (tokenized text:
// `" We won . " Next`), else it opens the next one.
// What a period does not end:
// - decimals and numbers ("3.5", "1.000.000": no whitespace follows);
// - titles and abbreviations that precede a word (Mr. Dr. Prof. St. vs. cf. approx. Fig. ...), e.g./i.e./viz.;
// - initials: a single capital letter ("J. R. R. Tolkien", "John F. Kennedy");
// - list numbers and ordinals: one to three digits ("1. Smith", "3. Platz"). The cost: "He scored 10. The team"
//   is read as a list, split before "10." instead of after it;
// - dotted capitals ("U.S.", "U.K."): precision first, "in the U.S. The" is missed rather than "the U.S. Senate"
//   split;
// - month and number abbreviations before a digit ("Jan. 5", "No. 7", "pp. 12", "Vol. 3").
// And, for newswire datelines, a date written YYYY-MM-DD followed by a capitalised word ("LONDON 1996-08-30 The
// ...") ends the dateline.
//
// Sentences never overlap, come in text order, hold every non-whitespace character of the text exactly once, and
// are trimmed of surrounding whitespace; a text of whitespace only has none. Offsets never fall inside a surrogate
// pair (boundaries are at ASCII or BMP punctuation and whitespace). Any UTF-16 input is accepted, lone surrogates
// included.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nn {

// What a line break (\n, \r\n, \r, U+000B, U+000C, U+0085, U+2028) means.
enum class LineBreaks {
  kSpace,      // nothing: a space like any other
  kParagraph,  // an empty line (two breaks with only whitespace between them) ends a sentence (the default)
  kSentence,   // every line break ends a sentence (one sentence or heading per line)
};

// The JS option's names: "space", "paragraph", "sentence". Throws nn::Error(kInvalidArgument) for others.
LineBreaks ParseLineBreaks(std::string_view name);

struct SegmentOptions {
  LineBreaks line_breaks = LineBreaks::kParagraph;
};

// [start, end) in UTF-16 units of the text.
struct SentenceSpan {
  uint32_t start;
  uint32_t end;
  bool operator==(const SentenceSpan& other) const { return start == other.start && end == other.end; }
};

// Appends the sentences of `text` to `out`. Texts of 2^32 units or more are the caller's to refuse.
void SplitSentences(std::u16string_view text, const SegmentOptions& options, std::vector<SentenceSpan>* out);

}  // namespace nn
