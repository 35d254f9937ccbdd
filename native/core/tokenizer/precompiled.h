// SentencePiece's compiled normalization rules (tokenizer.json normalizer {"type": "Precompiled",
// "precompiled_charsmap": base64}), read and applied as Hugging Face `tokenizers` does (spm_precompiled 0.1.4
// and normalizers/precompiled.rs).
//
// The blob: a little-endian uint32 trie size in bytes, trie_size / 4 uint32 units of a Darts double-array trie
// (keys: UTF-8 byte strings; values: byte offsets into the rest), then the rest: NUL-terminated replacement
// strings. A lookup ("transform") walks the trie over a chunk's bytes (stopping at a NUL byte) and takes the
// replacement of the SHORTEST key that prefixes the chunk, even when the chunk is longer than that key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/tokenizer/change_list.h"

namespace nn {

class PrecompiledCharsMap {
 public:
  // `blob` is the decoded charsmap. Throws nn::Error(kInvalidModel) when it is too short for its trie, the
  // trie is empty, the strings are not valid UTF-8, or any key reachable in the trie leads to a value outside
  // the array or to an offset that is not the start of a character of the strings (HF would panic on such
  // input at encode time; we refuse the model instead). Every reachable node is checked once (at most 255
  // probes per array unit).
  explicit PrecompiledCharsMap(std::string blob);

  // Decodes standard, padded base64 (what HF accepts) and parses it. Throws nn::Error(kInvalidModel).
  static PrecompiledCharsMap FromBase64(std::string_view base64);

  // spm_precompiled's `transform`: the replacement for the shortest trie key that prefixes `chunk` (the
  // walk stops at a NUL byte), or false when there is none. The view points into this object.
  bool Transform(std::string_view chunk, std::string_view* replacement) const;

  // HF's Precompiled::normalize over a whole text given as code points. Splits it into extended grapheme
  // clusters (graphemes.h); a cluster of fewer than 6 UTF-8 bytes with a Transform is replaced whole;
  // otherwise each of its characters is transformed alone or kept. Replacements produce the changes of
  // HF's `replace` (change_list.h): a replacement of k characters by m keeps them as m entries of change
  // 0, then marks the last m - k entries +1 when it grows, or adds m - k (negative) to the LAST ENTRY SO FAR
  // when it shrinks (the previous character's entry when the replacement is empty; nothing at the start).
  // Clears and fills *out with one entry per output character. Returns whether any transform applied: when
  // false, HF leaves the text and its alignments untouched, so the caller must not apply *out (it is then
  // the identity anyway). Never fails; code points are taken as they are (no validation).
  bool Normalize(std::u32string_view text, Transformations* out) const;

  // Whether the charsmap has no rule for the one-byte chunk `c` (c < 0x7F): then an ASCII character that is
  // a grapheme cluster of its own (followed by another ASCII character other than a CR LF pair, or by
  // nothing) comes out of Normalize unchanged. False for everything else. Decided once at load.
  bool KeepsAscii(char32_t c) const { return c < 0x7F && keeps_ascii_[c]; }

 private:
  void Validate() const;

  std::vector<uint32_t> units_;  // the double array
  std::string strings_;          // the NUL-separated replacements
  bool keeps_ascii_[0x7F] = {};  // by byte: Transform finds no rule for that byte alone
};

}  // namespace nn
