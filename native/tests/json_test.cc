// The JSON reader (util/json.h) the model directory's files are read with.
#include "core/util/json.h"
#include "tests/check.h"

namespace nn {
namespace {

TEST("json reader", "reads objects in document order, arrays, numbers, literals and escapes") {
  const json::Value doc = json::Parse(
      R"( {"b": [1, -2.5, 3e2, 0], "a": {"t": true, "f": false, "n": null},
           "s": "tab\tquote\" \u00e9 \ud83d\ude00 \\ \/"} )",
      "doc.json");
  CHECK(doc.is_object());
  CHECK_EQ(doc.as_object().size(), size_t{3});
  CHECK_EQ(doc.as_object()[0].first, std::string("b"));  // document order, not sorted
  const std::vector<json::Value>& numbers = doc.find("b")->as_array();
  CHECK_EQ(numbers.size(), size_t{4});
  CHECK_EQ(numbers[1].as_number(), -2.5);
  CHECK_EQ(numbers[2].as_number(), 300.0);
  CHECK(doc.find("a")->find("t")->as_bool());
  CHECK(!doc.find("a")->find("f")->as_bool(true));
  CHECK(doc.find("a")->find("n")->is_null());
  CHECK_EQ(doc.find("s")->as_string(), std::string("tab\tquote\" \xc3\xa9 \xf0\x9f\x98\x80 \\ /"));
}

TEST("json reader", "lookups and accessors fall back instead of failing") {
  const json::Value doc = json::Parse(R"({"n": 5, "s": "x"})", "doc.json");
  CHECK(doc.find("missing") == nullptr);
  CHECK(doc.find("n")->find("inner") == nullptr);
  CHECK_EQ(doc.find("s")->as_number(-1), -1.0);
  CHECK_EQ(doc.find("n")->as_string(), std::string());
  CHECK(doc.find("n")->as_array().empty());
}

TEST("json reader", "malformed documents fail with kInvalidModel naming the source and the byte") {
  CHECK_THROWS(json::Parse("{\"a\": 1,}", "config.json"), ErrorCode::kInvalidModel, "config.json: invalid JSON at byte 8");
  CHECK_THROWS(json::Parse("[1, 2", "x.json"), ErrorCode::kInvalidModel, "x.json");
  CHECK_THROWS(json::Parse("{} {}", "x.json"), ErrorCode::kInvalidModel, "unexpected content after the JSON value");
  CHECK_THROWS(json::Parse("\"\\ud83d\"", "x.json"), ErrorCode::kInvalidModel, "x.json");
  CHECK_THROWS(json::Parse(std::string(100000, '['), "deep.json"), ErrorCode::kInvalidModel, "nesting deeper");
}

}  // namespace
}  // namespace nn
