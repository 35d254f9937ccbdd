// The PII evaluation set: sentence templates (e-mails, support tickets, bank transfers, HR notes, logs) filled with
// people, organisations and places from a CoNLL file's gold entities and with generated e-mail addresses, phone
// numbers, card numbers, IBANs, IP addresses, URLs, dates and SSNs, plus hard negatives (values that look like PII
// and are not). Deterministic: the same names and seed give the same records, so the set is generated in memory by
// whoever needs it and never stored (CoNLL-2003's text may not be redistributed).
import type { Dataset } from './dataset';
import * as values from './pii-values';
import { Random } from '../random';

/** A PII value in a record's text: [start, end) in UTF-16 code units. */
export interface PiiSpan {
  label: string;
  start: number;
  end: number;
}

/** A look-alike that must not be redacted, by kind (PII_NEGATIVE_KINDS). */
export interface PiiNegative {
  kind: string;
  start: number;
  end: number;
}

export interface PiiRecord {
  text: string;
  pii: PiiSpan[];
  negatives: PiiNegative[];
}

/** The labels of the set: the model's PER, ORG and LOC, and the built-in recognizers' (docs/api.md "Rules"). */
export const PII_MODEL_LABELS = ['PER', 'ORG', 'LOC'] as const;
export const PII_BUILTIN_LABELS = ['EMAIL', 'URL', 'IP_ADDRESS', 'PHONE_NUMBER', 'CREDIT_CARD', 'IBAN', 'US_SSN', 'DATE'] as const;
export const PII_LABELS: readonly string[] = [...PII_MODEL_LABELS, ...PII_BUILTIN_LABELS];

/** The rules document that turns on every built-in recognizer the set has values for. */
export const PII_RULES = { builtins: [...PII_BUILTIN_LABELS] };

/** Names the model's types take in the set, drawn from a dataset's gold entities. */
export interface NamePools {
  PER: string[];
  ORG: string[];
  LOC: string[];
}

// People with accents and letters outside ASCII, to put non-ASCII text next to PII values.
const ACCENTED_PEOPLE = [
  'José Álvarez', 'Zoë Lefèvre', 'Björn Åkesson', 'François Dupré', 'Łukasz Wróbel', 'Søren Møller', 'Renée Côté',
  'Müge Gündoğan', 'Chloé Béranger', 'Jürgen Weiß', 'Iñaki Ibáñez', 'Ana Ramírez',
];

/** A name as a person would write it: no headline capitals (BOSTON), no digits, no stray characters. */
function wellFormed(name: string, minWords: number): boolean {
  const words = name.split(' ');
  if (words.length < minWords || /\d/.test(name) || name.length < 3) return false;
  // Acronyms of up to four letters (BBC, NATO) are fine; longer all-capital words are headlines.
  return words.every((w) => /^[A-Z]/.test(w) && !(w.length > 4 && w === w.toUpperCase())) && /^[\p{L}.'&\- ]+$/u.test(name);
}

/** Unique well-formed PER (two words or more), ORG and LOC forms of `dataset`'s gold entities, in first-seen order. */
export function namePools(dataset: Dataset): NamePools {
  const pools: Record<keyof NamePools, Set<string>> = { PER: new Set(), ORG: new Set(), LOC: new Set() };
  for (const sentence of dataset.sentences) {
    for (const { label, start, end } of sentence.entities) {
      if (label !== 'PER' && label !== 'ORG' && label !== 'LOC') continue;
      const form = sentence.text.slice(start, end);
      if (wellFormed(form, label === 'PER' ? 2 : 1)) pools[label].add(form);
    }
  }
  const result = { PER: [...pools.PER], ORG: [...pools.ORG], LOC: [...pools.LOC] };
  for (const [label, names] of Object.entries(result)) {
    if (names.length === 0) throw new RangeError(`the dataset ${dataset.source} has no usable ${label} entities`);
  }
  return result;
}

/**
 * The templates. `{X}` is a PII value of slot X, `{!X}` a hard negative; a digit after the slot (`{PER2}`) draws
 * another value of the same slot, and a repeated placeholder repeats its value. Texts hold no other name the model
 * could take for an entity.
 */
export const PII_TEMPLATES: readonly string[] = [
  // e-mails and letters
  'Hi {PER}, your order {!ORDER} ships to {LOC} on {DATE}. Questions? Write to {EMAIL}.',
  'From: {PER} <{EMAIL}>\nTo: {PER2} <{EMAIL2}>\nSubject: invoice {!ORDER} is overdue',
  'Please call {PER} at {PHONE} or email {EMAIL} before {DATE}.',
  'Dear {PER}, thank you for contacting {ORG}. Your request was logged at {!TIME} and we will reply soon.',
  'Reminder: your appointment with {PER} is on {DATE}. To cancel, reply to {EMAIL} or phone {PHONE}.',
  // support tickets
  'Ticket 4471: customer {PER} ({EMAIL}) reports login failures from {IP} since {DATE}.',
  'Support note: {PER} called from {PHONE} about card {CARD}; identity verified with date of birth {DATE}.',
  'Customer {PER} could not pay with card {!CARD} (checksum error), then used {CARD} successfully.',
  'Refund for order {!ORDER} goes to card {CARD}, holder {PER}, {LOC}.',
  'Escalated: {PER} cannot open {URL} from {IP6}; browser build {!VERSION}.',
  // bank transfers
  'Transfer EUR 1,250.00 from {IBAN} to {IBAN2}, beneficiary {PER}, reference {!ORDER}.',
  'Please wire the deposit to IBAN {IBAN} ({ORG}, {LOC}) by {DATE}.',
  'The IBAN {!IBAN} was rejected because of invalid check digits; use {IBAN} instead.',
  'Payment from {PER} received on {DATE} from account {IBAN}.',
  'SEPA mandate: debtor {PER}, IBAN {IBAN}, creditor {ORG}, first collection {DATE}.',
  'Bank details for {ORG}: IBAN {IBAN}, contact {PER} on {PHONE}.',
  // HR notes
  'HR note: {PER} joined {ORG} in {LOC} on {DATE}. SSN {SSN}, phone {PHONE}.',
  'Employee {PER} (DOB {DATE}) moved from {LOC} to {LOC2}; new mobile {PHONE}.',
  'Reference check for {PER}: previous employer {ORG}, contact {EMAIL}.',
  'Payroll: the salary of {PER} is paid to {IBAN} every month since {DATE}.',
  'SSN {SSN} belongs to {PER}, born {DATE} in {LOC}.',
  // logs
  '[{!TIME}] INFO login ok user={EMAIL} ip={IP} client {!VERSION}',
  '{!EPOCH} WARN payment declined card={!CARD} client={IP6}',
  'ts={!EPOCH} src={IP} dst={IP2} agent version {!VERSION}',
  'GET {URL} 200 {!TIME} client {IP}',
  'audit: {PER} exported customer records from {IP6} at {!TIME}.',
  'Job {!ORDER} finished at {!TIME} (epoch {!EPOCH}), owner {EMAIL}.',
  'Server {IP} (fallback {IP6}) rebooted at {!TIME}, up since {!EPOCH}.',
  // mixed
  'Book order: ISBN {!ISBN} for {PER}, ship to {ORG}, {LOC}.',
  'Reset your password at {URL} - requested by {PER} from {IP}.',
  '{PER} lives in {LOC} and works for {ORG}.',
  'Visit {URL} or call {PHONE} to update card {CARD}.',
  'Shipping label: {PER}, {ORG}, {LOC}, tel {PHONE}.',
  'Version {!VERSION} of the app was installed by {PER} on {DATE}.',
  'Invoice {!ORDER}: pay {ORG} by card {CARD} or transfer to {IBAN}; ISBN {!ISBN} ordered on {DATE}.',
  'Two cards on file for {PER}: {CARD} and {CARD2}. The old card {!CARD} expired.',
  'Duplicate account: {PER2} and {PER} share {PHONE} and {EMAIL}.',
  'Checksum failure: card {!CARD} and IBAN {!IBAN} were both refused for {PER}.',
  // emoji beside values (two UTF-16 units each)
  '📧 {EMAIL} 📞 {PHONE} 👤 {PER}',
  'Thanks {PER} 🙏 your card 💳{CARD} was charged.',
  '🎉 {PER} from {LOC} won! The prize goes to {IBAN} 🏦',
  'Meeting with {PER} of {ORG} in {LOC} on {DATE} ✅',
  'Contact 👉{EMAIL}👈 or ☎️ {PHONE} (order {!ORDER}, ISBN {!ISBN}).',
];

type SlotValue = (random: Random, record: RecordContext) => string;

interface RecordContext {
  names: NamePools;
  /** The record's person, for addresses made from a name. */
  person: string;
}

const person = (random: Random, names: NamePools) => (random.chance(0.12) ? random.pick(ACCENTED_PEOPLE) : random.pick(names.PER));

/** Each PII slot: its label and how to draw a value. */
const PII_SLOTS: Record<string, { label: string; draw: SlotValue }> = {
  PER: { label: 'PER', draw: (random, c) => person(random, c.names) },
  ORG: { label: 'ORG', draw: (random, c) => random.pick(c.names.ORG) },
  LOC: { label: 'LOC', draw: (random, c) => random.pick(c.names.LOC) },
  EMAIL: { label: 'EMAIL', draw: (random, c) => values.email(random, random.chance(0.6) ? c.person : person(random, c.names)) },
  URL: { label: 'URL', draw: values.url },
  IP: { label: 'IP_ADDRESS', draw: values.ipv4 },
  IP6: { label: 'IP_ADDRESS', draw: values.ipv6 },
  PHONE: { label: 'PHONE_NUMBER', draw: values.phoneNumber },
  CARD: { label: 'CREDIT_CARD', draw: values.cardNumber },
  IBAN: { label: 'IBAN', draw: values.iban },
  SSN: { label: 'US_SSN', draw: values.usSsn },
  DATE: { label: 'DATE', draw: values.date },
};

/** Each hard-negative slot: its kind (as reported) and how to draw a value. */
const NEGATIVE_SLOTS: Record<string, { kind: string; draw: (random: Random) => string }> = {
  CARD: { kind: 'card number failing Luhn', draw: values.invalidCardNumber },
  IBAN: { kind: 'IBAN with wrong check digits', draw: values.invalidIban },
  EPOCH: { kind: 'unix timestamp', draw: values.epochTimestamp },
  TIME: { kind: 'time of day', draw: values.timeOfDay },
  ORDER: { kind: 'order number', draw: values.orderNumber },
  VERSION: { kind: 'version number', draw: values.versionNumber },
  ISBN: { kind: 'ISBN', draw: values.isbn },
};

export const PII_NEGATIVE_KINDS: readonly string[] = Object.values(NEGATIVE_SLOTS).map((s) => s.kind);

const PLACEHOLDER = /\{(!?)([A-Z]+?)(\d*)\}/g;

/** Fills one template: the text, and the spans of the values put in. */
export function fillTemplate(template: string, random: Random, names: NamePools): PiiRecord {
  const context: RecordContext = { names, person: '' };
  context.person = PII_SLOTS.PER.draw(random, context);
  const drawn = new Map<string, string>([['PER', context.person]]);
  const pii: PiiSpan[] = [];
  const negatives: PiiNegative[] = [];
  let text = '';
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const [placeholder, negative, slot, index] = match;
    text += template.slice(last, match.index);
    last = (match.index as number) + placeholder.length;
    const key = `${negative}${slot}${index}`;
    let value = drawn.get(key);
    if (negative) {
      const spec = NEGATIVE_SLOTS[slot];
      if (!spec) throw new RangeError(`unknown negative slot ${placeholder}`);
      value ??= spec.draw(random);
      negatives.push({ kind: spec.kind, start: text.length, end: text.length + value.length });
    } else {
      const spec = PII_SLOTS[slot];
      if (!spec) throw new RangeError(`unknown PII slot ${placeholder}`);
      value ??= spec.draw(random, context);
      pii.push({ label: spec.label, start: text.length, end: text.length + value.length });
    }
    drawn.set(key, value);
    text += value;
  }
  text += template.slice(last);
  return { text, pii, negatives };
}

export interface PiiSetOptions {
  /** Records to generate (default 3000). */
  records?: number;
  /** Seed of the random source (default 1). */
  seed?: number;
}

export const DEFAULT_PII_RECORDS = 3000;
export const DEFAULT_PII_SEED = 1;

/** The PII set: `records` filled templates, drawn in turn from a shuffled deck so every template is used evenly. */
export function generatePiiSet(names: NamePools, options: PiiSetOptions = {}): PiiRecord[] {
  const { records = DEFAULT_PII_RECORDS, seed = DEFAULT_PII_SEED } = options;
  if (!Number.isInteger(records) || records < 0) throw new RangeError(`records must be a non-negative integer, got ${records}`);
  const random = new Random(seed);
  const result: PiiRecord[] = [];
  let deck: string[] = [];
  while (result.length < records) {
    if (deck.length === 0) {
      deck = [...PII_TEMPLATES];
      for (let i = deck.length - 1; i > 0; i--) {
        const j = random.int(0, i);
        [deck[i], deck[j]] = [deck[j], deck[i]];
      }
    }
    result.push(fillTemplate(deck.pop() as string, random, names));
  }
  return result;
}
