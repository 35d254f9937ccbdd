// The per-thread word cache shared by the BPE and Unigram models (core/tokenizer/word_cache.h).
#include <string>
#include <vector>

#include "core/tokenizer/word_cache.h"
#include "tests/check.h"

namespace nn {
namespace {

TEST("word cache", "hits append the stored pieces after what *out holds; owners never see each other's") {
  WordCache<int> cache;
  const uint64_t first = ReserveWordCacheOwners(2);
  const uint64_t other = ReserveWordCacheOwners(1);
  CHECK(first != 0 && other != first && other != first + 1);
  int calls = 0;
  const auto tokenize = [&](int piece) {
    return [&calls, piece](std::string_view, std::vector<int>* out) {
      ++calls;
      out->push_back(piece);
      return true;
    };
  };
  std::vector<int> out{7};
  CHECK(cache.AppendPieces(first, "word", &out, tokenize(1)));
  CHECK(cache.AppendPieces(first, "word", &out, tokenize(99)));  // a hit: 1 again, no call
  CHECK_EQ(out, (std::vector<int>{7, 1, 1}));
  CHECK_EQ(calls, 1);
  out.clear();
  CHECK(cache.AppendPieces(first + 1, "word", &out, tokenize(2)));
  CHECK(cache.AppendPieces(other, "word", &out, tokenize(3)));
  CHECK_EQ(out, (std::vector<int>{2, 3}));
  CHECK_EQ(calls, 3);
}

TEST("word cache", "failures and long words are not stored") {
  WordCache<int> cache;
  const uint64_t owner = ReserveWordCacheOwners(1);
  int calls = 0;
  const auto fail = [&](std::string_view, std::vector<int>*) {
    ++calls;
    return false;
  };
  const auto succeed = [&](std::string_view, std::vector<int>* out) {
    ++calls;
    out->push_back(5);
    return true;
  };
  std::vector<int> out;
  CHECK(!cache.AppendPieces(owner, "x", &out, fail));
  CHECK(cache.AppendPieces(owner, "x", &out, succeed));
  CHECK_EQ(calls, 2);
  const std::string long_word(WordCache<int>::kMaxWordBytes, 'a');
  CHECK(cache.AppendPieces(owner, long_word, &out, succeed));
  CHECK(cache.AppendPieces(owner, long_word, &out, succeed));
  CHECK_EQ(calls, 4);
  CHECK_EQ(out, (std::vector<int>{5, 5, 5}));
}

}  // namespace
}  // namespace nn
