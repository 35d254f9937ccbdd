// UTF-8 validation (core/util/utf.h): what Rust's String accepts, at every boundary.
#include <string>

#include "core/util/utf.h"
#include "tests/check.h"

namespace nn {
namespace {

TEST("utf", "IsValidUtf8 accepts every well-formed length and the extremes of each range") {
  CHECK(utf::IsValidUtf8(""));
  CHECK(utf::IsValidUtf8("plain ASCII \x7F"));
  CHECK(utf::IsValidUtf8("\xC2\x80 \xDF\xBF"));                  // U+0080, U+07FF
  CHECK(utf::IsValidUtf8("\xE0\xA0\x80 \xED\x9F\xBF \xEE\x80\x80"));  // U+0800, U+D7FF, U+E000
  CHECK(utf::IsValidUtf8("\xF0\x90\x80\x80 \xF4\x8F\xBF\xBF"));    // U+10000, U+10FFFF
}

TEST("utf", "IsValidUtf8 rejects stray, missing or overlong bytes, surrogates and code points past U+10FFFF") {
  CHECK(!utf::IsValidUtf8("\x80"));
  CHECK(!utf::IsValidUtf8("\xC0\x80"));          // overlong NUL
  CHECK(!utf::IsValidUtf8("\xC1\xBF"));
  CHECK(!utf::IsValidUtf8("\xE0\x9F\xBF"));      // overlong U+07FF
  CHECK(!utf::IsValidUtf8("\xED\xA0\x80"));      // U+D800
  CHECK(!utf::IsValidUtf8("\xF0\x8F\xBF\xBF"));  // overlong U+FFFF
  CHECK(!utf::IsValidUtf8("\xF4\x90\x80\x80"));  // U+110000
  CHECK(!utf::IsValidUtf8("\xF5\x80\x80\x80"));
  CHECK(!utf::IsValidUtf8("\xE2\x82"));          // cut off by the end
  CHECK(!utf::IsValidUtf8("\xE2\x28\xA1"));      // not a continuation byte
  CHECK(!utf::IsValidUtf8("ok\xFF"));
}

}  // namespace
}  // namespace nn
