#include "core/util/json.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/util/utf.h"

namespace nn::json {

Value Value::Bool(bool b) {
  Value v;
  v.type_ = Type::kBool;
  v.bool_ = b;
  return v;
}

Value Value::Number(double d) {
  Value v;
  v.type_ = Type::kNumber;
  v.number_ = d;
  return v;
}

Value Value::String(std::string s) {
  Value v;
  v.type_ = Type::kString;
  v.string_ = std::move(s);
  return v;
}

Value Value::Array(std::vector<Value> items) {
  Value v;
  v.type_ = Type::kArray;
  v.array_ = std::move(items);
  return v;
}

Value Value::Object(std::vector<Member> members) {
  Value v;
  v.type_ = Type::kObject;
  v.object_ = std::move(members);
  return v;
}

bool Value::as_bool(bool fallback) const { return type_ == Type::kBool ? bool_ : fallback; }

double Value::as_number(double fallback) const { return type_ == Type::kNumber ? number_ : fallback; }

const std::string& Value::as_string() const {
  static const std::string kEmpty;
  return type_ == Type::kString ? string_ : kEmpty;
}

const std::vector<Value>& Value::as_array() const {
  static const std::vector<Value> kEmpty;
  return type_ == Type::kArray ? array_ : kEmpty;
}

const std::vector<Value::Member>& Value::as_object() const {
  static const std::vector<Member> kEmpty;
  return type_ == Type::kObject ? object_ : kEmpty;
}

const Value* Value::find(std::string_view key) const {
  if (type_ != Type::kObject) return nullptr;
  for (const Member& member : object_) {
    if (member.first == key) return &member.second;
  }
  return nullptr;
}

Value* Value::find_mutable(std::string_view key) {
  return const_cast<Value*>(static_cast<const Value*>(this)->find(key));
}

void Value::set(std::string_view key, Value value) {
  if (type_ != Type::kObject) return;
  if (Value* member = find_mutable(key)) {
    *member = std::move(value);
  } else {
    object_.emplace_back(std::string(key), std::move(value));
  }
}

namespace {

// Deep enough for any real config, shallow enough that recursion cannot exhaust the stack.
constexpr int kMaxDepth = 256;

class Parser {
 public:
  Parser(std::string_view text, const std::string& source) : text_(text), source_(source) {}

  Value ParseDocument() {
    SkipWhitespace();
    Value value = ParseValue(0);
    SkipWhitespace();
    if (pos_ != text_.size()) Fail("unexpected content after the JSON value");
    return value;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) const {
    throw Error(ErrorCode::kInvalidModel,
                source_ + ": invalid JSON at byte " + std::to_string(pos_) + ": " + what);
  }

  void SkipWhitespace() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }

  bool Consume(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  void ExpectLiteral(std::string_view literal) {
    if (text_.substr(pos_, literal.size()) != literal) Fail("unknown literal");
    pos_ += literal.size();
  }

  Value ParseValue(int depth) {
    if (depth > kMaxDepth) Fail("nesting deeper than " + std::to_string(kMaxDepth));
    if (pos_ >= text_.size()) Fail("unexpected end of input");
    switch (text_[pos_]) {
      case '{': return ParseObject(depth);
      case '[': return ParseArray(depth);
      case '"': return Value::String(ParseString());
      case 't': ExpectLiteral("true"); return Value::Bool(true);
      case 'f': ExpectLiteral("false"); return Value::Bool(false);
      case 'n': ExpectLiteral("null"); return Value();
      default: return Value::Number(ParseNumber());
    }
  }

  Value ParseObject(int depth) {
    ++pos_;  // '{'
    std::vector<Value::Member> members;
    SkipWhitespace();
    if (Consume('}')) return Value::Object(std::move(members));
    while (true) {
      SkipWhitespace();
      if (pos_ >= text_.size() || text_[pos_] != '"') Fail("expected a string key");
      std::string key = ParseString();
      SkipWhitespace();
      if (!Consume(':')) Fail("expected ':'");
      SkipWhitespace();
      Value value = ParseValue(depth + 1);
      members.emplace_back(std::move(key), std::move(value));
      SkipWhitespace();
      if (Consume(',')) continue;
      if (Consume('}')) return Value::Object(std::move(members));
      Fail("expected ',' or '}'");
    }
  }

  Value ParseArray(int depth) {
    ++pos_;  // '['
    std::vector<Value> items;
    SkipWhitespace();
    if (Consume(']')) return Value::Array(std::move(items));
    while (true) {
      SkipWhitespace();
      items.push_back(ParseValue(depth + 1));
      SkipWhitespace();
      if (Consume(',')) continue;
      if (Consume(']')) return Value::Array(std::move(items));
      Fail("expected ',' or ']'");
    }
  }

  double ParseNumber() {
    // Validate the JSON number grammar first; from_chars alone would accept forms JSON does not.
    const size_t start = pos_;
    Consume('-');
    if (Consume('0')) {
    } else if (pos_ < text_.size() && text_[pos_] >= '1' && text_[pos_] <= '9') {
      SkipDigits();
    } else {
      Fail("invalid value");
    }
    if (Consume('.')) {
      if (!SkipDigits()) Fail("expected digits after '.'");
    }
    if (Consume('e') || Consume('E')) {
      if (!Consume('+')) Consume('-');
      if (!SkipDigits()) Fail("expected digits in exponent");
    }
    double value = 0;
    const auto result = std::from_chars(text_.data() + start, text_.data() + pos_, value);
    if (result.ptr != text_.data() + pos_) Fail("invalid number");
    if (result.ec == std::errc::result_out_of_range) {
      // Like serde_json (HF's reader): too large is an error, too small is zero.
      if (DecimalExponent(text_.substr(start, pos_ - start)) > 0) Fail("number out of range");
      return text_[start] == '-' ? -0.0 : 0.0;
    }
    if (result.ec != std::errc()) Fail("invalid number");
    return value;
  }

  // Power of ten of the first significant digit of a valid JSON number: 1.5e3 -> 3, 0.02 -> -2.
  static long DecimalExponent(std::string_view number) {
    size_t i = number[0] == '-' ? 1 : 0;
    long lead = 0;
    bool found = false;
    size_t integer_end = i;
    while (integer_end < number.size() && number[integer_end] >= '0' && number[integer_end] <= '9') ++integer_end;
    for (size_t k = i; k < integer_end && !found; ++k) {
      if (number[k] != '0') {
        lead = static_cast<long>(integer_end - k) - 1;
        found = true;
      }
    }
    i = integer_end;
    if (i < number.size() && number[i] == '.') {
      for (size_t k = i + 1; k < number.size() && number[k] >= '0' && number[k] <= '9'; ++k) {
        if (!found && number[k] != '0') {
          lead = -static_cast<long>(k - i);
          found = true;
        }
      }
    }
    const size_t e = number.find_first_of("eE");
    long exponent = 0;
    if (e != std::string_view::npos) {
      size_t k = e + 1;
      const bool negative = number[k] == '-';
      if (number[k] == '-' || number[k] == '+') ++k;
      for (; k < number.size() && exponent < 100000000; ++k) exponent = exponent * 10 + (number[k] - '0');
      if (negative) exponent = -exponent;
    }
    return lead + exponent;
  }

  bool SkipDigits() {
    const size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  unsigned ParseHex4() {
    if (text_.size() - pos_ < 4) Fail("truncated \\u escape");
    unsigned value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_++];
      value <<= 4;
      if (c >= '0' && c <= '9') value |= c - '0';
      else if (c >= 'a' && c <= 'f') value |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') value |= c - 'A' + 10;
      else Fail("invalid \\u escape");
    }
    return value;
  }

  void ParseEscape(std::string* out) {
    if (pos_ >= text_.size()) Fail("unterminated string");
    const char c = text_[pos_++];
    switch (c) {
      case '"': out->push_back('"'); return;
      case '\\': out->push_back('\\'); return;
      case '/': out->push_back('/'); return;
      case 'b': out->push_back('\b'); return;
      case 'f': out->push_back('\f'); return;
      case 'n': out->push_back('\n'); return;
      case 'r': out->push_back('\r'); return;
      case 't': out->push_back('\t'); return;
      case 'u': break;
      default: --pos_; Fail("invalid escape");
    }
    char32_t code_point = ParseHex4();
    if (code_point >= 0xDC00 && code_point <= 0xDFFF) Fail("lone low surrogate in \\u escape");
    if (code_point >= 0xD800 && code_point <= 0xDBFF) {
      if (text_.substr(pos_, 2) != "\\u") Fail("lone high surrogate in \\u escape");
      pos_ += 2;
      const char32_t low = ParseHex4();
      if (low < 0xDC00 || low > 0xDFFF) Fail("high surrogate not followed by a low surrogate");
      code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
    }
    utf::AppendUtf8(code_point, out);
  }

  // Copies one UTF-8 sequence, rejecting malformed, overlong and surrogate encodings.
  void CopyUtf8Char(std::string* out) {
    const unsigned char lead = static_cast<unsigned char>(text_[pos_]);
    size_t length;
    char32_t min;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
      min = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      min = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      min = 0x10000;
    } else {
      Fail("invalid UTF-8");
    }
    if (text_.size() - pos_ < length) Fail("truncated UTF-8");
    char32_t c = lead & (0x7F >> length);
    for (size_t k = 1; k < length; ++k) {
      const unsigned char cont = static_cast<unsigned char>(text_[pos_ + k]);
      if ((cont & 0xC0) != 0x80) Fail("invalid UTF-8");
      c = (c << 6) | (cont & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) Fail("invalid UTF-8");
    out->append(text_.data() + pos_, length);
    pos_ += length;
  }

  std::string ParseString() {
    ++pos_;  // opening quote
    std::string out;
    while (true) {
      // Copy the plain ASCII run in one go: strings here are mostly vocabulary entries.
      const size_t run_start = pos_;
      while (pos_ < text_.size()) {
        const unsigned char c = static_cast<unsigned char>(text_[pos_]);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
        ++pos_;
      }
      out.append(text_.data() + run_start, pos_ - run_start);
      if (pos_ >= text_.size()) Fail("unterminated string");
      const unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c == '\\') {
        ++pos_;
        ParseEscape(&out);
      } else if (c < 0x20) {
        Fail("control character in string");
      } else {
        CopyUtf8Char(&out);
      }
    }
  }

  std::string_view text_;
  const std::string& source_;
  size_t pos_ = 0;
};

}  // namespace

Value Parse(std::string_view text, const std::string& source) {
  // A UTF-8 byte order mark is not JSON, but editors write one; tolerate it.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return Parser(text, source).ParseDocument();
}

std::string ReadFile(const std::string& path) {
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) throw Error(ErrorCode::kModelNotFound, path + " is a directory");
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(ErrorCode::kModelNotFound, "cannot open " + path);
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad()) throw Error(ErrorCode::kModelNotFound, "cannot read " + path);
  return contents.str();
}

}  // namespace nn::json
