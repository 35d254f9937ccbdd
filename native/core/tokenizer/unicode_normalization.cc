#include "core/tokenizer/unicode_normalization.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "core/tokenizer/normalization_tables.h"
#include "core/tokenizer/unicode.h"

namespace nn::unicode {
namespace {

using namespace nn::normalization_tables;

constexpr char32_t kSyllableFirst = 0xAC00;
constexpr char32_t kSyllableCount = 11172;
constexpr char32_t kLeadFirst = 0x1100, kLeadCount = 19;
constexpr char32_t kVowelFirst = 0x1161, kVowelCount = 21;
constexpr char32_t kTrailBase = 0x11A7, kTrailCount = 28;  // trail consonants are kTrailBase + 1 ...

// A decomposed character waiting for canonical ordering.
struct Pending {
  uint8_t combining_class;
  char32_t c;
  int change;
};

void Decompose(bool compatible, std::u32string_view text, Transformations* out) {
  std::vector<Pending> pending;
  std::u32string parts;
  char32_t canonical[kMaxDecompositionLength];
  // Stable sort of the pending run by combining class, then out it goes.
  const auto flush = [&] {
    std::stable_sort(pending.begin(), pending.end(),
                     [](const Pending& a, const Pending& b) { return a.combining_class < b.combining_class; });
    for (const Pending& p : pending) out->emplace_back(p.c, p.change);
    pending.clear();
  };
  for (const char32_t c : text) {
    if (c < 0x80 && pending.empty()) {  // ASCII: its own decomposition, a starter
      out->emplace_back(c, 0);
      continue;
    }
    const char32_t* begin = canonical;
    size_t count;
    if (compatible) {
      DecomposeCompatible(c, &parts);
      begin = parts.data();
      count = parts.size();
    } else {
      count = unicode::Decompose(c, canonical);
    }
    for (size_t k = 0; k < count; ++k) {
      const uint8_t combining_class = CombiningClass(begin[k]);
      if (combining_class == 0) flush();
      pending.push_back(Pending{combining_class, begin[k], k == 0 ? 0 : 1});
    }
  }
  flush();
}

// The crate's Recompositions iterator over a decomposed change list.
void Recompose(const Transformations& decomposed, Transformations* out) {
  std::optional<Transformation> composee;
  int last_class = -1;  // combining class of the last blocked character; -1 while there is none
  Transformations blocked;  // non-starters after the composee that did not compose
  for (const Transformation& item : decomposed) {
    const uint8_t item_class = CombiningClass(item.first);
    if (!composee) {
      if (item_class != 0) {
        out->push_back(item);
      } else {
        composee = item;
      }
      continue;
    }
    if (last_class >= item_class) {  // blocked from the composee
      if (item_class == 0) {
        out->push_back(*composee);
        out->insert(out->end(), blocked.begin(), blocked.end());
        blocked.clear();
        composee = item;
        last_class = -1;
      } else {
        blocked.push_back(item);
        last_class = item_class;
      }
      continue;
    }
    if (const char32_t composite = Compose(composee->first, item.first)) {
      composee = Transformation{composite, composee->second + item.second - 1};
      continue;
    }
    if (last_class < 0 && item_class == 0) {
      out->push_back(*composee);
      composee = item;
      continue;
    }
    blocked.push_back(item);
    last_class = item_class;
  }
  if (composee) out->push_back(*composee);
  out->insert(out->end(), blocked.begin(), blocked.end());
}

}  // namespace

void DecomposeCompatible(char32_t c, std::u32string* out) {
  out->clear();
  if (c >= 0x80 && !(c >= kSyllableFirst && c < kSyllableFirst + kSyllableCount)) {
    const PooledDecomposition* end = kCompatibilityDecomposition + kCompatibilityDecompositionSize;
    const PooledDecomposition* it =
        std::lower_bound(kCompatibilityDecomposition, end, c,
                         [](const PooledDecomposition& entry, char32_t value) { return entry.code_point < value; });
    if (it != end && it->code_point == c) {
      out->assign(kCompatibilityPool + it->pool_offset, it->length);
      return;
    }
  }
  char32_t canonical[kMaxDecompositionLength];
  out->assign(canonical, unicode::Decompose(c, canonical));
}

char32_t Compose(char32_t first, char32_t second) {
  if (first >= kLeadFirst && first < kLeadFirst + kLeadCount && second >= kVowelFirst &&
      second < kVowelFirst + kVowelCount) {
    return kSyllableFirst + ((first - kLeadFirst) * kVowelCount + (second - kVowelFirst)) * kTrailCount;
  }
  if (first >= kSyllableFirst && first < kSyllableFirst + kSyllableCount && (first - kSyllableFirst) % kTrailCount == 0 &&
      second > kTrailBase && second < kTrailBase + kTrailCount) {
    return first + (second - kTrailBase);
  }
  const Composition* end = kComposition + kCompositionSize;
  const Composition* it = std::lower_bound(kComposition, end, std::make_pair(first, second),
                                           [](const Composition& entry, const std::pair<char32_t, char32_t>& key) {
                                             return std::make_pair(entry.first, entry.second) < key;
                                           });
  return it != end && it->first == first && it->second == second ? it->composite : 0;
}

void Normalize(NormalizationForm form, std::u32string_view text, Transformations* out) {
  out->clear();
  out->reserve(text.size());
  const bool compatible = form == NormalizationForm::kNFKD || form == NormalizationForm::kNFKC;
  if (form == NormalizationForm::kNFD || form == NormalizationForm::kNFKD) {
    Decompose(compatible, text, out);
    return;
  }
  Transformations decomposed;
  decomposed.reserve(text.size());
  Decompose(compatible, text, &decomposed);
  Recompose(decomposed, out);
}

}  // namespace nn::unicode
