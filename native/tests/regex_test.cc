// The Replace/Split regex (core/util/regex.h): a pattern that is one repeated character test is matched by
// counting runs, which must find exactly what the backtracking search finds for the same pattern in a group.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/util/regex.h"
#include "tests/check.h"

namespace nn {
namespace {

std::vector<std::string> Matches(const Regex& regex, std::u32string_view text) {
  std::vector<RegexMatch> matches;
  regex.FindAll(text, &matches);
  std::vector<std::string> shown;
  for (const RegexMatch& m : matches) shown.push_back(std::to_string(m.begin) + "-" + std::to_string(m.end));
  return shown;
}

TEST("regex", "a repeated character test finds what the backtracking search finds") {
  const char* patterns[] = {" {2,}", " +", "a{2,3}", "a{2,3}?", "a+?", "[ab]{2}", "\\s+", "[^ ]+", ".{3,}", "\\p{L}+"};
  const char32_t alphabet[] = {' ', ' ', 'a', 'a', 'b', '\n', 0x2581, 0x3000, 0xE9};
  uint32_t seed = 12345;
  const auto next = [&] {
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
  };
  for (const char* pattern : patterns) {
    const std::unique_ptr<Regex> fast = Regex::Compile(pattern);
    const std::unique_ptr<Regex> general = Regex::Compile(std::string("(?:") + pattern + ")");
    CHECK(fast != nullptr && general != nullptr);
    if (!fast || !general) continue;
    for (int round = 0; round < 300; ++round) {
      std::u32string text;
      const size_t length = next() % 24;
      for (size_t k = 0; k < length; ++k) text.push_back(alphabet[next() % (sizeof(alphabet) / sizeof(alphabet[0]))]);
      CHECK_EQ(Matches(*fast, text), Matches(*general, text));
    }
  }
  const std::unique_ptr<Regex> spaces = Regex::Compile(" {2,}");
  CHECK_EQ(Matches(*spaces, U"a  b c   "), (std::vector<std::string>{"1-3", "6-9"}));
  CHECK_EQ(Matches(*spaces, std::u32string(100000, U' ')), std::vector<std::string>{"0-100000"});
}

}  // namespace
}  // namespace nn
