#include "core/tokenizer/wordpiece.h"

#include <utility>

#include "core/tokenizer/encoding_builder.h"

namespace nn {

WordPiece::WordPiece(StringTable vocab, std::string unk_token, std::string continuing_subword_prefix,
                     size_t max_input_chars_per_word)
    : vocab_(std::move(vocab)),
      unk_token_(std::move(unk_token)),
      prefix_(std::move(continuing_subword_prefix)),
      max_input_chars_per_word_(max_input_chars_per_word),
      unk_id_(vocab_.Find(unk_token_)) {
  vocab_.ForEach([this](std::string_view token, int32_t id) {
    if (token.size() >= prefix_.size() && token.compare(0, prefix_.size(), prefix_) == 0) {
      continuation_.Insert(token.substr(prefix_.size()), id);
    }
  });
}

void WordPiece::Tokenize(const NormalizedText& text, CharRange word, int32_t word_id, Encoding* out) const {
  const NormalizedChar* chars = text.chars.data();
  const uint32_t word_start = chars[word.begin].start;
  const uint32_t word_end = chars[word.end - 1].end;
  if (word.end - word.begin > max_input_chars_per_word_) {
    AppendToken(out, unk_id_, word_start, word_end, word_id, 0);
    return;
  }
  const char* bytes = text.utf8.data();
  const size_t first_token = out->size();
  uint32_t piece_begin = word.begin;
  while (piece_begin < word.end) {
    const bool initial = piece_begin == word.begin;
    const StringTable& table = initial ? vocab_ : continuation_;
    // No vocabulary entry is longer than this, so longer candidates need no lookup.
    const size_t max_bytes = table.max_key_length();
    const uint32_t begin_byte = text.ByteOffset(piece_begin);
    uint32_t piece_end = piece_begin;
    while (piece_end < word.end && text.ByteOffset(piece_end + 1) - begin_byte <= max_bytes) ++piece_end;
    int32_t id = -1;
    for (; piece_end > piece_begin; --piece_end) {
      id = table.Find(std::string_view(bytes + begin_byte, text.ByteOffset(piece_end) - begin_byte));
      if (id >= 0) break;
    }
    if (id < 0) {  // some part of the word is not in the vocabulary: the whole word is unknown
      out->ids.resize(first_token);
      out->starts.resize(first_token);
      out->ends.resize(first_token);
      out->word_ids.resize(first_token);
      out->special.resize(first_token);
      AppendToken(out, unk_id_, word_start, word_end, word_id, 0);
      return;
    }
    AppendToken(out, id, chars[piece_begin].start, chars[piece_end - 1].end, word_id, 0);
    piece_begin = piece_end;
  }
}

}  // namespace nn
