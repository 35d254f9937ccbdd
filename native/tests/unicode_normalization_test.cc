// NFD/NFKD/NFC/NFKC change lists (core/tokenizer/unicode_normalization.h) as HF's NormalizedString computes them.
#include <cstdio>
#include <string>
#include <vector>

#include "core/tokenizer/unicode_normalization.h"
#include "tests/check.h"

namespace nn {
namespace {

using unicode::NormalizationForm;

std::vector<std::string> Changes(NormalizationForm form, std::u32string_view text) {
  Transformations changes;
  unicode::Normalize(form, text, &changes);
  std::vector<std::string> shown;
  for (const auto& [c, change] : changes) {
    char entry[32];
    std::snprintf(entry, sizeof(entry), "%04X:%d", static_cast<unsigned>(c), change);
    shown.emplace_back(entry);
  }
  return shown;
}
using Shown = std::vector<std::string>;

TEST("unicode_normalization", "NFKC: the ligature fi becomes f, i with the i inserted") {
  CHECK_EQ(Changes(NormalizationForm::kNFKC, U"\uFB01"), (Shown{"0066:0", "0069:1"}));
  CHECK_EQ(Changes(NormalizationForm::kNFKC, U"\u2460x"), (Shown{"0031:0", "0078:0"}));        // ①
  CHECK_EQ(Changes(NormalizationForm::kNFKC, U"\uFF21"), (Shown{"0041:0"}));                   // full-width A
  // ẛ + U+0323: NFKD s(0) U+0323(0) U+0307(+1), then s absorbs both marks: 0 + 0 - 1 + 1 - 1.
  CHECK_EQ(Changes(NormalizationForm::kNFKC, U"\u1E9B\u0323"), (Shown{"1E69:-1"}));
}

TEST("unicode_normalization", "NFC composes: the composite's change sums its parts' minus one each") {
  CHECK_EQ(Changes(NormalizationForm::kNFC, U"e\u0301"), (Shown{"00E9:-1"}));
  CHECK_EQ(Changes(NormalizationForm::kNFC, U"\u00E9"), (Shown{"00E9:0"}));
  CHECK_EQ(Changes(NormalizationForm::kNFC, U"\u1100\u1161\u11A8"), (Shown{"AC01:-2"}));  // Hangul L V T
  CHECK_EQ(Changes(NormalizationForm::kNFC, U"\u212B"), (Shown{"00C5:0"}));               // Angstrom sign
  // a + U+0316 (below, 220) + U+0301 (above, 230): U+0301 is not blocked, composes with a.
  CHECK_EQ(Changes(NormalizationForm::kNFC, U"a\u0316\u0301"), (Shown{"00E1:-1", "0316:0"}));
  // Blocked: two marks of the same class, only the first composes.
  CHECK_EQ(Changes(NormalizationForm::kNFC, U"a\u0301\u0301"), (Shown{"00E1:-1", "0301:0"}));
}

TEST("unicode_normalization", "NFD: parts after the first are inserted; marks reorder with their changes") {
  CHECK_EQ(Changes(NormalizationForm::kNFD, U"\u00E9"), (Shown{"0065:0", "0301:1"}));
  CHECK_EQ(Changes(NormalizationForm::kNFD, U"\uAC01"), (Shown{"1100:0", "1161:1", "11A8:1"}));
  // á + U+0316: a(0) U+0301(+1) U+0316(0), sorted by class: U+0316 before U+0301.
  CHECK_EQ(Changes(NormalizationForm::kNFD, U"\u00E1\u0316"), (Shown{"0061:0", "0316:0", "0301:1"}));
  CHECK_EQ(Changes(NormalizationForm::kNFKD, U"\uFB01"), (Shown{"0066:0", "0069:1"}));
  CHECK_EQ(Changes(NormalizationForm::kNFKD, U"\u00BD"), (Shown{"0031:0", "2044:1", "0032:1"}));
}

TEST("unicode_normalization", "Unicode 9.0 data: later characters neither decompose nor reorder") {
  // U+0C3C (Telugu nukta, Unicode 14.0) has class 7 today but 0 in 9.0: no reordering around it.
  CHECK_EQ(Changes(NormalizationForm::kNFD, U"a\u0301\u0C3C"), (Shown{"0061:0", "0301:0", "0C3C:0"}));
  CHECK_EQ(Changes(NormalizationForm::kNFKC, U"\U0001F16C"), (Shown{"1F16C:0"}));  // raised MR sign: 12.0
  CHECK(Changes(NormalizationForm::kNFC, U"").empty());
}

}  // namespace
}  // namespace nn
