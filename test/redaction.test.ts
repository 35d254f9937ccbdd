// Redaction (issue 13) with the real models: every operator, the encrypt/restore round trip, pseudonym scopes and
// maps, overlapping and nested detections, emoji and combining marks at the edges, empty texts, streaming and the
// errors of bad options and keys. The core's own cases on synthetic entities: native/tests/redaction_test.cc.
import { createHmac, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NativeNer, NerError, PseudonymMap, restore, type RedactedText } from '../lib';
import { CONLL_MODEL, SHARED, useModel } from './helpers';

const SPAN_MODEL = join(SHARED, 'models', 'genia-span-small');
const HASH_KEY = randomBytes(32);
const ENCRYPT_KEY = randomBytes(32);
const keys = { hash: HASH_KEY, encrypt: ENCRYPT_KEY };
const builtins = { builtins: ['EMAIL', 'CREDIT_CARD', 'IBAN', 'PHONE_NUMBER', 'IP_ADDRESS'] };

const TEXTS = [
  'John Smith met Mary Jones in Paris. John Smith wrote to john.smith@example.com and paid with 4111 1111 1111 1111.',
  'Angela Merkel of the European Union visited Berlin with Emmanuel Macron, then flew to Washington to meet Reuters reporters.',
  'Transfer to DE89 3704 0044 0532 0130 00 from 192.168.1.20 was approved by Peter Blackburn.',
];

/**
 * What "never corrupted" means: items are in order and disjoint, and the output is exactly the input's text between
 * items with each item's rewrite in its place. Returns the rewrites.
 */
function checkLayout(input: string, result: RedactedText): string[] {
  let rebuilt = '';
  let cursor = 0;
  const rewrites: string[] = [];
  for (const item of result.items) {
    expect(item.start).toBeGreaterThanOrEqual(cursor);
    expect(item.end).toBeGreaterThan(item.start);
    rebuilt += input.slice(cursor, item.start);
    expect(item.newStart).toBe(rebuilt.length);
    const rewrite = result.text.slice(item.newStart, item.newEnd);
    rebuilt += rewrite;
    rewrites.push(rewrite);
    cursor = item.end;
  }
  rebuilt += input.slice(cursor);
  expect(rebuilt).toBe(result.text);
  if (input.isWellFormed()) expect(result.text.isWellFormed()).toBe(true);
  return rewrites;
}

describe('redaction (conll03-bert-small)', () => {
  const model = useModel(CONLL_MODEL);

  it('replaces every entity extract finds with <LABEL> by default, leaving the rest of the text as it was', async () => {
    const ner = model();
    const [entities, redacted] = await Promise.all([ner.extract(TEXTS, { rules: builtins }), ner.redact(TEXTS, { rules: builtins })]);
    for (let i = 0; i < TEXTS.length; i++) {
      const rewrites = checkLayout(TEXTS[i], redacted[i]);
      expect(rewrites).toEqual(redacted[i].items.map((item) => `<${item.label}>`));
      for (const e of entities[i]) {
        expect(redacted[i].items.some((item) => item.start <= e.start && e.end <= item.end), e.text).toBe(true);
        expect(redacted[i].text).not.toContain(e.text);
      }
      expect(redacted[i].items.every((item) => item.original === undefined && item.source !== undefined)).toBe(true);
    }
    expect(redacted[0].items.map((i) => i.label)).toEqual(expect.arrayContaining(['PER', 'LOC', 'EMAIL', 'CREDIT_CARD']));
  });

  it('runs every operator by label, with the documented placeholders', async () => {
    const ner = model();
    const operators = {
      PER: 'pseudonym',
      LOC: { type: 'replace', with: '[place]' },
      EMAIL: 'hash:12',
      CREDIT_CARD: 'mask:#:4',
      IBAN: 'encrypt',
      IP_ADDRESS: 'remove',
      '*': 'keep',
    } as const;
    const redacted = await ner.redact(TEXTS, { rules: builtins, operators, keys, includeOriginal: true });
    const seen = new Set<string>();
    for (let i = 0; i < TEXTS.length; i++) {
      const rewrites = checkLayout(TEXTS[i], redacted[i]);
      redacted[i].items.forEach((item, k) => {
        seen.add(item.operator);
        expect(item.original).toBe(TEXTS[i].slice(item.start, item.end));
        const value = item.original as string;
        const rewrite = rewrites[k];
        switch (item.operator) {
          case 'pseudonym':
            expect(rewrite).toMatch(/^<PER_\d+>$/);
            break;
          case 'replace':
            expect(rewrite).toBe('[place]');
            break;
          case 'hash':
            expect(rewrite).toBe(`<EMAIL:${createHmac('sha256', HASH_KEY).update(value, 'utf8').digest('hex').slice(0, 12)}>`);
            break;
          case 'mask':
            expect(rewrite).toBe('#'.repeat(value.length - 4) + value.slice(-4));
            break;
          case 'encrypt':
            expect(rewrite).toMatch(/^<IBAN:enc:[A-Za-z0-9_-]+>$/);
            expect(restore(rewrite, ENCRYPT_KEY)).toBe(value);
            break;
          case 'remove':
            expect(rewrite).toBe('');
            break;
          case 'keep':
            expect(rewrite).toBe(value);
            expect(['ORG', 'MISC']).toContain(item.label);
            break;
        }
      });
    }
    expect([...seen].sort()).toEqual(['encrypt', 'hash', 'keep', 'mask', 'pseudonym', 'remove', 'replace']);
    // The same person gets the same number within a text, another person another.
    const people = redacted[0].items.filter((i) => i.label === 'PER').map((i) => [i.original, redacted[0].text.slice(i.newStart, i.newEnd)]);
    expect(new Map(people.map(([v, p]) => [v, p])).size).toBe(new Set(people.map(([, p]) => p)).size);
  });

  it('restores every encrypted value; a wrong key, an altered token or a swapped label is refused', async () => {
    const ner = model();
    const redacted = await ner.redact(TEXTS, { rules: builtins, operators: { '*': 'encrypt' }, keys });
    expect(redacted.map((r) => restore(r.text, ENCRYPT_KEY))).toEqual(TEXTS);
    const again = await ner.redact(TEXTS[0], { rules: builtins, operators: { '*': 'encrypt' }, keys });
    expect(again.text).not.toBe(redacted[0].text); // a fresh nonce per value
    const wrong = () => restore(redacted[0].text, randomBytes(32));
    expect(wrong).toThrow(NerError);
    expect(wrong).toThrow(/does not open under this key/);
    const first = redacted[0].items[0];
    const token = redacted[0].text.slice(first.newStart, first.newEnd);
    const flipped = token.replace(/enc:(.)/, (_, c: string) => `enc:${c === 'A' ? 'B' : 'A'}`);
    expect(() => restore(flipped, ENCRYPT_KEY)).toThrow(/offset 0/);
    expect(() => restore(token.replace(`<${first.label}:`, '<MISC:'), ENCRYPT_KEY)).toThrow(NerError);
    expect(() => restore('x', ENCRYPT_KEY.subarray(0, 16))).toThrow(/32-byte/);
  });

  it('numbers pseudonyms per text, per call, or across calls with a map that can be saved and reloaded', async () => {
    const ner = model();
    const texts = ['John Smith met Mary Jones.', 'Mary Jones met Peter Blackburn.'];
    const operators = { '*': 'pseudonym' } as const;
    const perText = await ner.redact(texts, { operators });
    const perCall = await ner.redact(texts, { operators, pseudonyms: 'call' });
    const jones = (r: RedactedText) => r.items.filter((i) => r.text.slice(i.newStart, i.newEnd) !== '').map((i) => r.text.slice(i.newStart, i.newEnd));
    expect(jones(perText[1])[0]).toBe('<PER_1>');
    expect(jones(perCall[1])[0]).toBe(jones(perCall[0])[1]); // Mary Jones keeps her number across the call's texts
    const map = new PseudonymMap();
    await ner.redact(texts[0], { operators, pseudonyms: map });
    const saved = JSON.parse(JSON.stringify(map)) as Record<string, string[]>;
    expect(saved.PER).toEqual(['John Smith', 'Mary Jones']);
    const reloaded = new PseudonymMap(saved);
    const later = await ner.redact(texts[1], { operators, pseudonyms: reloaded });
    expect(later.text).toBe('<PER_2> met <PER_3>.');
    expect(reloaded.size).toBe(3);
    expect(() => new PseudonymMap({ PER: ['a', 'a'] })).toThrow(/twice/);
  });

  it('gives every distinct value one number when concurrent calls share a map', async () => {
    const ner = model();
    const map = new PseudonymMap();
    const names = ['John Smith', 'Mary Jones', 'Peter Blackburn', 'Angela Merkel', 'Emmanuel Macron'];
    const texts = Array.from({ length: 40 }, (_, i) => `${names[i % names.length]} met ${names[(i * 3 + 1) % names.length]}.`);
    const results = await Promise.all(texts.map((t) => ner.redact(t, { operators: { '*': 'pseudonym' }, pseudonyms: map, includeOriginal: true })));
    const numberOf = new Map<string, string>();
    const valueOf = new Map<string, string>();
    for (const r of results) {
      for (const item of r.items) {
        const placeholder = r.text.slice(item.newStart, item.newEnd);
        const value = item.original as string;
        expect(numberOf.get(value) ?? placeholder).toBe(placeholder);
        expect(valueOf.get(placeholder) ?? value).toBe(value);
        numberOf.set(value, placeholder);
        valueOf.set(placeholder, value);
      }
    }
    expect(map.size).toBe(numberOf.size);
  });

  it('keeps texts intact around emoji, combining marks and CJK next to entities; empty texts stay empty', async () => {
    const ner = model();
    const texts = [
      '👩‍👩‍👧 John Smith 😀 met Zoe\u0308 Mary Jones 🇫🇷 in Paris🙂.',
      'e\u0301e\u0301 Angela Merkel\u0301 visited 東京 and Berlin.',
      '',
      ' ',
      '😀'.repeat(50),
      '\ud800 John Smith \udc00 met Mary Jones\ud83d', // lone surrogates stay as they were, unit for unit
    ];
    const redacted = await ner.redact(texts, { operators: { '*': 'mask:•:1' } });
    texts.forEach((t, i) => checkLayout(t, redacted[i]));
    // No mark left dangling after a rewrite: it goes with the letter it belongs to.
    for (const r of redacted) expect(r.text).not.toMatch(/[•>]\p{M}|(^|\s)\p{M}/u);
    expect(redacted[2]).toEqual({ text: '', items: [] });
    expect(redacted[3]).toEqual({ text: ' ', items: [] });
  });

  it('leaves detections under their minimum score, allowed values, and entities of labels not asked for', async () => {
    const ner = model();
    const text = TEXTS[0];
    const all = await ner.redact(text, { rules: builtins });
    const strict = await ner.redact(text, { rules: builtins, minScores: { PER: 1 } });
    expect(strict.items.some((i) => i.label === 'PER')).toBe(false);
    expect(strict.text).toContain('John Smith');
    expect(strict.items.length).toBe(all.items.filter((i) => i.label !== 'PER').length);
    const allowed = await ner.redact(text, { rules: builtins, allow: ['Paris'] });
    expect(allowed.text).toContain('Paris');
    const onlyEmails = await ner.redact(text, { rules: builtins, labels: ['EMAIL'] });
    expect(onlyEmails.items.map((i) => i.label)).toEqual(['EMAIL']);
  });

  it('segments before redacting when asked, with offsets into the whole text', async () => {
    const ner = model();
    const text = `${TEXTS[0]} ${TEXTS[1]}`;
    const redacted = await ner.redact(text, { segment: 'sentences' });
    checkLayout(text, redacted);
    expect(redacted.items.length).toBeGreaterThan(3);
  });

  it('streams redactions in input order, one pseudonym numbering through the stream with pseudonyms call', async () => {
    const ner = model();
    const texts = Array.from({ length: 9 }, (_, i) => (i % 3 === 0 ? 'John Smith called.' : i % 3 === 1 ? 'Mary Jones called.' : 'No one called.'));
    const out: string[] = [];
    for await (const r of ner.redactStream(texts, { chunkSize: 2, operators: { '*': 'pseudonym' }, pseudonyms: 'call' })) {
      expect(r.index).toBe(out.length);
      out.push(r.text);
    }
    expect(new Set(out.filter((_, i) => i % 3 === 0)).size).toBe(1);
    expect(new Set(out.filter((_, i) => i % 3 === 1)).size).toBe(1);
    expect(out[0]).not.toBe(out[1]);
    expect(out[2]).toBe('No one called.');
  });

  it('refuses bad operators, labels and keys with errors that say what to do', async () => {
    const ner = model();
    const fails = async (options: object) => {
      try {
        await ner.redact('John Smith', options as never);
      } catch (error) {
        return error as Error;
      }
      throw new Error(`accepted ${JSON.stringify(options)}`);
    };
    expect(await fails({ operators: { PER: 'hash' } })).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(/needs keys\.hash/) });
    expect(await fails({ operators: { '*': 'encrypt' } })).toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    expect(await fails({ operators: { PERSON: 'mask' } })).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(/unknown label PERSON/) });
    expect(await fails({ operators: { PER: 'blur' } })).toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    expect(await fails({ keys: { hash: 'a passphrase that is long enough to look like a key' } })).toBeInstanceOf(TypeError);
    expect(await fails({ keys: { encrypt: randomBytes(16) } })).toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    expect(await fails({ pseudonyms: {} })).toBeInstanceOf(TypeError);
    expect(await fails({ aggregation: 'none' })).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(/aggregation 'none'/) });
    expect(await fails({ nosuch: 1 })).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(/unknown redact option 'nosuch'/) });
    await expect(ner.redact(5 as never)).rejects.toBeInstanceOf(TypeError);
  });

  it('rejects calls on a disposed model with ERR_DISPOSED', async () => {
    const ner = await NativeNer.load(CONLL_MODEL);
    await ner.dispose();
    await expect(ner.redact('John Smith')).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
  });
});

describe('redaction of nested spans (genia-span-small)', () => {
  const model = useModel(SPAN_MODEL);

  it('rewrites each group of nested entities once, as its outermost', async () => {
    const ner = model();
    const texts = [
      'IL-2 gene expression and NF-kappa B activation through CD28 requires reactive oxygen production by 5-lipoxygenase .',
      'Activation of the CD28 surface receptor provides a major costimulatory signal for T cell activation .',
      'The human T cell leukemia virus type 1 Tax protein activates the interleukin-2 receptor alpha gene .',
    ];
    const [entities, redacted] = await Promise.all([ner.extract(texts), ner.redact(texts, { includeOriginal: true })]);
    let nested = 0;
    texts.forEach((t, i) => {
      checkLayout(t, redacted[i]);
      for (const e of entities[i]) {
        const covering = redacted[i].items.filter((item) => item.start <= e.start && e.end <= item.end);
        expect(covering.length, e.text).toBe(1);
        if (covering[0].start !== e.start || covering[0].end !== e.end) nested++;
      }
    });
    expect(nested).toBeGreaterThan(0); // the texts do have entities inside others
  });
});
