// Checksums and range checks that decide whether a number-shaped match is the thing it looks like. A built-in
// recognizer (recognizers.h) finds the shape; a failing check here means no entity.
#pragma once

#include <string_view>

namespace nn::rules {

// Luhn (mod 10) over ASCII digits (others are skipped); false for fewer than 2 digits.
bool LuhnValid(std::string_view digits);

// A card number's issuer prefix and length: Visa, Mastercard, American Express, Discover, JCB, Diners Club,
// UnionPay, Maestro. `digits` are the number's digits alone.
bool CardIssuerKnown(std::string_view digits);

// ISO 13616: `iban` without spaces, upper case. The country's registered length and the mod-97 remainder of 1.
bool IbanValid(std::string_view iban);

// US Social Security numbers as issued: area not 000, 666 or 900-999; group not 00; serial not 0000; not a
// number published in advertising (078-05-1120, 219-09-9999) or the common placeholder 123-45-6789.
bool SsnValid(int area, int group, int serial);

// A calendar date (Gregorian, leap years included), years 1000-2999.
bool DateValid(int year, int month, int day);

}  // namespace nn::rules
