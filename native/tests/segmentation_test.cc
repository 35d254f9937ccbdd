// Sentence segmentation (segmentation/sentences.h): what ends a sentence and what does not, offsets on text outside
// the BMP, line-break modes, and the contract's invariants on hostile input.
#include <chrono>
#include <cstdio>
#include <random>
#include <string>

#include "core/segmentation/sentences.h"
#include "tests/check.h"

namespace nn {
namespace {

std::vector<std::u16string> Sentences(std::u16string_view text, LineBreaks line_breaks = LineBreaks::kParagraph) {
  std::vector<SentenceSpan> spans;
  SplitSentences(text, SegmentOptions{line_breaks}, &spans);
  std::vector<std::u16string> out;
  for (const SentenceSpan& s : spans) out.emplace_back(text.substr(s.start, s.end - s.start));
  return out;
}

using Texts = std::vector<std::u16string>;

TEST("segmentation", "terminators followed by whitespace end sentences; whitespace is trimmed") {
  CHECK_EQ(Sentences(u"  It rained.   Then it stopped!  Did it?  "),
           (Texts{u"It rained.", u"Then it stopped!", u"Did it?"}));
  CHECK_EQ(Sentences(u"No terminator at the end"), (Texts{u"No terminator at the end"}));
  CHECK(Sentences(u"").empty());
  CHECK(Sentences(u" \t\n \u3000").empty());
  CHECK_EQ(Sentences(u"Wait?! Yes."), (Texts{u"Wait?!", u"Yes."}));
}

TEST("segmentation", "abbreviations, titles and initials do not end sentences") {
  CHECK_EQ(Sentences(u"Mr. Smith met Dr. Jones and Prof. Brown. They talked."),
           (Texts{u"Mr. Smith met Dr. Jones and Prof. Brown.", u"They talked."}));
  CHECK_EQ(Sentences(u"It was written by J. R. R. Tolkien. He died in 1973."),
           (Texts{u"It was written by J. R. R. Tolkien.", u"He died in 1973."}));
  CHECK_EQ(Sentences(u"Fruit, e.g. apples, i.e. Malus. Cf. Fig. 3 and vs. Them."),
           (Texts{u"Fruit, e.g. apples, i.e. Malus.", u"Cf. Fig. 3 and vs. Them."}));
  CHECK_EQ(Sentences(u"The U.S. Senate voted. The U.K. agreed."), (Texts{u"The U.S. Senate voted.", u"The U.K. agreed."}));
  CHECK_EQ(Sentences(u"Apples, pears, etc. are fruit. Etc. Done."), (Texts{u"Apples, pears, etc. are fruit.", u"Etc.", u"Done."}));
  CHECK_EQ(Sentences(u"(Dr. Who) is on."), (Texts{u"(Dr. Who) is on."}));
}

TEST("segmentation", "month and number abbreviations hold before a digit, not before a capital") {
  CHECK_EQ(Sentences(u"It opened on Jan. 5 with No. 7 on pp. 12-14. Smith et al. (2001) agreed."),
           (Texts{u"It opened on Jan. 5 with No. 7 on pp. 12-14.", u"Smith et al. (2001) agreed."}));
  CHECK_EQ(Sentences(u"He said no. Then he left in Jan. The end."),
           (Texts{u"He said no.", u"Then he left in Jan.", u"The end."}));
}

TEST("segmentation", "decimals, numbers and dotted words do not end sentences") {
  CHECK_EQ(Sentences(u"It rose 3.5 percent to 1.000.000 at www.example.com today. Next."),
           (Texts{u"It rose 3.5 percent to 1.000.000 at www.example.com today.", u"Next."}));
  CHECK_EQ(Sentences(u"Sales rose in 1996. 1997 was worse."), (Texts{u"Sales rose in 1996.", u"1997 was worse."}));
}

TEST("segmentation", "a lowercase word after a period attached to its word continues; a lone period ends") {
  CHECK_EQ(Sentences(u"Yahoo! announced it. ok then"), (Texts{u"Yahoo! announced it. ok then"}));
  // Tokenized text (CoNLL, GENIA): the period stands alone, and a sentence may start lowercase (gene names).
  CHECK_EQ(Sentences(u"It binds DNA . mRNA levels rose . They fell ."),
           (Texts{u"It binds DNA .", u"mRNA levels rose .", u"They fell ."}));
}

TEST("segmentation", "ellipses end a sentence before a capital, not before a lowercase word") {
  CHECK_EQ(Sentences(u"Well... maybe. I doubt it\u2026 Really."), (Texts{u"Well... maybe.", u"I doubt it\u2026", u"Really."}));
}

TEST("segmentation", "closing quotes and brackets after a terminator stay with its sentence") {
  CHECK_EQ(Sentences(u"He said \"Stop.\" Then (quietly.) he left. \u201cYes!\u201d \u00abOui.\u00bb Fin."),
           (Texts{u"He said \"Stop.\"", u"Then (quietly.) he left.", u"\u201cYes!\u201d", u"\u00abOui.\u00bb", u"Fin."}));
}

TEST("segmentation", "CJK terminators end sentences without whitespace") {
  CHECK_EQ(Sentences(u"\u4eca\u65e5\u306f\u3002\u96e8\u3067\u3059\uff01\u672c\u5f53\uff1f\u300c\u306f\u3044\u3002\u300d\u7d42\u308f\u308a"),
           (Texts{u"\u4eca\u65e5\u306f\u3002", u"\u96e8\u3067\u3059\uff01", u"\u672c\u5f53\uff1f",
                  u"\u300c\u306f\u3044\u3002\u300d", u"\u7d42\u308f\u308a"}));
  CHECK_EQ(Sentences(u"\u4f60\u597d\u3002Hello there."), (Texts{u"\u4f60\u597d\u3002", u"Hello there."}));
}

TEST("segmentation", "line breaks: spaces, empty lines (default) or every line") {
  const std::u16string text = u"Title line\nsecond line\r\n\r\nNew paragraph\u2029Next";
  CHECK_EQ(Sentences(text, LineBreaks::kSpace), (Texts{u"Title line\nsecond line\r\n\r\nNew paragraph", u"Next"}));
  CHECK_EQ(Sentences(text, LineBreaks::kParagraph), (Texts{u"Title line\nsecond line", u"New paragraph", u"Next"}));
  CHECK_EQ(Sentences(text, LineBreaks::kSentence), (Texts{u"Title line", u"second line", u"New paragraph", u"Next"}));
}

TEST("segmentation", "a list item's number starts a sentence and its period ends none") {
  CHECK_EQ(Sentences(u"Results: 1. Katja Seizinger 180 points 2. Pernilla Wiberg 153 10. Anna Smith 99"),
           (Texts{u"Results:", u"1. Katja Seizinger 180 points", u"2. Pernilla Wiberg 153", u"10. Anna Smith 99"}));
  CHECK_EQ(Sentences(u"It opened on Jan. 5. He came. Page No. 7. Next."),
           (Texts{u"It opened on Jan. 5.", u"He came.", u"Page No. 7.", u"Next."}));
}

TEST("segmentation", "a lone quote after a terminator closes an open quote, else opens the next sentence") {
  CHECK_EQ(Sentences(u"\" We won . \" He left . \" Why ? \" she asked ."),
           (Texts{u"\" We won . \"", u"He left .", u"\" Why ? \" she asked ."}));
}

TEST("segmentation", "citations: et al. before a bracket or comma, journal abbreviations, a bracketed title") {
  CHECK_EQ(Sentences(u"Shown by Miyatake et al. (S. Miyatake, Mol. Cell. Biol. 8 : 5581, 1988) and Smith et al. , 1983. "
                     u"Next, Proc.Natl.Acad.Sci. USA 90 : 7298. Done."),
           (Texts{u"Shown by Miyatake et al. (S. Miyatake, Mol. Cell. Biol. 8 : 5581, 1988) and Smith et al. , 1983.",
                  u"Next, Proc.Natl.Acad.Sci. USA 90 : 7298.", u"Done."}));
  CHECK_EQ(Sentences(u"[ Receptors in asthma [ review ] ] Quantitation of receptors ."),
           (Texts{u"[ Receptors in asthma [ review ] ]", u"Quantitation of receptors ."}));
}

TEST("segmentation", "a dateline's date ends it before a capitalised word") {
  CHECK_EQ(Sentences(u"LONDON 1996-08-30 West Indian all-rounder Phil Simmons took four ."),
           (Texts{u"LONDON 1996-08-30", u"West Indian all-rounder Phil Simmons took four ."}));
  CHECK_EQ(Sentences(u"on 1996-08-30 and later"), (Texts{u"on 1996-08-30 and later"}));
}

TEST("segmentation", "offsets count UTF-16 units: emoji, combining marks, lone surrogates") {
  const std::u16string text = u"\U0001F600 Caf\u0065\u0301 opens. \U0001F469\u200D\U0001F4BB codes! \xD800 odd.";
  std::vector<SentenceSpan> spans;
  SplitSentences(text, SegmentOptions{}, &spans);
  CHECK_EQ(spans.size(), size_t{3});
  CHECK_EQ(Sentences(text), (Texts{u"\U0001F600 Caf\u0065\u0301 opens.", u"\U0001F469\u200D\U0001F4BB codes!", u"\xD800 odd."}));
}

// The contract on any input: ordered, non-overlapping, trimmed, every non-whitespace unit covered exactly once, no
// boundary inside a surrogate pair.
TEST("segmentation", "random UTF-16 keeps the contract") {
  std::mt19937 random(12);
  const char16_t alphabet[] = {u'a', u'B', u'.', u'!', u'?', u' ', u'\n', u'"', u')', u'(', u'1', u'-',
                               0x3002, 0x2026, 0x2029, 0xD83D, 0xDE00, 0xDC00, 0x00A0, u'J', u'U', u'S'};
  for (int round = 0; round < 2000; ++round) {
    std::u16string text(random() % 60, u' ');
    for (char16_t& c : text) c = alphabet[random() % (sizeof alphabet / sizeof alphabet[0])];
    for (LineBreaks mode : {LineBreaks::kSpace, LineBreaks::kParagraph, LineBreaks::kSentence}) {
      std::vector<SentenceSpan> spans;
      SplitSentences(text, SegmentOptions{mode}, &spans);
      std::vector<int> covered(text.size(), 0);
      uint32_t previous_end = 0;
      for (const SentenceSpan& s : spans) {
        CHECK(s.start < s.end && s.start >= previous_end && s.end <= text.size());
        previous_end = s.end;
        for (uint32_t k = s.start; k < s.end; ++k) ++covered[k];
        CHECK(text[s.start] != u' ' && text[s.end - 1] != u' ');
        CHECK(!(text[s.start] >= 0xDC00 && text[s.start] <= 0xDFFF && s.start > 0 && text[s.start - 1] >= 0xD800 &&
                text[s.start - 1] <= 0xDBFF));
      }
      for (size_t k = 0; k < text.size(); ++k) {
        const bool space = text[k] == u' ' || text[k] == u'\n' || text[k] == 0x2029 || text[k] == 0x00A0;
        if (!space) CHECK_EQ(covered[k], 1);
      }
    }
  }
}

// The bar is 10 MB/s on one thread; this only guards against a slow path creeping in (a debug or sanitizer
// build runs it too, so the bound is loose). The benchmark measures the real rate.
TEST("segmentation", "linear time: a megabyte of text in well under a second") {
  std::u16string text;
  while (text.size() < (1u << 20)) text += u"Mr. Smith paid $3.50 on Jan. 5 in the U.S. and left... Then? \u4f60\u597d\u3002 ";
  text += std::u16string(1u << 18, u'.');  // one long run of terminators
  std::vector<SentenceSpan> spans;
  const auto start = std::chrono::steady_clock::now();
  SplitSentences(text, SegmentOptions{}, &spans);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(spans.size() > 10000);
  CHECK(seconds < 1.0);
}

}  // namespace
}  // namespace nn
