// Built-in recognizers (core/rules/recognizers.h) and their validators: valid forms, failing checksums, near misses.
#include <string>
#include <vector>

#include "core/rules/recognizers.h"
#include "core/rules/validators.h"
#include "core/util/utf.h"
#include "tests/check.h"

namespace nn::rules {
namespace {

// The texts of the matches of `name` in `text` (ASCII tests).
std::vector<std::string> Found(const char* name, const std::string& text) {
  Builtin builtin;
  if (!BuiltinByName(name, &builtin)) return {"unknown"};
  const std::u16string t = utf::Utf8ToUtf16(text);
  std::vector<BuiltinSpan> spans;
  FindBuiltin(builtin, t, &spans);
  std::vector<std::string> out;
  for (const BuiltinSpan& s : spans) out.push_back(text.substr(s.start, s.end - s.start));
  return out;
}

using V = std::vector<std::string>;  // wrapped in () inside CHECK_EQ (commas)

TEST("rules recognizers", "a number never starts inside a longer run of digit groups whose whole fails") {
  CHECK_EQ(Found("CREDIT_CARD", "card=4022 5785 0643 9327"), V{});          // its last 12 digits pass Luhn
  CHECK_EQ(Found("CREDIT_CARD", "AT69 1705 5725 1413 8724"), V{});          // an IBAN with wrong check digits
  CHECK_EQ(Found("PHONE_NUMBER", "DE01 3883 7861 0164 5436 78"), V{});
  CHECK_EQ(Found("PHONE_NUMBER", "NO01 0295 9483 074"), V{});
  CHECK_EQ(Found("CREDIT_CARD", "paid 4111 1111 1111 1111 today"), (V{"4111 1111 1111 1111"}));  // a word before is fine
}

TEST("rules recognizers", "validators") {
  CHECK(LuhnValid("4111111111111111"));
  CHECK(!LuhnValid("4111111111111112"));
  CHECK(CardIssuerKnown("4111111111111111"));
  CHECK(!CardIssuerKnown("9111111111111111"));
  CHECK(IbanValid("GB82WEST12345698765432"));
  CHECK(!IbanValid("GB82WEST12345698765433"));
  CHECK(!IbanValid("GB82WEST1234569876543"));  // the country's length
  CHECK(SsnValid(123, 45, 6780));
  CHECK(!SsnValid(0, 45, 6789) && !SsnValid(666, 45, 6789) && !SsnValid(901, 45, 6789));
  CHECK(!SsnValid(123, 0, 6789) && !SsnValid(123, 45, 0));
  CHECK(DateValid(2024, 2, 29) && !DateValid(2023, 2, 29) && !DateValid(2024, 13, 1) && !DateValid(1900, 2, 29));
}

TEST("rules recognizers", "EMAIL") {
  CHECK_EQ(Found("EMAIL", "Mail john.smith+ner@mail.example.co.uk, now."), (V{"john.smith+ner@mail.example.co.uk"}));
  CHECK_EQ(Found("EMAIL", "a@b user@host @handle x@y.z foo@bar..com"), (V{}));
  CHECK_EQ(Found("EMAIL", "version 1.2@3.4"), (V{}));
}

TEST("rules recognizers", "URL") {
  CHECK_EQ(Found("URL", "See https://example.com/a?b=1 (or www.example.org)."),
           (V{"https://example.com/a?b=1", "www.example.org"}));
  CHECK_EQ(Found("URL", "Wiki https://en.wikipedia.org/wiki/Foo_(bar), end"), (V{"https://en.wikipedia.org/wiki/Foo_(bar)"}));
  CHECK_EQ(Found("URL", "http:// and https://nohost and version 1.2.3"), (V{}));
}

TEST("rules recognizers", "IP_ADDRESS") {
  CHECK_EQ(Found("IP_ADDRESS", "host 192.168.0.1, v6 2001:db8::8a2e:370:7334 and ::1 and fe80::1%"),
           (V{"192.168.0.1", "2001:db8::8a2e:370:7334", "::1", "fe80::1"}));
  CHECK_EQ(Found("IP_ADDRESS", "256.1.1.1 1.2.3 version 1.2.3.4.5 v1.2.3.4 at 12:30:45 on 2024-01-02"), (V{}));
  CHECK_EQ(Found("IP_ADDRESS", "full 2001:0db8:0000:0000:0000:ff00:0042:8329 mapped ::ffff:192.0.2.128"),
           (V{"2001:0db8:0000:0000:0000:ff00:0042:8329", "::ffff:192.0.2.128"}));
}

TEST("rules recognizers", "PHONE_NUMBER") {
  CHECK_EQ(Found("PHONE_NUMBER", "Call +1 415-555-2671 or (415) 555-2671 or 415.555.2671, UK 020 7946 0958."),
           (V{"+1 415-555-2671", "(415) 555-2671", "415.555.2671", "020 7946 0958"}));
  CHECK_EQ(Found("PHONE_NUMBER", "+442079460958"), (V{"+442079460958"}));
  // A parenthesis after the number that holds no group ends the number before it.
  CHECK_EQ(Found("PHONE_NUMBER", "call 028 1566 3058 (order 5) or 790.637.6223 (5 items)"),
           (V{"028 1566 3058", "790.637.6223"}));
  // Near misses: order numbers, dates, times, SSNs, cards, versions.
  CHECK_EQ(Found("PHONE_NUMBER",
                 "order 12345678901 on 2024-01-15 at 12:30:45, ssn 123-45-6789, card 4111 1111 1111 1111, v1.2.3"),
           (V{}));
}

TEST("rules recognizers", "CREDIT_CARD") {
  CHECK_EQ(Found("CREDIT_CARD", "Visa 4111 1111 1111 1111, MC 5500-0000-0000-0004, Amex 378282246310005."),
           (V{"4111 1111 1111 1111", "5500-0000-0000-0004", "378282246310005"}));
  CHECK_EQ(Found("CREDIT_CARD", "bad 4111 1111 1111 1112 order 1234567812345670 mixed 4111-1111 1111 1111"), (V{}));
  CHECK_EQ(Found("CREDIT_CARD", "longer 4111 1111 1111 1111 1234 5"), (V{}));
}

TEST("rules recognizers", "IBAN") {
  CHECK_EQ(Found("IBAN", "Pay GB82 WEST 1234 5698 7654 32 or DE89370400440532013000."),
           (V{"GB82 WEST 1234 5698 7654 32", "DE89370400440532013000"}));
  CHECK_EQ(Found("IBAN", "GB82WEST12345698765433 DE8937040044053201300 XX89370400440532013000"), (V{}));
}

TEST("rules recognizers", "US_SSN") {
  CHECK_EQ(Found("US_SSN", "SSN 536-22-1234 and 536 22 1234."), (V{"536-22-1234", "536 22 1234"}));
  CHECK_EQ(Found("US_SSN", "000-12-3456 666-12-3456 912-12-3456 536-00-1234 536-22-0000 111-11-1111 536-22 1234"), (V{}));
  CHECK_EQ(Found("US_SSN", "phone 415-555-2671, date 2024-01-15, part 536-22-1234-5"), (V{}));
}

TEST("rules recognizers", "DATE") {
  CHECK_EQ(Found("DATE", "On 2024-01-15, 2024-01-15T10:30:00Z, January 5, 2024, Jan. 5th 2024 and 5 March 2023."),
           (V{"2024-01-15", "2024-01-15T10:30:00Z", "January 5, 2024", "Jan. 5th 2024", "5 March 2023"}));
  CHECK_EQ(Found("DATE", "Monday, January 5, 2026 and 01/15/2024 and 15.01.2024 and March 2024"),
           (V{"Monday, January 5, 2026", "01/15/2024", "15.01.2024", "March 2024"}));
  CHECK_EQ(Found("DATE", "2023-02-29 2024-13-01 at 12:30:45 version 1.2.3 order 20240115 May be 13/13/2024"), (V{}));
}

TEST("rules recognizers", "hostile input never crashes") {
  std::string junk;
  for (int i = 0; i < 3000; ++i) junk += "1.:-@/+(" [i % 8];
  const std::string nines(5000, '9');
  for (const char* name : {"EMAIL", "URL", "IP_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN", "US_SSN", "DATE"}) {
    // Whatever is found is a non-empty piece of the input (its offsets stayed inside the text).
    for (const std::string* text : std::initializer_list<const std::string*>{&junk, &nines}) {
      for (const std::string& found : Found(name, *text)) CHECK(!found.empty() && text->find(found) != std::string::npos);
    }
    CHECK(Found(name, "").empty());
  }
}

}  // namespace
}  // namespace nn::rules
