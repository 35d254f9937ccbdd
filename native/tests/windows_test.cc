// Windowing (engine/windows.h): a long text is cut into windows of the model's size overlapping by the stride, each
// wrapped in the tokenizer's template, and CountWindows predicts how many.
#include "core/engine/windows.h"
#include "tests/check.h"
#include "tests/test_tokenizer.h"

namespace nn {
namespace {

TEST("windowing", "a text that fits is one window wrapped in the template; an empty one is none") {
  const auto tokenizer = test::TinyTokenizer();
  Encoding bare;
  tokenizer->Encode(u"a b c", &bare, false);
  std::vector<Encoding> windows;
  std::vector<size_t> begins;
  SplitIntoWindows(bare, *tokenizer, 512, 128, &windows, &begins);
  CHECK_EQ(windows.size(), size_t{1});
  CHECK_EQ(windows[0].ids, (std::vector<int32_t>{2, 4, 5, 6, 3}));
  CHECK_EQ(windows[0].special, (std::vector<uint8_t>{1, 0, 0, 0, 1}));
  CHECK_EQ(windows[0].word_ids.front(), -1);
  CHECK_EQ(begins, (std::vector<size_t>{0}));
  CHECK_EQ(CountWindows(bare.size(), *tokenizer, 512, 128), size_t{1});

  tokenizer->Encode(u"  ", &bare, false);
  windows.clear();
  SplitIntoWindows(bare, *tokenizer, 512, 128, &windows);
  CHECK(windows.empty());
  CHECK_EQ(CountWindows(0, *tokenizer, 512, 128), size_t{0});
}

TEST("windowing", "a long text is cut into windows that overlap by the stride") {
  const auto tokenizer = test::TinyTokenizer();
  Encoding bare;
  tokenizer->Encode(u"a b c d e f g h", &bare, false);  // 8 tokens
  std::vector<Encoding> windows;
  std::vector<size_t> begins;
  // 6 tokens a window, 2 of them the template: 4 text tokens, a new window every 4 - 1 = 3.
  SplitIntoWindows(bare, *tokenizer, 6, 1, &windows, &begins);
  CHECK_EQ(begins, (std::vector<size_t>{0, 3, 6}));
  CHECK_EQ(windows.size(), size_t{3});
  CHECK_EQ(windows[0].ids, (std::vector<int32_t>{2, 4, 5, 6, 7, 3}));
  CHECK_EQ(windows[1].ids, (std::vector<int32_t>{2, 7, 8, 9, 10, 3}));
  CHECK_EQ(windows[2].ids, (std::vector<int32_t>{2, 10, 11, 3}));
  // Offsets stay those of the text.
  CHECK_EQ(windows[2].starts[1], uint32_t{12});
  CHECK_EQ(CountWindows(8, *tokenizer, 6, 1), size_t{3});
}

TEST("windowing", "CountWindows agrees with SplitIntoWindows for every length and stride") {
  const auto tokenizer = test::TinyTokenizer();
  Encoding all;
  tokenizer->Encode(u"a b c d e f g h a b c d e f g h a b c d e f g h a b c d e f g h", &all, false);
  for (size_t length = 0; length <= all.size(); ++length) {
    Encoding bare = all;
    for (auto* column : {&bare.ids, &bare.type_ids, &bare.word_ids}) column->resize(length);
    for (auto* column : {&bare.starts, &bare.ends}) column->resize(length);
    bare.special.resize(length);
    for (size_t max_tokens : {3, 6, 10}) {
      for (size_t stride = 0; stride < max_tokens - 2; ++stride) {
        std::vector<Encoding> windows;
        SplitIntoWindows(bare, *tokenizer, max_tokens, stride, &windows);
        CHECK_EQ(CountWindows(length, *tokenizer, max_tokens, stride), windows.size());
        for (const Encoding& w : windows) CHECK(w.size() <= max_tokens);
      }
    }
  }
}

}  // namespace
}  // namespace nn
