// Built-in recognizers: hand-written scanners for identifiers with a fixed shape, each followed by its validator
// (validators.h), so a number that only looks like a card, an IBAN or a date is no entity. One pass over the text,
// linear in its length; offsets are UTF-16 units. Each match is bounded by non-word characters on both sides, and a
// number that continues past it ("1.2.3.4.5", "4111 1111 1111 1111 1") is not cut short into a match.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nn::rules {

enum class Builtin { kEmail, kUrl, kIpAddress, kPhoneNumber, kCreditCard, kIban, kUsSsn, kDate };

struct BuiltinSpan {
  uint32_t start;
  uint32_t end;
  float score;  // the recognizer's confidence in this form (E.164 phone numbers above national ones, ...)
};

// The built-in named `name` (its label too: "EMAIL", "URL", "IP_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN",
// "US_SSN", "DATE"). False for any other name.
bool BuiltinByName(std::string_view name, Builtin* builtin);
const char* BuiltinName(Builtin builtin);
std::string BuiltinNames();  // "EMAIL, URL, ..." for error messages
// Words that raise the score when near a match (context), lower case.
const std::vector<std::string>& BuiltinContext(Builtin builtin);

// Appends the matches of `builtin` in `text`, in order, none overlapping.
void FindBuiltin(Builtin builtin, std::u16string_view text, std::vector<BuiltinSpan>* spans);

}  // namespace nn::rules
