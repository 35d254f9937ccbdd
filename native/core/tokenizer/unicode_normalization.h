// NFD, NFKD, NFC and NFKC with Hugging Face's change lists (change_list.h), exactly as NormalizedString::nfd/
// nfkd/nfc/nfkc compute them with the unicode-normalization-alignments crate 0.1.12 (Unicode 9.0 data:
// characters assigned later neither decompose nor compose and have combining class 0).
//  - Decomposition: each input character's full decomposition, its first character with change 0 and the others
//    +1; then each run of non-starters is stably sorted by combining class, the changes travelling with their
//    characters (so a +1 may end up before the 0 of its run: HF aligns by position, see change_list.h).
//  - Composition (NFC, NFKC) over that stream, the crate's algorithm: a starter absorbs each following
//    character it composes with and that is not blocked; the composite's change is starter change + absorbed
//    change - 1.
// HF applies the list unconditionally (unlike Precompiled, there is no "nothing changed" shortcut).
#pragma once

#include <string>
#include <string_view>

#include "core/tokenizer/change_list.h"

namespace nn::unicode {

enum class NormalizationForm { kNFD, kNFKD, kNFC, kNFKC };

// Clears *out and fills it with the change list of `text` under `form`. Never fails; code points past U+10FFFF
// or surrogates pass through unchanged.
void Normalize(NormalizationForm form, std::u32string_view text, Transformations* out);

// Full compatibility decomposition (Unicode 9.0) of one character, Hangul included: writes it to *out (cleared
// first). Equal to the canonical decomposition (unicode.h) for characters without a compatibility mapping.
void DecomposeCompatible(char32_t c, std::u32string* out);

// The primary composite of (first, second), Hangul included, or 0 when they do not compose.
char32_t Compose(char32_t first, char32_t second);

}  // namespace nn::unicode
