#include "core/rules/recognizers.h"

#include <cstring>

#include "core/rules/validators.h"
#include "core/tokenizer/unicode.h"

namespace nn::rules {
namespace {

struct BuiltinInfo {
  Builtin builtin;
  const char* name;
  std::vector<std::string> context;
};

const std::vector<BuiltinInfo>& Infos() {
  static const std::vector<BuiltinInfo> infos = {
      {Builtin::kEmail, "EMAIL", {"email", "e-mail", "mail", "contact"}},
      {Builtin::kUrl, "URL", {"url", "link", "website", "site", "visit"}},
      {Builtin::kIpAddress, "IP_ADDRESS", {"ip", "address", "host", "server", "ipv4", "ipv6"}},
      {Builtin::kPhoneNumber, "PHONE_NUMBER", {"phone", "tel", "telephone", "call", "mobile", "cell", "fax"}},
      {Builtin::kCreditCard, "CREDIT_CARD", {"card", "credit", "debit", "visa", "mastercard", "amex", "payment"}},
      {Builtin::kIban, "IBAN", {"iban", "account", "bank", "transfer"}},
      {Builtin::kUsSsn, "US_SSN", {"ssn", "social", "security", "ssa"}},
      {Builtin::kDate, "DATE", {"date", "born", "dob", "birthday", "on", "since", "until"}},
  };
  return infos;
}

// Character tests on UTF-16 units: the shapes recognised are ASCII; anything else only matters as a word
// character that must not touch a match.
bool Digit(char16_t c) { return c >= '0' && c <= '9'; }
bool Upper(char16_t c) { return c >= 'A' && c <= 'Z'; }
bool Lower(char16_t c) { return c >= 'a' && c <= 'z'; }
bool Alpha(char16_t c) { return Upper(c) || Lower(c); }
bool Alnum(char16_t c) { return Alpha(c) || Digit(c); }
bool Hex(char16_t c) { return Digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool WordUnit(char16_t c) {
  if (c < 0x80) return Alnum(c) || c == '_';
  if (c >= 0xD800 && c <= 0xDFFF) return false;  // astral: emoji and rare scripts, taken as non-word
  return unicode::IsWordChar(c);
}

// Whether a match may start at i: not inside a word, and not continuing a number ("1.2" in "3.1.2", "-45" in "12-45").
bool StartBoundary(std::u16string_view t, size_t i) {
  if (i == 0) return true;
  const char16_t before = t[i - 1];
  if (WordUnit(before)) return false;
  if ((before == '.' || before == '-' || before == '/' || before == ':' || before == ',') && i >= 2 && Alnum(t[i - 2])) {
    return false;
  }
  return true;
}

// Whether a match may end at i: the same test mirrored.
bool EndBoundary(std::u16string_view t, size_t i) {
  if (i >= t.size()) return true;
  const char16_t after = t[i];
  if (WordUnit(after)) return false;
  if ((after == '.' || after == '-' || after == '/' || after == ':' || after == ',') && i + 1 < t.size() &&
      Alnum(t[i + 1])) {
    return false;
  }
  return true;
}

bool StartsWithIgnoreCase(std::u16string_view t, size_t i, const char* ascii) {
  const size_t n = std::strlen(ascii);
  if (i + n > t.size()) return false;
  for (size_t k = 0; k < n; ++k) {
    char16_t c = t[i + k];
    if (Upper(c)) c += 32;
    if (c != static_cast<unsigned char>(ascii[k])) return false;
  }
  return true;
}

// Reads `min`..`max` ASCII digits at *i into *value.
bool ReadNumber(std::u16string_view t, size_t* i, size_t min, size_t max, int* value) {
  size_t n = 0;
  int v = 0;
  while (*i + n < t.size() && n < max && Digit(t[*i + n])) v = v * 10 + (t[*i + n++] - '0');
  if (n < min || (*i + n < t.size() && Digit(t[*i + n]))) return false;
  *i += n;
  *value = v;
  return true;
}

// ---- EMAIL ----
bool LocalChar(char16_t c) {
  return Alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\'';
}
bool LabelChar(char16_t c) { return Alnum(c) || c == '-'; }

// Reads dot-separated domain labels from i; returns the end, or 0 when there is no domain with a letter TLD.
size_t ReadDomain(std::u16string_view t, size_t i) {
  size_t end = 0;
  int labels = 0;
  size_t label_start = i;
  for (;;) {
    size_t j = label_start;
    while (j < t.size() && LabelChar(t[j]) && j - label_start < 63) ++j;
    if (j == label_start || t[label_start] == '-' || t[j - 1] == '-') break;
    ++labels;
    bool letters = j - label_start >= 2;
    for (size_t k = label_start; k < j && letters; ++k) letters = Alpha(t[k]);
    if (labels >= 2 && letters) end = j;  // a possible end: a top-level domain of letters
    if (j + 1 < t.size() && t[j] == '.' && LabelChar(t[j + 1])) {
      label_start = j + 1;
    } else {
      break;
    }
  }
  return end;
}

void FindEmails(std::u16string_view t, std::vector<BuiltinSpan>* out) {
  size_t resume = 0;
  for (size_t at = 0; at < t.size(); ++at) {
    if (t[at] != '@' || at < resume) continue;
    size_t begin = at;
    while (begin > resume && LocalChar(t[begin - 1]) && at - begin < 64) --begin;
    while (begin < at && t[begin] == '.') ++begin;
    if (begin == at || t[at - 1] == '.' || (begin > 0 && (WordUnit(t[begin - 1]) || t[begin - 1] == '@'))) continue;
    bool double_dot = false;
    for (size_t k = begin + 1; k < at; ++k) double_dot = double_dot || (t[k] == '.' && t[k - 1] == '.');
    if (double_dot) continue;
    const size_t end = ReadDomain(t, at + 1);
    if (end == 0 || (end < t.size() && (WordUnit(t[end]) || t[end] == '@'))) continue;
    out->push_back({static_cast<uint32_t>(begin), static_cast<uint32_t>(end), 1.0f});
    resume = end;
    at = end;
  }
}

// ---- URL ----
void FindUrls(std::u16string_view t, std::vector<BuiltinSpan>* out) {
  for (size_t i = 0; i < t.size(); ++i) {
    if (!Alpha(t[i]) || (i > 0 && WordUnit(t[i - 1]))) continue;
    size_t host = 0;
    if (StartsWithIgnoreCase(t, i, "https://")) host = i + 8;
    else if (StartsWithIgnoreCase(t, i, "http://")) host = i + 7;
    else if (StartsWithIgnoreCase(t, i, "ftp://")) host = i + 6;
    else if (StartsWithIgnoreCase(t, i, "www.")) host = i;
    if (host == 0) continue;
    // The host: a domain with a letter TLD, localhost, or an IPv4 address.
    size_t host_end = ReadDomain(t, host);
    if (host_end == 0 && StartsWithIgnoreCase(t, host, "localhost")) host_end = host + 9;
    if (host_end == 0) {
      size_t j = host;
      int octets = 0, v = 0;
      while (octets < 4 && ReadNumber(t, &j, 1, 3, &v) && v <= 255) {
        ++octets;
        if (octets < 4 && j < t.size() && t[j] == '.') ++j; else break;
      }
      if (octets == 4) host_end = j;
    }
    if (host_end == 0) continue;
    size_t end = host_end;
    // Port, path, query, fragment: anything up to a space or a character URLs do not carry unescaped.
    if (end < t.size() && (t[end] == ':' || t[end] == '/' || t[end] == '?' || t[end] == '#')) {
      while (end < t.size() && !unicode::IsWhitespace(t[end]) && t[end] != '<' && t[end] != '>' && t[end] != '"' &&
             t[end] != '`' && t[end] >= 0x20) {
        ++end;
      }
    }
    // Sentence punctuation after a URL is not part of it; a ')' is, when the URL opened one.
    for (;;) {
      const char16_t last = t[end - 1];
      if (last == ')') {
        int open = 0;
        for (size_t k = i; k < end; ++k) open += t[k] == '(' ? 1 : t[k] == ')' ? -1 : 0;
        if (open >= 0) break;
      } else if (!(last == '.' || last == ',' || last == ';' || last == ':' || last == '!' || last == '?' ||
                   last == '\'' || last == ']' || last == '}')) {
        break;
      }
      --end;
    }
    if (end <= host_end && end < t.size() && WordUnit(t[end])) continue;
    out->push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(end), 0.85f});
    i = end;
  }
}

// ---- IP_ADDRESS ----
size_t ReadIpv4(std::u16string_view t, size_t i) {
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (i >= t.size() || t[i] != '.') return 0;
      ++i;
    }
    const size_t begin = i;
    int v = 0;
    if (!ReadNumber(t, &i, 1, 3, &v) || v > 255 || (t[begin] == '0' && i - begin > 1)) return 0;
  }
  return i;
}

// The end of an IPv6 address (RFC 4291 text forms, an IPv4 tail included) starting at i, or 0.
size_t ReadIpv6(std::u16string_view t, size_t i) {
  size_t j = i;
  int groups = 0;
  bool compressed = false;
  size_t best = 0;
  if (j + 1 < t.size() && t[j] == ':' && t[j + 1] == ':') {
    compressed = true;
    j += 2;
  } else if (j < t.size() && t[j] == ':') {
    return 0;
  }
  for (;;) {
    // An IPv4 tail counts as two groups.
    const size_t v4 = groups <= 6 ? ReadIpv4(t, j) : 0;
    if (v4 != 0 && (compressed ? groups + 2 <= 7 : groups + 2 == 8) && (groups > 0 || compressed)) {
      return v4;
    }
    size_t k = j;
    while (k < t.size() && Hex(t[k]) && k - j < 5) ++k;
    if (k == j || k - j > 4) break;
    ++groups;
    j = k;
    if (compressed ? groups <= 7 : groups == 8) best = j;
    if (groups == 8) break;
    if (j + 1 < t.size() && t[j] == ':' && t[j + 1] == ':' && !compressed) {
      compressed = true;
      j += 2;
      best = j;  // "fe80::" ends here unless groups follow
      if (j >= t.size() || !Hex(t[j])) return groups + 1 <= 8 ? j : 0;
      continue;
    }
    if (j + 1 < t.size() && t[j] == ':' && Hex(t[j + 1])) {
      ++j;
      continue;
    }
    break;
  }
  if (!compressed && groups != 8) return 0;
  if (compressed && groups == 0) return best != 0 && best > i + 2 ? best : 0;
  return best;
}

void FindIpAddresses(std::u16string_view t, std::vector<BuiltinSpan>* out) {
  for (size_t i = 0; i < t.size(); ++i) {
    if (!(Hex(t[i]) || t[i] == ':') || !StartBoundary(t, i) || (i > 0 && t[i - 1] == ':')) continue;
    size_t end = Digit(t[i]) ? ReadIpv4(t, i) : 0;
    if (end != 0 && !EndBoundary(t, end)) end = 0;
    if (end == 0) {
      end = ReadIpv6(t, i);
      if (end != 0 && ((end < t.size() && (WordUnit(t[end]) || t[end] == ':')) || !EndBoundary(t, end))) end = 0;
    }
    if (end == 0) continue;
    out->push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(end), 0.95f});
    i = end;
  }
}

// ---- digit groups shared by phones, cards and SSNs ----
struct DigitGroups {
  std::string digits;           // the digits alone
  std::vector<size_t> sizes;    // digits per group
  std::u16string separators;    // between groups (')' for "(415)" followed by nothing)
  bool plus = false;            // a leading '+'
  bool parenthesised = false;   // a group in parentheses
  size_t end = 0;
};

// Reads groups of digits separated by one of `separators` (one character, or ") " after a parenthesised group)
// from i, at most `max_chars` characters. Returns false when i starts no group.
bool ReadDigitGroups(std::u16string_view t, size_t i, const char* separators, bool allow_plus_and_parens,
                     size_t max_chars, DigitGroups* g) {
  const size_t limit = std::min(t.size(), i + max_chars);
  *g = DigitGroups{};
  if (allow_plus_and_parens && i < limit && t[i] == '+') {
    g->plus = true;
    ++i;
  }
  for (;;) {
    // A group after a separator that turns out not to be one ("3058 (order 5)", "(5 items)") ends the number
    // before that separator; only the first group failing means no number.
    const size_t digits_before = g->digits.size();
    auto end_before_this_group = [&] {
      if (g->sizes.empty()) return false;
      g->digits.resize(digits_before);
      g->separators.pop_back();
      return true;
    };
    bool paren = false;
    if (allow_plus_and_parens && i < limit && t[i] == '(') {
      paren = true;
      ++i;
    }
    const size_t begin = i;
    while (i < limit && Digit(t[i])) g->digits.push_back(static_cast<char>(t[i++]));
    if (i == begin) return end_before_this_group();
    if (paren && (i >= limit || t[i] != ')')) return end_before_this_group();
    g->sizes.push_back(i - begin);
    if (paren) {
      ++i;
      g->parenthesised = true;
    }
    g->end = i;
    // A separator counts only when another group follows.
    size_t next = i;
    char16_t separator = 0;
    if (paren) separator = ')';
    if (next < limit && t[next] < 0x80 && std::strchr(separators, static_cast<char>(t[next])) && t[next] != 0) {
      separator = t[next];
      ++next;
    }
    if (next < limit && (Digit(t[next]) || (allow_plus_and_parens && t[next] == '(' && separator != 0))) {
      g->separators.push_back(separator);
      i = next;
      if (separator == 0 && !paren) return true;  // digits right after digits cannot happen; defensive
      continue;
    }
    return true;
  }
}

// Whether a number may start at i: StartBoundary, and not after a space that follows a digit, where it would be
// the tail of a longer run of digit groups ("5785 0643 9327" inside "4022 5785 0643 9327", whose whole failed).
bool StartsDigitRun(std::u16string_view t, size_t i) {
  return StartBoundary(t, i) && !(i >= 2 && t[i - 1] == ' ' && Digit(t[i - 2]));
}

bool SameSeparators(const std::u16string& separators) {
  for (char16_t s : separators) {
    if (s != separators[0]) return false;
  }
  return true;
}

// ---- PHONE_NUMBER ----
void FindPhones(std::u16string_view t, std::vector<BuiltinSpan>* out) {
  DigitGroups g;
  for (size_t i = 0; i < t.size(); ++i) {
    const char16_t c = t[i];
    if (!(Digit(c) || c == '+' || c == '(') || !StartsDigitRun(t, i)) continue;
    if (!ReadDigitGroups(t, i, " -.", true, 24, &g) || !EndBoundary(t, g.end)) continue;
    if (g.end < t.size() && (Digit(t[g.end]) || t[g.end] == '(')) continue;
    const size_t n = g.digits.size();
    float score = 0;
    if (g.plus) {
      // E.164: a country code and at most 15 digits in all.
      if (n >= 8 && n <= 15 && g.digits[0] != '0') score = 0.8f;
    } else {
      const std::vector<size_t>& s = g.sizes;
      const bool separated = !g.separators.empty();
      const bool nanp = (s == std::vector<size_t>{3, 3, 4} && g.digits[0] >= '2' && g.digits[3] >= '2') ||
                        (s == std::vector<size_t>{1, 3, 3, 4} && g.digits[0] == '1' && g.digits[1] >= '2' &&
                         g.digits[4] >= '2');
      bool trunk = g.digits[0] == '0' && n >= 10 && n <= 11 && s.size() >= 2 && s.size() <= 4 && s[0] >= 2 &&
                   s[0] <= 5;
      for (size_t k = 1; k < s.size() && trunk; ++k) trunk = s[k] >= 2;
      if (separated && nanp) score = 0.6f;
      else if (separated && trunk) score = 0.5f;
    }
    if (score == 0) continue;
    out->push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(g.end), score});
    i = g.end;
  }
}

// ---- CREDIT_CARD ----
void FindCards(std::u16string_view t, std::vector<BuiltinSpan>* out) {
  DigitGroups g;
  for (size_t i = 0; i < t.size(); ++i) {
    if (!Digit(t[i]) || !StartsDigitRun(t, i)) continue;
    if (!ReadDigitGroups(t, i, " -", false, 24, &g) || !EndBoundary(t, g.end)) continue;
    if (g.end < t.size() && Digit(t[g.end])) continue;
    const std::vector<size_t>& s = g.sizes;
    bool shape = s.size() == 1 || SameSeparators(g.separators);
    if (shape && s.size() > 1) {
      const bool fours = [&] {
        for (size_t k = 0; k + 1 < s.size(); ++k) {
          if (s[k] != 4) return false;
        }
        return s.back() >= 1 && s.back() <= 4;
      }();
      const bool amex_diners = s.size() == 3 && s[0] == 4 && s[1] == 6 && (s[2] == 5 || s[2] == 4);
      shape = fours || amex_diners;
    }
    if (!shape || !CardIssuerKnown(g.digits) || !LuhnValid(g.digits)) continue;
    out->push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(g.end), 1.0f});
    i = g.end;
  }
}

// ---- US_SSN ----
void FindSsns(std::u16string_view t, std::vector<BuiltinSpan>* out) {
  DigitGroups g;
  for (size_t i = 0; i < t.size(); ++i) {
    if (!Digit(t[i]) || !StartsDigitRun(t, i)) continue;
    if (!ReadDigitGroups(t, i, " -", false, 12, &g) || !EndBoundary(t, g.end)) continue;
    if (g.sizes != std::vector<size_t>{3, 2, 4} || !SameSeparators(g.separators)) continue;
    if (g.digits.find_first_not_of(g.digits[0]) == std::string::npos) continue;  // 111-11-1111
    const int area = std::stoi(g.digits.substr(0, 3)), group = std::stoi(g.digits.substr(3, 2)),
              serial = std::stoi(g.digits.substr(5, 4));
    if (!SsnValid(area, group, serial)) continue;
    out->push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(g.end), 0.85f});
    i = g.end;
  }
}

// ---- IBAN ----
void FindIbans(std::u16string_view t, std::vector<BuiltinSpan>* out) {
  for (size_t i = 0; i + 15 <= t.size(); ++i) {
    if (!Upper(t[i]) || !Upper(t[i + 1]) || !Digit(t[i + 2]) || !Digit(t[i + 3]) || !StartBoundary(t, i)) continue;
    // Compact, or in groups of four separated by single spaces.
    std::string compact;
    std::vector<size_t> ends;  // ends[k]: the text offset after compact character k
    size_t j = i;
    while (j < t.size() && compact.size() < 34) {
      if (Upper(t[j]) || Digit(t[j])) {
        compact.push_back(static_cast<char>(t[j]));
        ends.push_back(++j);
      } else if (t[j] == ' ' && compact.size() % 4 == 0 && j + 1 < t.size() && (Upper(t[j + 1]) || Digit(t[j + 1]))) {
        ++j;
      } else {
        break;
      }
    }
    // The country's length decides where the IBAN ends; it must end there, at a group's end or the text's.
    bool found = false;
    for (size_t length = 15; length <= compact.size() && !found; ++length) {
      const size_t end = ends[length - 1];
      if (!EndBoundary(t, end)) continue;
      if (IbanValid(std::string_view(compact).substr(0, length))) {
        out->push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(end), 1.0f});
        i = end;
        found = true;
      }
    }
  }
}

// ---- DATE ----
const char* const kMonths[] = {"january", "february", "march", "april", "may", "june", "july", "august",
                               "september", "october", "november", "december"};
const char* const kWeekdays[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

// A month name at i (full, or three letters, or "Sept", with an optional '.'); sets *month 1..12 and moves *i.
bool ReadMonth(std::u16string_view t, size_t* i, int* month) {
  size_t n = 0;
  while (*i + n < t.size() && Alpha(t[*i + n]) && n < 10) ++n;
  if (n < 3 || !Upper(t[*i]) || (*i + n < t.size() && WordUnit(t[*i + n]))) return false;
  std::string word;
  for (size_t k = 0; k < n; ++k) word.push_back(static_cast<char>(t[*i + k] | 0x20));
  for (int m = 0; m < 12; ++m) {
    const std::string full = kMonths[m];
    if (word == full || (n == 3 && full.compare(0, 3, word) == 0) || (m == 8 && word == "sept")) {
      *month = m + 1;
      *i += n;
      if (n < full.size() && *i < t.size() && t[*i] == '.') ++*i;
      return true;
    }
  }
  return false;
}

bool ReadDay(std::u16string_view t, size_t* i, int* day) {
  if (!ReadNumber(t, i, 1, 2, day)) return false;
  if (*i + 1 < t.size()) {
    const char16_t a = t[*i] | 0x20, b = t[*i + 1] | 0x20;
    if ((a == 's' && b == 't') || (a == 'n' && b == 'd') || (a == 'r' && b == 'd') || (a == 't' && b == 'h')) *i += 2;
  }
  return *i >= t.size() || !WordUnit(t[*i]);
}

bool SkipSpaces(std::u16string_view t, size_t* i, bool comma_allowed) {
  const size_t begin = *i;
  if (comma_allowed && *i < t.size() && t[*i] == ',') ++*i;
  while (*i < t.size() && t[*i] == ' ' && *i - begin < 3) ++*i;
  return *i > begin;
}

// "2024-01-15", with an optional time "T10:30", "T10:30:00.5Z", "T10:30:00+02:00".
size_t ReadIso(std::u16string_view t, size_t i) {
  int y, m, d;
  if (!ReadNumber(t, &i, 4, 4, &y) || i >= t.size() || t[i] != '-' || !ReadNumber(t, &++i, 2, 2, &m) ||
      i >= t.size() || t[i] != '-' || !ReadNumber(t, &++i, 2, 2, &d) || !DateValid(y, m, d)) {
    return 0;
  }
  size_t j = i;
  int hh, mm, ss;
  if (j < t.size() && (t[j] == 'T' || t[j] == ' ') && ReadNumber(t, &++j, 2, 2, &hh) && hh <= 23 && j < t.size() &&
      t[j] == ':' && ReadNumber(t, &++j, 2, 2, &mm) && mm <= 59) {
    i = j;
    if (j < t.size() && t[j] == ':' && ReadNumber(t, &++j, 2, 2, &ss) && ss <= 60) {
      i = j;
      if (j + 1 < t.size() && t[j] == '.' && Digit(t[j + 1])) {
        ++j;
        while (j < t.size() && Digit(t[j])) ++j;
        i = j;
      }
    }
    j = i;
    if (j < t.size() && t[j] == 'Z') {
      i = j + 1;
    } else if (j < t.size() && (t[j] == '+' || t[j] == '-')) {
      int zh, zm;
      size_t k = j + 1;
      if (ReadNumber(t, &k, 2, 2, &zh) && zh <= 14 && k < t.size() && t[k] == ':' && ReadNumber(t, &++k, 2, 2, &zm)) {
        i = k;
      }
    }
  }
  return i;
}

// "01/15/2024", "15/01/2024", "15.01.2024", "2024/01/15": either reading of day and month may hold.
size_t ReadNumericDate(std::u16string_view t, size_t i) {
  int a, b, c;
  size_t j = i;
  if (ReadNumber(t, &j, 4, 4, &a)) {
    if (j >= t.size() || t[j] != '/') return 0;
    const char16_t sep = t[j];
    if (!ReadNumber(t, &++j, 1, 2, &b) || j >= t.size() || t[j] != sep || !ReadNumber(t, &++j, 1, 2, &c)) return 0;
    return DateValid(a, b, c) ? j : 0;
  }
  j = i;
  if (!ReadNumber(t, &j, 1, 2, &a) || j >= t.size() || (t[j] != '/' && t[j] != '.' && t[j] != '-')) return 0;
  const char16_t sep = t[j];
  if (!ReadNumber(t, &++j, 1, 2, &b) || j >= t.size() || t[j] != sep || !ReadNumber(t, &++j, 4, 4, &c)) return 0;
  return DateValid(c, a, b) || DateValid(c, b, a) ? j : 0;
}

// "January 5, 2024", "Jan. 5th 2024", "Monday, January 5, 2024", "5 January 2024", "5th of Jan 2024",
// "January 2024".
size_t ReadEnglishDate(std::u16string_view t, size_t i) {
  size_t j = i;
  // An optional weekday.
  for (const char* weekday : kWeekdays) {
    const size_t n = std::strlen(weekday);
    if (Upper(t[j]) && StartsWithIgnoreCase(t, j, weekday) && (j + n >= t.size() || !WordUnit(t[j + n]))) {
      size_t k = j + n;
      if (SkipSpaces(t, &k, true)) j = k;
      break;
    }
  }
  int day = 0, month = 0, year = 0;
  size_t k = j;
  if (ReadMonth(t, &k, &month)) {
    size_t after_month = k;
    if (!SkipSpaces(t, &k, false)) return 0;
    size_t d = k;
    if (ReadDay(t, &d, &day)) {
      size_t y = d;
      if (SkipSpaces(t, &y, true) && ReadNumber(t, &y, 4, 4, &year) && DateValid(year, month, day)) return y;
      return 0;
    }
    (void)after_month;
    if (ReadNumber(t, &k, 4, 4, &year) && DateValid(year, month, 1)) return k;  // "January 2024"
    return 0;
  }
  k = j;
  if (!ReadDay(t, &k, &day) || !SkipSpaces(t, &k, false)) return 0;
  if (StartsWithIgnoreCase(t, k, "of ")) k += 3;
  if (!ReadMonth(t, &k, &month)) return 0;
  if (!SkipSpaces(t, &k, true) || !ReadNumber(t, &k, 4, 4, &year) || !DateValid(year, month, day)) return 0;
  return k;
}

void FindDates(std::u16string_view t, std::vector<BuiltinSpan>* out) {
  for (size_t i = 0; i < t.size(); ++i) {
    if (!Alnum(t[i]) || !StartBoundary(t, i)) continue;
    size_t end = 0;
    if (Digit(t[i])) {
      end = ReadIso(t, i);
      if (end == 0) end = ReadNumericDate(t, i);
    }
    if (end == 0) end = ReadEnglishDate(t, i);
    if (end == 0 || !EndBoundary(t, end)) continue;
    out->push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(end), 0.85f});
    i = end;
  }
}

}  // namespace

bool BuiltinByName(std::string_view name, Builtin* builtin) {
  for (const BuiltinInfo& info : Infos()) {
    if (name == info.name) {
      *builtin = info.builtin;
      return true;
    }
  }
  return false;
}

const char* BuiltinName(Builtin builtin) { return Infos()[static_cast<size_t>(builtin)].name; }

std::string BuiltinNames() {
  std::string names;
  for (const BuiltinInfo& info : Infos()) names += (names.empty() ? "" : ", ") + std::string(info.name);
  return names;
}

const std::vector<std::string>& BuiltinContext(Builtin builtin) {
  return Infos()[static_cast<size_t>(builtin)].context;
}

void FindBuiltin(Builtin builtin, std::u16string_view text, std::vector<BuiltinSpan>* spans) {
  switch (builtin) {
    case Builtin::kEmail: FindEmails(text, spans); break;
    case Builtin::kUrl: FindUrls(text, spans); break;
    case Builtin::kIpAddress: FindIpAddresses(text, spans); break;
    case Builtin::kPhoneNumber: FindPhones(text, spans); break;
    case Builtin::kCreditCard: FindCards(text, spans); break;
    case Builtin::kIban: FindIbans(text, spans); break;
    case Builtin::kUsSsn: FindSsns(text, spans); break;
    case Builtin::kDate: FindDates(text, spans); break;
  }
}

}  // namespace nn::rules
