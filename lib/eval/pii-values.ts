// Values for the PII evaluation set: checksums (Luhn, IBAN mod 97, ISBN) and generators of
// card numbers, IBANs, phone numbers, addresses, URLs, dates and of look-alikes that are not PII (hard negatives).
// The shapes follow what the built-in recognizers accept (native/core/rules/recognizers.cc), so a miss is a miss of
// the recognizer and not of the generator.
import { Random } from '../random';

// ---- checksums ----

/** Whether the digits of `value` (other characters ignored) pass the Luhn check. */
export function luhnValid(value: string): boolean {
  const digits = value.replace(/\D/g, '');
  if (digits.length < 2) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The Luhn check digit that completes `payload`. */
export function luhnCheckDigit(payload: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(payload + d)) return String(d);
  throw new Error(`no Luhn digit for ${payload}`); // cannot happen: one of ten digits always fits
}

/** ISO 13616 lengths of the countries the generator uses (a subset of the SWIFT registry's). */
export const IBAN_LENGTHS: Record<string, number> = {
  DE: 22, GB: 22, FR: 27, ES: 24, IT: 27, NL: 18, BE: 16, CH: 21, AT: 20, PL: 28, NO: 15, IE: 22, PT: 25, SE: 24,
};

/** The remainder mod 97 of an IBAN rearranged (first four characters moved to the end, letters as 10..35). */
function ibanRemainder(compact: string): number {
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const c of rearranged) {
    const code = c.charCodeAt(0);
    if (code >= 48 && code <= 57) remainder = (remainder * 10 + (code - 48)) % 97;
    else if (code >= 65 && code <= 90) remainder = (remainder * 100 + (code - 55)) % 97;
    else return -1;
  }
  return remainder;
}

/** Whether `value` (spaces ignored) is an IBAN of a known country's length with valid mod-97 check digits. */
export function ibanValid(value: string): boolean {
  const compact = value.replace(/ /g, '');
  const length = IBAN_LENGTHS[compact.slice(0, 2)];
  return length === compact.length && /^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(compact) && ibanRemainder(compact) === 1;
}

/** The two check digits that make `country + ?? + bban` valid. */
export function ibanCheckDigits(country: string, bban: string): string {
  const remainder = ibanRemainder(`${country}00${bban}`);
  return String(98 - remainder).padStart(2, '0');
}

/** Whether an ISBN-13 (digits only) has the right check digit. */
export function isbn13Valid(digits: string): boolean {
  if (!/^\d{13}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 13; i++) sum += (digits.charCodeAt(i) - 48) * (i % 2 === 0 ? 1 : 3);
  return sum % 10 === 0;
}

// ---- payment cards ----

/** Issuer prefixes and lengths the CREDIT_CARD recognizer knows (validators.cc CardIssuerKnown). */
const CARD_BRANDS: { brand: string; prefixes: string[]; lengths: number[] }[] = [
  { brand: 'visa', prefixes: ['4'], lengths: [16, 16, 16, 13, 19] },
  { brand: 'mastercard', prefixes: ['51', '52', '53', '54', '55', '2221', '2720', '2300'], lengths: [16] },
  { brand: 'amex', prefixes: ['34', '37'], lengths: [15] },
  { brand: 'discover', prefixes: ['6011', '65', '644'], lengths: [16] },
  { brand: 'jcb', prefixes: ['3528', '3589', '3530'], lengths: [16] },
  { brand: 'diners', prefixes: ['36', '300', '305'], lengths: [14] },
  { brand: 'maestro', prefixes: ['6759', '5018', '5020'], lengths: [12, 16, 19] },
];

/** Groups of a card number as people write them: fours (the last may be shorter), or 4-6-5 / 4-6-4 (Amex, Diners). */
function groupCard(digits: string, separator: string): string {
  const sizes = digits.length === 15 || digits.length === 14 ? [4, 6, digits.length - 10] : [];
  if (sizes.length === 0) for (let i = 0; i < digits.length; i += 4) sizes.push(Math.min(4, digits.length - i));
  const groups: string[] = [];
  let at = 0;
  for (const size of sizes) {
    groups.push(digits.slice(at, at + size));
    at += size;
  }
  return groups.join(separator);
}

/** Card digits of a known issuer with a valid Luhn check digit. */
export function cardDigits(random: Random): { brand: string; digits: string } {
  const { brand, prefixes, lengths } = random.pick(CARD_BRANDS);
  const prefix = random.pick(prefixes);
  const length = random.pick(lengths);
  const payload = prefix + random.digits(length - prefix.length - 1);
  return { brand, digits: payload + luhnCheckDigit(payload) };
}

/** How a card number is written: one block, or groups separated by spaces or hyphens (one kind per number). */
function writeCard(random: Random, digits: string): string {
  const style = random.int(0, 2);
  return style === 0 ? digits : groupCard(digits, style === 1 ? ' ' : '-');
}

/** A valid card number as written in text. */
export function cardNumber(random: Random): string {
  return writeCard(random, cardDigits(random).digits);
}

/** A card-like number of a known issuer whose Luhn check fails (the check digit moved by 1 to 9). */
export function invalidCardNumber(random: Random): string {
  const { digits } = cardDigits(random);
  const check = (digits.charCodeAt(digits.length - 1) - 48 + random.int(1, 9)) % 10;
  return writeCard(random, digits.slice(0, -1) + check);
}

// ---- IBANs ----

/** BBAN layouts: 'n' a digit, 'a' an upper-case letter, 'c' either; 4 + the layout's length = IBAN_LENGTHS. */
const BBAN_LAYOUTS: Record<string, string> = {
  DE: 'nnnnnnnnnnnnnnnnnn',
  GB: 'aaaannnnnnnnnnnnnn',
  FR: 'nnnnnnnnnncccccccccccnn',
  ES: 'nnnnnnnnnnnnnnnnnnnn',
  IT: 'annnnnnnnnncccccccccccc',
  NL: 'aaaannnnnnnnnn',
  BE: 'nnnnnnnnnnnn',
  CH: 'nnnnncccccccccccc',
  AT: 'nnnnnnnnnnnnnnnn',
  PL: 'nnnnnnnnnnnnnnnnnnnnnnnn',
  NO: 'nnnnnnnnnnn',
  IE: 'aaaannnnnnnnnnnnnn',
  PT: 'nnnnnnnnnnnnnnnnnnnnn',
  SE: 'nnnnnnnnnnnnnnnnnnnn',
};
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function bban(random: Random, layout: string): string {
  let s = '';
  for (const kind of layout) {
    if (kind === 'n') s += random.digits(1);
    else if (kind === 'a') s += random.pick([...LETTERS]);
    else s += random.chance(0.8) ? random.digits(1) : random.pick([...LETTERS]);
  }
  return s;
}

/** Compact, or in groups of four separated by single spaces (the paper form). */
function writeIban(random: Random, compact: string): string {
  return random.chance(0.5) ? compact : (compact.match(/.{1,4}/g) as string[]).join(' ');
}

/** A valid IBAN of one of the generator's countries, compact or grouped. */
export function iban(random: Random): string {
  const country = random.pick(Object.keys(BBAN_LAYOUTS));
  const account = bban(random, BBAN_LAYOUTS[country]);
  const compact = `${country}${ibanCheckDigits(country, account)}${account}`;
  if (!ibanValid(compact)) throw new Error(`generated an invalid IBAN ${compact}`);  // a layout of the wrong length
  return writeIban(random, compact);
}

/** An IBAN-like string whose check digits are wrong (shifted by 1 to 40, never by a multiple of 97). */
export function invalidIban(random: Random): string {
  const country = random.pick(Object.keys(BBAN_LAYOUTS));
  const account = bban(random, BBAN_LAYOUTS[country]);
  const right = Number(ibanCheckDigits(country, account));
  const wrong = (right + random.int(1, 40)) % 97;
  return writeIban(random, `${country}${String(wrong).padStart(2, '0')}${account}`);
}

// ---- phones, SSNs, addresses, URLs, e-mail ----

/** North American numbers: area code and exchange start with 2-9 (the recognizer's NANP shape). */
function nanp(random: Random): { area: string; exchange: string; line: string } {
  return { area: `${random.int(2, 9)}${random.digits(2)}`, exchange: `${random.int(2, 9)}${random.digits(2)}`, line: random.digits(4) };
}

/** A phone number in a form PHONE_NUMBER accepts: E.164 with '+', NANP 3-3-4, or a national trunk number (0...). */
export function phoneNumber(random: Random): string {
  const { area, exchange, line } = nanp(random);
  switch (random.int(0, 8)) {
    case 0: return `+1 (${area}) ${exchange}-${line}`;
    case 1: return `(${area}) ${exchange}-${line}`;
    case 2: return `${area}-${exchange}-${line}`;
    case 3: return `${area}.${exchange}.${line}`;
    case 4: return `1-${area}-${exchange}-${line}`;
    case 5: return `+44 20 ${random.digits(4)} ${random.digits(4)}`;
    case 6: return `+49 30 ${random.int(1, 9)}${random.digits(6)}`;
    case 7: return `+33 ${random.int(1, 9)} ${random.digits(2)} ${random.digits(2)} ${random.digits(2)} ${random.digits(2)}`;
    default: return `0${random.int(20, 89)} ${random.int(1, 9)}${random.digits(3)} ${random.digits(4)}`;
  }
}

/** A US SSN that passes the recognizer's checks (no area 000, 666 or 9xx, no zero group or serial). */
export function usSsn(random: Random): string {
  let area = random.int(1, 899);
  if (area === 666) area = 667;
  const group = random.int(1, 99);
  const serial = random.int(1, 9999);
  const separator = random.chance(0.85) ? '-' : ' ';
  return [String(area).padStart(3, '0'), String(group).padStart(2, '0'), String(serial).padStart(4, '0')].join(separator);
}

export function ipv4(random: Random): string {
  const first = random.pick([10, 172, 192, random.int(11, 223)]);
  return [first, random.int(0, 255), random.int(0, 255), random.int(1, 254)].join('.');
}

export function ipv6(random: Random): string {
  const group = () => random.int(0, 0xffff).toString(16);
  switch (random.int(0, 2)) {
    case 0: return Array.from({ length: 8 }, group).join(':');
    case 1: return `2001:db8::${group()}:${group()}`;
    default: return `fe80::${group()}:${group()}:${group()}:${group()}`;
  }
}

const DOMAIN_WORDS = ['acme', 'northwind', 'contoso', 'globex', 'initech', 'umbrella', 'hooli', 'vandelay', 'stark', 'wayne'];
const TLDS = ['com', 'org', 'net', 'io', 'de', 'co.uk', 'fr'];

export function domain(random: Random): string {
  const name = random.pick(DOMAIN_WORDS) + (random.chance(0.3) ? `-${random.pick(DOMAIN_WORDS)}` : '');
  return `${name}.${random.pick(TLDS)}`;
}

export function url(random: Random): string {
  const host = domain(random);
  const path = random.pick(['', '/account', '/orders/view', '/reset-password', '/u/profile', '/support/ticket']);
  const query = random.chance(0.4) ? `?id=${random.digits(6)}&ref=mail` : '';
  switch (random.int(0, 2)) {
    case 0: return `https://${host}${path}${query}`;
    case 1: return `http://www.${host}${path}${query}`;
    default: return `www.${host}${path}`;
  }
}

/** ASCII letters of a name for an address's local part: accents dropped, other characters removed. */
export function asciiHandle(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .replace(/ø/g, 'o')
    .replace(/ı/g, 'i')
    .toLowerCase()
    .replace(/[^a-z]+/g, '.')
    .replace(/^\.+|\.+$/g, '');
}

/** An address for `name` (first.last style) or, without a name, a role or random handle. */
export function email(random: Random, name?: string): string {
  const handle = name && asciiHandle(name) !== '' ? asciiHandle(name) : random.pick(['support', 'j.doe', 'billing', 'hr-team', 'ops']);
  const suffix = random.chance(0.3) ? String(random.int(1, 99)) : '';
  return `${handle}${suffix}@${domain(random)}`;
}

// ---- dates ----

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const pad2 = (n: number) => String(n).padStart(2, '0');

/** A date in one of the forms DATE accepts: ISO, numeric with '/' or '.', or English with month names. */
export function date(random: Random): string {
  const year = random.int(1950, 2030);
  const month = random.int(1, 12);
  const day = random.int(1, 28);
  const name = MONTHS[month - 1];
  switch (random.int(0, 6)) {
    case 0: return `${year}-${pad2(month)}-${pad2(day)}`;
    case 1: return `${pad2(month)}/${pad2(day)}/${year}`;
    case 2: return `${pad2(day)}.${pad2(month)}.${year}`;
    case 3: return `${name} ${day}, ${year}`;
    case 4: return `${day} ${name} ${year}`;
    // Abbreviated with a dot ("Sept." aside, as "Mar."); May has no abbreviation.
    case 5: return `${name.length > 3 ? `${name.slice(0, 3)}.` : name} ${day}${day === 1 || day === 21 ? 'st' : day === 2 || day === 22 ? 'nd' : day === 3 || day === 23 ? 'rd' : 'th'} ${year}`;
    default: return `${WEEKDAYS[new Date(Date.UTC(year, month - 1, day)).getUTCDay()]}, ${name} ${day}, ${year}`;
  }
}

// ---- hard negatives: look like PII, are not ----

/** Unix time in seconds (10 digits) or milliseconds (13 digits). */
export function epochTimestamp(random: Random): string {
  const seconds = random.int(1_400_000_000, 1_800_000_000);
  return random.chance(0.5) ? String(seconds) : `${seconds}${random.digits(3)}`;
}

/** A time of day with seconds and, often, milliseconds: 17:35:54.123. */
export function timeOfDay(random: Random): string {
  const time = `${pad2(random.int(0, 23))}:${pad2(random.int(0, 59))}:${pad2(random.int(0, 59))}`;
  return random.chance(0.6) ? `${time}.${random.digits(3)}` : time;
}

export function orderNumber(random: Random): string {
  switch (random.int(0, 2)) {
    case 0: return `ORD-${random.int(2019, 2025)}${pad2(random.int(1, 12))}${pad2(random.int(1, 28))}-${random.digits(5)}`;
    case 1: return `45${random.digits(8)}`;  // a 10-digit purchase order number
    default: return `A-${random.int(1000, 9999)}-${random.int(1000, 9999)}`;
  }
}

/**
 * Version strings that share digits and dots with IPv4 addresses but are not one: 'v' glued on, five parts,
 * three parts, a pre-release suffix. (A bare four-part version such as 10.2.3.4 is an IPv4 address by its form,
 * so it is not used as a negative.)
 */
export function versionNumber(random: Random): string {
  const part = () => random.int(0, 20);
  switch (random.int(0, 3)) {
    case 0: return `v${part()}.${part()}.${part()}.${part()}`;
    case 1: return `${part()}.${part()}.${part()}.${part()}.${random.int(100, 9999)}`;
    case 2: return `${part()}.${part()}.${part()}`;
    default: return `${part()}.${part()}.${part()}.${part()}-beta`;
  }
}

/** An ISBN-13 with a valid check digit (978/979 prefix), hyphenated or not. */
export function isbn(random: Random): string {
  const payload = `${random.pick(['978', '979'])}${random.int(0, 1)}${random.digits(8)}`;
  let check = 0;
  while (!isbn13Valid(payload + check)) check++;
  const digits = payload + check;
  return random.chance(0.5) ? digits : `${digits.slice(0, 3)}-${digits[3]}-${digits.slice(4, 7)}-${digits.slice(7, 12)}-${digits[12]}`;
}
