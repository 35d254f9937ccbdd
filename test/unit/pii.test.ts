// The PII evaluation set (lib/eval/pii-dataset.ts, pii-values.ts) and its scoring (pii-score.ts, pii-evaluate.ts,
// pii-report.ts) on hand-made names and synthetic redactions. No model: test/pii.test.ts runs it with one.
import { describe, expect, it } from 'vitest';
import {
  checkPiiTargets,
  evaluatePii,
  formatPiiEvaluation,
  generatePiiSet,
  namePools,
  parseConll,
  PII_LABELS,
  PII_NEGATIVE_KINDS,
  PII_TEMPLATES,
  redactEntities,
  scorePii,
  uncoveredChars,
  type NamePools,
  type PiiRecord,
  type RedactedLike,
  type Redactor,
} from '../../lib/eval';
import { ibanCheckDigits, ibanValid, isbn13Valid, luhnCheckDigit, luhnValid } from '../../lib/eval/pii-values';
import { Random } from '../../lib/random';
import type { RedactOptions } from '../../lib/options';

const NAMES: NamePools = {
  PER: ['Ada Lovelace', 'Grace Hopper', "Pamela O'Neil", 'Alan Turing'],
  ORG: ['Acme Corp', 'BBC', 'Federal Reserve'],
  LOC: ['Lisbon', 'New York', 'Zurich'],
};

const valueOf = (record: PiiRecord, span: { start: number; end: number }) => record.text.slice(span.start, span.end);

describe('checksums', () => {
  it('accept published examples and refuse altered ones', () => {
    expect(luhnValid('4111 1111 1111 1111')).toBe(true);
    expect(luhnValid('4111 1111 1111 1112')).toBe(false);
    expect(luhnValid('378282246310005')).toBe(true);
    expect(luhnCheckDigit('7992739871')).toBe('3');
    expect(ibanValid('DE89 3704 0044 0532 0130 00')).toBe(true);
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('GB82WEST12345698765433')).toBe(false);
    expect(ibanValid('GB82WEST1234569876543')).toBe(false); // one character short of GB's 22
    expect(ibanCheckDigits('GB', 'WEST12345698765432')).toBe('82');
    expect(isbn13Valid('9780306406157')).toBe(true);
    expect(isbn13Valid('9780306406158')).toBe(false);
  });
});

describe('the random source', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const draw = (seed: number) => {
      const random = new Random(seed);
      return Array.from({ length: 20 }, () => random.int(0, 1000));
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });
});

describe('name pools', () => {
  it('take PER (two words or more), ORG and LOC forms, leaving headline capitals and digits out', () => {
    const conll = [
      'Ada B-PER', 'Lovelace I-PER', 'met O', 'SMITH B-PER', 'of O', 'BBC B-ORG', 'in O', 'LONDON B-LOC', ',', '',
      'Zurich B-LOC', 'and O', 'Acme B-ORG', 'Corp I-ORG', 'and O', '1860 B-ORG', 'Munich I-ORG', 'and O', 'Turing B-PER', '',
    ].join('\n').replace(/^,$/m, ', O');
    expect(namePools({ source: 'inline', nested: false, sentences: parseConll(conll) })).toEqual({
      PER: ['Ada Lovelace'],
      ORG: ['BBC', 'Acme Corp'],
      LOC: ['Zurich'],
    });
  });

  it('refuse a dataset without one of the types', () => {
    expect(() => namePools({ source: 'x', nested: false, sentences: parseConll('Ada B-PER\nLovelace I-PER\n') })).toThrow(/no usable ORG/);
  });
});

describe('the PII set', () => {
  const set = generatePiiSet(NAMES, { records: 2000 });

  it('is the same on every run for a seed, and another for another seed', () => {
    expect(generatePiiSet(NAMES, { records: 2000 })).toEqual(set);
    expect(generatePiiSet(NAMES, { records: 50, seed: 2 })).not.toEqual(set.slice(0, 50));
    expect(generatePiiSet(NAMES, { records: 0 })).toEqual([]);
    expect(() => generatePiiSet(NAMES, { records: -1 })).toThrow(RangeError);
  });

  it('has spans inside the text that slice to non-empty values, none overlapping another', () => {
    for (const record of set) {
      const spans = [...record.pii, ...record.negatives].sort((a, b) => a.start - b.start);
      for (const [i, span] of spans.entries()) {
        expect(span.start).toBeGreaterThanOrEqual(0);
        expect(span.end).toBeGreaterThan(span.start);
        expect(span.end).toBeLessThanOrEqual(record.text.length);
        if (i > 0) expect(span.start).toBeGreaterThanOrEqual(spans[i - 1].end);
        // Values are whole: the text does not continue them with a letter or digit on either side.
        expect(/[\p{L}\p{N}]/u.test(record.text[span.start - 1] ?? ' ')).toBe(false);
        expect(/[\p{L}\p{N}]/u.test(record.text[span.end] ?? ' ')).toBe(false);
      }
    }
  });

  it('uses every template, label and negative kind', () => {
    expect(new Set(set.flatMap((r) => r.pii.map((p) => p.label)))).toEqual(new Set(PII_LABELS));
    expect(new Set(set.flatMap((r) => r.negatives.map((n) => n.kind)))).toEqual(new Set(PII_NEGATIVE_KINDS));
    expect(PII_TEMPLATES.length).toBeGreaterThanOrEqual(30);
  });

  it('fills people, organisations and places from the pools, and accented people beside them', () => {
    const accented = new Set<string>();
    for (const record of set) {
      for (const span of record.pii) {
        const value = valueOf(record, span);
        if (span.label === 'ORG') expect(NAMES.ORG).toContain(value);
        if (span.label === 'LOC') expect(NAMES.LOC).toContain(value);
        if (span.label === 'PER' && !NAMES.PER.includes(value)) {
          expect(value).toMatch(/[^\x00-\x7f]/);
          accented.add(value);
        }
      }
    }
    expect(accented.size).toBeGreaterThan(5);
    // Emoji (surrogate pairs) right next to PII values: offsets are UTF-16 units.
    expect(set.some((r) => /\p{Extended_Pictographic}/u.test(r.text) && r.pii.some((p) => /[\uD800-\uDFFF]/.test(r.text[p.start - 1] ?? '')))).toBe(true);
  });

  it('gives card numbers that pass Luhn, negative ones that fail it, in the groupings the recognizer reads', () => {
    let cards = 0;
    let negatives = 0;
    for (const record of set) {
      for (const span of record.pii.filter((p) => p.label === 'CREDIT_CARD')) {
        const value = valueOf(record, span);
        expect(luhnValid(value), value).toBe(true);
        expect(value).toMatch(/^(\d{12,19}|\d{4}([ -])\d{4}(\2\d{4})*(\2\d{1,4})?|\d{4}([ -])\d{6}\5\d{4,5})$/);
        cards++;
      }
      for (const span of record.negatives.filter((n) => n.kind === 'card number failing Luhn')) {
        expect(luhnValid(valueOf(record, span)), valueOf(record, span)).toBe(false);
        negatives++;
      }
    }
    expect(cards).toBeGreaterThan(200);
    expect(negatives).toBeGreaterThan(100);
  });

  it('gives IBANs with valid check digits, negative ones with wrong ones, compact or in groups of four', () => {
    let ibans = 0;
    let negatives = 0;
    for (const record of set) {
      for (const span of record.pii.filter((p) => p.label === 'IBAN')) {
        const value = valueOf(record, span);
        expect(ibanValid(value), value).toBe(true);
        expect(value).toMatch(/^([A-Z0-9]{15,34}|([A-Z0-9]{4} )+[A-Z0-9]{1,4})$/);
        ibans++;
      }
      for (const span of record.negatives.filter((n) => n.kind === 'IBAN with wrong check digits')) {
        const value = valueOf(record, span);
        expect(ibanValid(value), value).toBe(false);
        // Only the check digits are wrong: the country and the length are right.
        const compact = value.replace(/ /g, '');
        expect(ibanValid(compact.slice(0, 2) + ibanCheckDigits(compact.slice(0, 2), compact.slice(4)) + compact.slice(4))).toBe(true);
        negatives++;
      }
    }
    expect(ibans).toBeGreaterThan(200);
    expect(negatives).toBeGreaterThan(50);
  });

  it('gives ISBNs with valid check digits and versions that are not IPv4 addresses', () => {
    for (const record of set) {
      for (const span of record.negatives) {
        const value = valueOf(record, span);
        if (span.kind === 'ISBN') expect(isbn13Valid(value.replace(/-/g, '')), value).toBe(true);
        if (span.kind === 'version number') expect(value).not.toMatch(/^(\d{1,3}\.){3}\d{1,3}$/);
      }
    }
  });
});

/** A record with two gold values and a negative: "Call Ada Lovelace on 555-0100, order 1234." */
function sampleRecord(): PiiRecord {
  const text = 'Call Ada Lovelace on 555-0100, order 1234.';
  return {
    text,
    pii: [
      { label: 'PER', start: 5, end: 17 },
      { label: 'PHONE_NUMBER', start: 21, end: 29 },
    ],
    negatives: [{ kind: 'order number', start: 37, end: 41 }],
  };
}

describe('scoring redactions', () => {
  it('scores exact and overlapping spans, characters left, verbatim values and negatives', () => {
    const record = sampleRecord();
    // PER cut short (overlap only), the phone exact, the order number redacted by a rule.
    const redacted = redactEntities(record.text, [
      { label: 'PER', start: 9, end: 17, source: 'model' },
      { label: 'PHONE_NUMBER', start: 21, end: 29, source: 'PHONE_NUMBER' },
      { label: 'PHONE_NUMBER', start: 37, end: 41, source: 'PHONE_NUMBER' },
    ]);
    expect(redacted.text).toBe('Call Ada <PER> on <PHONE_NUMBER>, order <PHONE_NUMBER>.');
    const scores = scorePii([record], [redacted], { labels: PII_LABELS });
    expect(Object.keys(scores.byType)).toEqual([...PII_LABELS]);
    expect(scores.byType.PER).toMatchObject({ gold: 1, predicted: 1, exact: 0, precision: 0, recall: 0, overlapPrecision: 1, overlapRecall: 1 });
    expect(scores.byType.PER).toMatchObject({ goldChars: 12, charsLeft: 4, verbatim: 0 });
    expect(scores.byType.PER.charsLeftShare).toBeCloseTo(4 / 12, 12);
    expect(scores.byType.PHONE_NUMBER).toMatchObject({ gold: 1, predicted: 2, exact: 1, precision: 0.5, recall: 1, charsLeft: 0 });
    expect(scores.byType.EMAIL).toMatchObject({ gold: 0, predicted: 0, precision: 0, recall: 0 });
    expect(scores.overall).toMatchObject({ gold: 2, predicted: 3, exact: 1, goldChars: 20, charsLeft: 4 });
    expect(scores.negatives).toEqual({
      total: 1,
      redacted: 1,
      redactedByRules: 1,
      byKind: { 'order number': { total: 1, redacted: 1 } },
      bySource: { PHONE_NUMBER: 1 },
    });
    expect(scores.examples['negative: order number']).toEqual([
      { text: record.text, expected: 'not PII: order number "1234" [37, 41)', got: 'PHONE_NUMBER "1234" [37, 41) from PHONE_NUMBER' },
    ]);
    expect(scores.examples.PER[0]).toMatchObject({ expected: 'PER "Ada Lovelace" [5, 17)', got: 'PER "Lovelace" [9, 17) from model' });
  });

  it('counts a value missed as all its characters left and found verbatim, and a wrong label as covering it', () => {
    const record = sampleRecord();
    const scores = scorePii([record], [redactEntities(record.text, [{ label: 'ORG', start: 21, end: 29 }])]);
    expect(scores.byType.PER).toMatchObject({ exact: 0, charsLeft: 12, verbatim: 1, charsLeftShare: 1 });
    // Redacted under another label: not detected as a phone, but no character of it is left.
    expect(scores.byType.PHONE_NUMBER).toMatchObject({ exact: 0, overlapGold: 0, charsLeft: 0, verbatim: 0 });
    expect(scores.byType.ORG).toMatchObject({ gold: 0, predicted: 1, overlapPredicted: 0 });
    // The item is no false alarm of its own (it is over a gold value): the phone's miss shows it.
    expect(scores.examples.ORG).toBeUndefined();
    expect(scores.examples.PHONE_NUMBER).toEqual([
      { text: record.text, expected: 'PHONE_NUMBER "555-0100" [21, 29)', got: 'ORG "555-0100" [21, 29) from model' },
    ]);
    expect(scores.negatives).toMatchObject({ redacted: 0, redactedByRules: 0, bySource: {} });
  });

  it('counts a negative redacted by the model apart from the rules', () => {
    const record = sampleRecord();
    const scores = scorePii([record], [redactEntities(record.text, [{ label: 'ORG', start: 31, end: 41, source: 'model' }])]);
    expect(scores.negatives).toMatchObject({ redacted: 1, redactedByRules: 0, bySource: { model: 1 } });
    expect(scores.examples.ORG).toEqual([{ text: record.text, expected: 'none', got: 'ORG "order 1234" [31, 41) from model' }]);
  });

  it('refuses redactions that do not pair with the records', () => {
    expect(() => scorePii([sampleRecord()], [])).toThrow(/1 records but there are 0/);
  });

  it('counts characters no span covers', () => {
    expect(uncoveredChars({ start: 0, end: 10 }, [])).toBe(10);
    expect(uncoveredChars({ start: 0, end: 10 }, [{ start: 2, end: 4 }, { start: 3, end: 6 }, { start: 9, end: 12 }])).toBe(5);
  });

  it('merges overlapping entities into their outermost span, as the default operator does', () => {
    const text = 'Mr Ada Lovelace Jr';
    const redacted = redactEntities(text, [
      { label: 'PER', start: 3, end: 6 },
      { label: 'ORG', start: 0, end: 15 },
      { label: 'LOC', start: 7, end: 18 },
    ]);
    expect(redacted).toEqual({ text: '<ORG>', items: [{ label: 'ORG', start: 0, end: 18, source: undefined }] });
  });
});

describe('evaluatePii', () => {
  /** A stand-in that redacts every gold value of the records exactly, and records the calls' options. */
  function perfectRedactor(records: readonly PiiRecord[]): Redactor & { calls: RedactOptions[] } {
    const byText = new Map(records.map((r) => [r.text, r]));
    const calls: RedactOptions[] = [];
    return {
      calls,
      async redact(texts, options) {
        calls.push(options ?? {});
        return texts.map((text): RedactedLike => redactEntities(text, (byText.get(text) as PiiRecord).pii));
      },
    };
  }

  it('redacts in chunks with the set labels and scores a perfect redactor 1 with every target met', async () => {
    const records = generatePiiSet(NAMES, { records: 300 });
    const redactor = perfectRedactor(records);
    const progress: number[] = [];
    const evaluation = await evaluatePii(redactor, records, { rules: null, chunkSize: 128, minScore: 0.5, onProgress: (done) => progress.push(done) });
    expect(progress).toEqual([128, 256, 300]);
    expect(redactor.calls).toHaveLength(3);
    expect(redactor.calls[0]).toEqual({ minScore: 0.5, labels: [...PII_LABELS] });
    expect(evaluation).toMatchObject({ records: 300, labels: [...PII_LABELS], sources: null });
    expect(evaluation.scores.overall).toMatchObject({ precision: 1, recall: 1, charsLeft: 0, verbatim: 0 });
    expect(evaluation.scores.negatives.redacted).toBe(0);
    expect(checkPiiTargets(evaluation.scores).every((c) => c.met)).toBe(true);
    const report = formatPiiEvaluation(evaluation, 'PII set');
    expect(report).toMatch(/^CREDIT_CARD\s+\d+\s+\d+\s+1\.0000\s+1\.0000\s+1\.0000\s+1\.0000\s+0\.0000\s+0$/m);
    expect(report).toMatch(/^overall\s+/m);
    expect(report).toMatch(/hard negatives redacted: 0 of \d+/);
    expect(report).not.toMatch(/NOT MET|errors/);
  });

  it('misses the targets when cards are missed or a negative is redacted by a rule, and says which', async () => {
    const records = generatePiiSet(NAMES, { records: 300 });
    const redactor: Redactor = {
      async redact(texts) {
        return texts.map((text) => {
          const record = records.find((r) => r.text === text) as PiiRecord;
          const kept = record.pii.filter((p) => p.label !== 'CREDIT_CARD');
          const negatives = record.negatives.slice(0, 1).map((n) => ({ label: 'US_SSN', start: n.start, end: n.end, source: 'US_SSN' }));
          return redactEntities(text, [...kept, ...negatives]);
        });
      },
    };
    const evaluation = await evaluatePii(redactor, records, { rules: null });
    const checks = checkPiiTargets(evaluation.scores);
    expect(checks.map((c) => c.met)).toEqual([false, true, false]);
    const report = formatPiiEvaluation(evaluation, 'PII set');
    expect(report).toMatch(/NOT MET {2}CREDIT_CARD precision ≥ 0\.99 and recall ≥ 0\.99: 0\.0000 \/ 0\.0000/);
    expect(report).toMatch(/errors \(first few of each\):\n(.*\n)* {2}CREDIT_CARD: .*\n {4}expected CREDIT_CARD .*\n {4}got nothing/);
    expect(report).toMatch(/\n {2}negative: .*\n {4}expected not PII: .*\n {4}got US_SSN .* from US_SSN/);
  });

  it('refuses a chunk size that is not a positive integer', async () => {
    await expect(evaluatePii(perfectRedactor([]), [], { rules: null, chunkSize: 0 })).rejects.toThrow(RangeError);
  });
});
