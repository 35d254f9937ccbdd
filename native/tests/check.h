// A minimal test harness for the core's unit tests (native/tests, built by CMake's NATIVE_NER_UNIT_TESTS and run by
// scripts/test-native.mjs), with no framework to download:
//   TEST("group", "what it shows") { CHECK(x > 0); CHECK_EQ(a, b); CHECK_THROWS(f(), ErrorCode::kInvalidModel, "text"); }
// A failed check records its file, line and values and lets the test go on; main.cc runs every test, prints one line
// per group and closes with "N passed, N failed".
#pragma once

#include <cstddef>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/error.h"

namespace nn::test {

struct TestCase {
  const char* group;
  const char* name;
  void (*body)();
};

std::vector<TestCase>& Tests();
void RecordFailure(const char* file, int line, const std::string& message);

struct Registration {
  Registration(const char* group, const char* name, void (*body)()) { Tests().push_back({group, name, body}); }
};

template <typename T, typename = void>
struct Printable : std::false_type {};
template <typename T>
struct Printable<T, std::void_t<decltype(std::declval<std::ostream&>() << std::declval<const T&>())>> : std::true_type {};

template <typename T>
std::string Show(const T& value);

template <typename T>
std::string ShowOne(const T& value) {
  if constexpr (std::is_same_v<T, std::u16string>) {
    std::string out;
    for (char16_t c : value) out += c < 0x80 ? static_cast<char>(c) : '?';
    return "u\"" + out + "\"";
  } else if constexpr (std::is_same_v<T, std::string>) {
    return "\"" + value + "\"";
  } else if constexpr (std::is_enum_v<T>) {
    return std::to_string(static_cast<long long>(value));
  } else if constexpr (Printable<T>::value) {
    std::ostringstream out;
    out << value;
    return out.str();
  } else {
    return "(value)";
  }
}

template <typename T>
std::string Show(const T& value) {
  return ShowOne(value);
}

template <typename T>
std::string Show(const std::vector<T>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + Show(values[i]);
  return out + "]";
}

template <typename A, typename B>
void CheckEqual(const A& a, const B& b, const char* a_text, const char* b_text, const char* file, int line) {
  if (a == b) return;
  RecordFailure(file, line,
                std::string("CHECK_EQ(") + a_text + ", " + b_text + "): " + Show(a) + " != " + Show(b));
}

}  // namespace nn::test

#define NN_TEST_CONCAT2(a, b) a##b
#define NN_TEST_CONCAT(a, b) NN_TEST_CONCAT2(a, b)
#define NN_TEST_BODY NN_TEST_CONCAT(nn_test_body_, __LINE__)

#define TEST(group, name)                                                                                    \
  static void NN_TEST_BODY();                                                                                \
  static const ::nn::test::Registration NN_TEST_CONCAT(nn_test_registration_, __LINE__)(group, name, \
                                                                                        &NN_TEST_BODY);  \
  static void NN_TEST_BODY()

#define CHECK(condition)                                                                   \
  do {                                                                                     \
    if (!(condition)) ::nn::test::RecordFailure(__FILE__, __LINE__, "CHECK(" #condition ")"); \
  } while (0)

#define CHECK_EQ(a, b) ::nn::test::CheckEqual((a), (b), #a, #b, __FILE__, __LINE__)

// `expression` must throw nn::Error with `error_code` and a message containing `text`.
#define CHECK_THROWS(expression, error_code, text)                                                              \
  do {                                                                                                           \
    try {                                                                                                        \
      (void)(expression);                                                                                        \
      ::nn::test::RecordFailure(__FILE__, __LINE__, "CHECK_THROWS(" #expression "): nothing thrown");            \
    } catch (const ::nn::Error& nn_test_error) {                                                                 \
      if (nn_test_error.code() != (error_code)) {                                                                \
        ::nn::test::RecordFailure(__FILE__, __LINE__,                                                            \
                                  std::string("CHECK_THROWS(" #expression "): code ") +                          \
                                      ::nn::ErrorCodeName(nn_test_error.code()) + ": " + nn_test_error.what());  \
      } else if (std::string(nn_test_error.what()).find(text) == std::string::npos) {                            \
        ::nn::test::RecordFailure(__FILE__, __LINE__, std::string("CHECK_THROWS(" #expression "): message '") + \
                                                          nn_test_error.what() + "' lacks '" + (text) + "'");    \
      }                                                                                                          \
    }                                                                                                            \
  } while (0)
