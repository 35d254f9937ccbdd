// A small, strict JSON reader for the model directory's files (tokenizer.json, config.json).
// Documents are parsed once at load time into an immutable tree; nothing here is on a hot path.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nn::json {

class Value {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  using Member = std::pair<std::string, Value>;

  Value() = default;
  static Value Bool(bool b);
  static Value Number(double d);
  static Value String(std::string s);
  static Value Array(std::vector<Value> items);
  static Value Object(std::vector<Member> members);  // keeps document order

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_number() const { return type_ == Type::kNumber; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }

  // Accessors return the value or, for a value of another type, the given fallback.
  bool as_bool(bool fallback = false) const;
  double as_number(double fallback = 0) const;
  const std::string& as_string() const;          // "" for non-strings
  const std::vector<Value>& as_array() const;    // empty for non-arrays
  const std::vector<Member>& as_object() const;  // empty for non-objects

  // Object member lookup (linear; objects here are small except vocabularies, which callers iterate).
  // Returns nullptr when this is not an object or has no such key.
  const Value* find(std::string_view key) const;

  // For adjusting a parsed document at load time (e.g. tokenizer.json as transformers rebuilds it): the member to
  // change in place (nullptr as find), and setting a member (replaced in place, or appended when absent; no-op
  // when this is not an object).
  Value* find_mutable(std::string_view key);
  void set(std::string_view key, Value value);

 private:
  Type type_ = Type::kNull;
  bool bool_ = false;
  double number_ = 0;
  std::string string_;
  std::vector<Value> array_;
  std::vector<Member> object_;
};

// Parses a complete JSON document (UTF-8). Throws nn::Error(kInvalidModel) naming `source` (e.g. the file
// path) and the byte offset of the first problem. \uXXXX escapes, surrogate pairs included, become UTF-8.
Value Parse(std::string_view text, const std::string& source);

// Reads a whole file. Throws nn::Error(kModelNotFound) when it cannot be opened.
std::string ReadFile(const std::string& path);

}  // namespace nn::json
