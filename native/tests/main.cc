// Runs every registered test (check.h) and reports one line per group, then "N passed, N failed". Exits non-zero
// when any test failed. `native_ner_unit_tests GROUP...` runs only the groups named.
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "tests/check.h"

namespace nn::test {
namespace {

std::vector<std::string>* g_failures = nullptr;  // the running test's

}  // namespace

std::vector<TestCase>& Tests() {
  static std::vector<TestCase> tests;
  return tests;
}

void RecordFailure(const char* file, int line, const std::string& message) {
  std::string where = file;
  const size_t slash = where.rfind('/');
  if (slash != std::string::npos) where = where.substr(slash + 1);
  g_failures->push_back(where + ":" + std::to_string(line) + ": " + message);
}

}  // namespace nn::test

int main(int argc, char** argv) {
  using nn::test::TestCase;
  std::vector<std::string> only(argv + 1, argv + argc);
  // Groups in order of first registration (source files link in name order).
  std::vector<std::string> groups;
  for (const TestCase& test : nn::test::Tests()) {
    bool known = false;
    for (const std::string& g : groups) known = known || g == test.group;
    bool wanted = only.empty();
    for (const std::string& g : only) wanted = wanted || g == test.group;
    if (!known && wanted) groups.push_back(test.group);
  }
  size_t passed = 0, failed = 0;
  for (const std::string& group : groups) {
    size_t group_passed = 0, group_total = 0;
    std::vector<std::string> report;
    const auto start = std::chrono::steady_clock::now();
    for (const TestCase& test : nn::test::Tests()) {
      if (group != test.group) continue;
      ++group_total;
      std::vector<std::string> failures;
      nn::test::g_failures = &failures;
      try {
        test.body();
      } catch (const std::exception& e) {
        failures.push_back(std::string("uncaught exception: ") + e.what());
      } catch (...) {
        failures.push_back("uncaught exception");
      }
      if (failures.empty()) {
        ++group_passed;
      } else {
        report.push_back(std::string("  ") + test.name);
        for (const std::string& f : failures) report.push_back("    " + f);
      }
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    const size_t fails = group_total - group_passed;
    std::printf("%s %s: %zu of %zu passed (%.1f ms)\n", fails ? "FAIL" : "ok  ", group.c_str(), group_passed,
                group_total, ms);
    for (const std::string& line : report) std::printf("%s\n", line.c_str());
    passed += group_passed;
    failed += fails;
  }
  std::printf("%zu passed, %zu failed\n", passed, failed);
  return failed == 0 && passed > 0 ? 0 : 1;
}
