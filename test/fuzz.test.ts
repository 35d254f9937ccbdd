// Seeded fuzzing of the public API: hostile strings, wrong types, hostile arrays, bad options and bad UTF-8
// input, through extract, extractColumns, tokenize and redact. Whatever comes in, a call either gives a valid result or fails with a typed error (NerError with a
// documented code, or TypeError), and results keep the invariants users rely on. NATIVE_NER_FUZZ_SEED picks
// another seed, NATIVE_NER_FUZZ_ROUNDS another size; a failure names the seed and round to replay.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Monitor, NerError, restore, type Entity, type EntityColumns, type ExtractOptions, type NativeNer, type RedactedText, type RedactOptions } from '../lib';
import { Random } from '../lib/random';
import { CONLL_MODEL, ROBERTA_MODEL, SHARED, useModel, XLMR_MODEL } from './helpers';


const SEED = Number(process.env.NATIVE_NER_FUZZ_SEED ?? 20261130);
const ROUNDS = Number(process.env.NATIVE_NER_FUZZ_ROUNDS ?? 1200);
const SPAN_MODEL = join(SHARED, 'models', 'genia-span-small');
const CODES = new Set([
  'ERR_INVALID_ARGUMENT',
  'ERR_TEXT_TOO_LONG',
  'ERR_TOO_MANY_WINDOWS',
  'ERR_TIMEOUT',
]);

/** The next number of a seeded sequence (lib/random.ts), the same on every run. */
function random(seed: number): () => number {
  const source = new Random(seed);
  return () => source.next();
}

const PIECES = [
  'John Smith', 'works at', 'Google', 'in', 'New York', 'Paris', 'the European Union', 'IL-2 gene expression',
  '\u0000', '\u0001\u0002\u001f', '\u007f\u0085\u009f', '\ud800', '\udc00', '\udfff\ud800', '\ufeff', '\uffff\ufffe',
  '\u200b\u200c\u200d', '\u202e', '\u2028\u2029', '\u00a0', '\u3000', '\t', '\r\n', '\n\n',
  'مرحبا بالعالم', 'שלום', '東京都', '서울', 'ภาษาไทย', 'e\u0301\u0301\u0301', '\u0301', 'Z\u0335\u0321a\u0336l',
  '😀', '👩‍👩‍👧‍👦', '🇫🇷', '🏳️‍🌈', 'ﬁ', 'ǅ', 'İstanbul', 'ß', 'Ω', '[CLS]', '[SEP]', '[PAD]', '[UNK]', '[MASK]',
  '##ing', '....', '!!!', '-', '—', '"', "'", '$100', '3.14', 'https://example.com/a?b=c', 'a@b.co',
];

function hostileText(next: () => number): string {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
  const roll = next();
  if (roll < 0.05) return '';
  if (roll < 0.1) return pick([' ', '\n', '\t\t', '\u200b', '\u3000']).repeat(1 + Math.floor(next() * 50));
  if (roll < 0.16) return pick(['a', '.', '😀', '\ud800', 'é', '東', '\u0301', '-']).repeat(1 + Math.floor(next() * 3000));
  if (roll < 0.2) {
    // Random UTF-16 units, surrogates included.
    return String.fromCharCode(...Array.from({ length: 1 + Math.floor(next() * 200) }, () => Math.floor(next() * 0x10000)));
  }
  const parts: string[] = [];
  const count = 1 + Math.floor(next() * 24);
  for (let i = 0; i < count; i++) parts.push(pick(PIECES));
  return parts.join(next() < 0.7 ? ' ' : '');
}

// One monitor counts every call that names it, from every model and thread: the native counting runs under the fuzz
// inputs too (and under ASan in the sanitizer run).
let monitor: Monitor | undefined;
const sharedMonitor = () => (monitor ??= new Monitor());

/** Options that are mostly valid, sometimes not (wrong type, out of range, unknown key, wrong head). */
function someOptions(next: () => number): unknown {
  const roll = next();
  if (roll < 0.3) return undefined;
  if (roll < 0.35) return pickOf(next, [null, 5, 'average', [], () => 1]);
  const options: Record<string, unknown> = {};
  const valid: [string, unknown[]][] = [
    ['aggregation', ['none', 'simple', 'first', 'average', 'max']],
    ['decoding', ['argmax', 'viterbi']],
    ['repair', [true, false]],
    ['confidence', [true, false]],
    ['monitor', [sharedMonitor()]],
    ['minScore', [0, 0.3, 0.9, 1]],
    ['labels', [['PER'], ['LOC', 'ORG'], ['protein']]],
    ['batchSize', [1, 3, 64]],
    ['batchTokens', [1, 64, 600, 8192]],
    ['stride', [0, 16, 128, 400]],
    ['maxTextLength', [1, 100, 5000]],
    ['maxWindows', [1, 3, 1000]],
    ['spanMode', ['nested', 'flat']],
    ['spanThreshold', [0.1, 0.5, 0.9]],
  ];
  const invalid: [string, unknown[]][] = [
    ['aggregation', ['fancy', 3, null]],
    ['minScore', [-1, 2, NaN, '0.5']],
    ['confidence', ['yes', 1]],
    ['batchSize', [0, -3, 1.5, Infinity, 1e9]],
    ['stride', [-1, 600, 2 ** 40]],
    ['maxWindows', [0, -2, 0.5]],
    ['timeoutMs', [0, -1, NaN]],
    ['labels', ['PER', [1], ['NOPE']]],
    ['spanThreshold', [0, 1, -0.5]],
    ['noSuchOption', [1]],
  ];
  const keys = 1 + Math.floor(next() * 4);
  for (let i = 0; i < keys; i++) {
    const [key, values] = pickOf(next, next() < 0.8 ? valid : invalid);
    options[key] = pickOf(next, values);
  }
  return options;
}

function pickOf<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)];
}

/** Hostile containers: holes, non-strings, getters, Proxies, wrong types. */
function hostileInput(next: () => number, texts: string[]): unknown {
  switch (Math.floor(next() * 9)) {
    case 0: return 42;
    case 1: return null;
    case 2: return { length: 3, 0: 'a' };
    case 3: return [...texts, 7];
    case 4: {
      const holes = [...texts];
      holes.length += 2;
      return holes;
    }
    case 5: return new Proxy(texts, {});
    case 6: {
      const shifting: string[] = [...texts];
      let reads = 0;
      Object.defineProperty(shifting, 0, { get: () => (reads++ % 2 === 0 ? 'Paris is nice.' : 'x'), enumerable: true });
      return shifting;
    }
    case 7: return new Proxy(texts, { get: (target, key) => (key === 'length' ? 2 ** 40 : Reflect.get(target, key)) });
    default: return [Symbol('text')];
  }
}

/** A rejection must be a typed error users can act on. */
function expectTypedError(error: unknown, context: string): void {
  if (error instanceof TypeError) return;
  if (error instanceof NerError && CODES.has(error.code)) {
    expect(error.message.length, context).toBeGreaterThan(0);
    return;
  }
  throw new Error(`${context}: untyped failure ${String(error)}\n${(error as Error)?.stack ?? ''}`);
}

function expectValidEntities(text: string, entities: Entity[], kinds: ReadonlySet<string>, context: string): void {
  let previous = -1;
  for (const e of entities) {
    expect(Number.isInteger(e.start) && Number.isInteger(e.end), context).toBe(true);
    expect(e.start >= 0 && e.start < e.end && e.end <= text.length, `${context}: span ${e.start}-${e.end}`).toBe(true);
    expect(e.text, context).toBe(text.slice(e.start, e.end));
    expect(Number.isFinite(e.score) && e.score >= 0 && e.score <= 1, `${context}: score ${e.score}`).toBe(true);
    expect(kinds.has(e.label), `${context}: label ${e.label}`).toBe(true);
    expect(e.start, `${context}: order`).toBeGreaterThanOrEqual(previous);
    previous = e.start;
  }
}

function expectValidColumns(columns: EntityColumns, lengths: number[], context: string): void {
  const { count, offsets, starts, ends, labels, scores, textIndex, labelNames } = columns;
  expect(offsets.length, context).toBe(lengths.length + 1);
  // With confidence: one signal per entity and per text, each NaN or in its range.
  if (columns.minProbs) {
    expect(columns.minProbs.length, context).toBe(count);
    expect(columns.textTokens?.length, context).toBe(lengths.length);
    for (const p of columns.minProbs) expect(Number.isNaN(p) || (p >= 0 && p <= 1 + 1e-6), `${context}: minProb ${p}`).toBe(true);
    for (const r of columns.unkRate ?? []) expect(r >= 0 && r <= 1, `${context}: unkRate ${r}`).toBe(true);
  }
  expect(offsets[lengths.length], context).toBe(count);
  for (let i = 0; i < lengths.length; i++) {
    for (let k = offsets[i]; k < offsets[i + 1]; k++) {
      expect(textIndex[k], context).toBe(i);
      expect(starts[k] < ends[k] && ends[k] <= lengths[i], `${context}: text ${i} span ${starts[k]}-${ends[k]} of ${lengths[i]}`).toBe(true);
      expect(labels[k] >= 0 && labels[k] < labelNames.length, context).toBe(true);
      expect(Number.isFinite(scores[k]), context).toBe(true);
    }
  }
}

const KEY = new Uint8Array(32).fill(0x5a);
const OPERATORS = ['replace', 'replace:', 'replace:[x]', 'mask', 'mask:•:2', 'mask:😀:99', 'remove', 'hash', 'hash:8', 'pseudonym', 'encrypt', 'keep'];

/** Redaction options over some extract options: random operators, scopes, keys, sometimes rules with built-ins. */
function someRedaction(next: () => number, ner: NativeNer, extract: unknown): unknown {
  if (extract !== undefined && (extract === null || typeof extract !== 'object' || Array.isArray(extract))) return extract;
  const labels = ['*', ...ner.info.entityTypes];
  const operators: Record<string, string> = {};
  for (let i = Math.floor(next() * 3); i >= 0; i--) operators[pickOf(next, labels)] = pickOf(next, OPERATORS);
  const options: Record<string, unknown> = { ...(extract as object), operators, keys: { hash: KEY, encrypt: KEY } };
  if (next() < 0.3) options.rules = { builtins: ['EMAIL', 'URL', 'PHONE_NUMBER', 'CREDIT_CARD'] };
  if (next() < 0.3) options.pseudonyms = pickOf(next, ['text', 'call']);
  if (next() < 0.2) options.allow = ['Paris', 'John Smith'];
  if (next() < 0.1) options.operators = { NOPE: 'mask' };
  return options;
}

/** A redaction keeps the input's text between its items, items in order and apart (docs/api.md "Redaction"). */
function expectValidRedaction(input: string, result: RedactedText, context: string): void {
  let rebuilt = '';
  let cursor = 0;
  for (const item of result.items) {
    expect(item.start >= cursor && item.start < item.end && item.end <= input.length, `${context}: item ${item.start}-${item.end}`).toBe(true);
    rebuilt += input.slice(cursor, item.start);
    expect(item.newStart, context).toBe(rebuilt.length);
    rebuilt += result.text.slice(item.newStart, item.newEnd);
    cursor = item.end;
  }
  expect(rebuilt + input.slice(cursor), context).toBe(result.text);
}

/** One round of the campaign against `ner`: a valid result ('result') or a typed error ('error'); throws otherwise. */
async function fuzzRound(ner: NativeNer, next: () => number, context: string): Promise<{ outcome: 'result' | 'error'; inputs: number }> {
  const texts = Array.from({ length: Math.floor(next() * 12) }, () => hostileText(next));
  const options = someOptions(next);
  const form = next();
  try {
    if (form < 0.12) {
      await ner.extract(hostileInput(next, texts) as string[], options as ExtractOptions);
    } else if (form < 0.3) {
      const columns = await ner.extractColumns(texts, options as ExtractOptions);
      expectValidColumns(columns, texts.map((t) => t.length), context);
    } else if (form < 0.42) {
      // UTF-8 bytes: valid, random (invalid UTF-8), and offsets that may be out of order or range.
      const encoded = Buffer.from(texts.join(''), 'utf8');
      const bytes = next() < 0.5 ? new Uint8Array(encoded) : Uint8Array.from({ length: 1 + Math.floor(next() * 400) }, () => Math.floor(next() * 256));
      const bounds = Array.from({ length: 1 + Math.floor(next() * 6) }, () => Math.floor(next() * (bytes.length + (next() < 0.1 ? 50 : 1))));
      if (next() < 0.7) bounds.sort((a, b) => a - b);
      const offsets = Uint32Array.from(next() < 0.8 ? [0, ...bounds] : bounds);
      const columns = await ner.extractColumns({ utf8: bytes, offsets }, options as ExtractOptions);
      expectValidColumns(columns, Array.from({ length: offsets.length - 1 }, (_, i) => offsets[i + 1] - offsets[i]), context);
    } else if (form < 0.47) {
      const text = texts[0] ?? '';
      const encoding = ner.tokenize(text);
      for (let t = 0; t < encoding.ids.length; t++) expect(encoding.ends[t] <= text.length, context).toBe(true);
    } else if (form < 0.57) {
      const redaction = someRedaction(next, ner, options) as RedactOptions;
      const output = await ner.redact(texts, redaction);
      expect(output, context).toHaveLength(texts.length);
      output.forEach((result, i) => expectValidRedaction(texts[i], result, `${context} text ${i}`));
      // Everything encrypted: restore gives the input back (a lone surrogate is encrypted as U+FFFD, so not those).
      if (redaction.operators?.['*'] === 'encrypt' && Object.keys(redaction.operators).length === 1) {
        output.forEach((result, i) => texts[i].isWellFormed() && expect(restore(result.text, KEY), context).toBe(texts[i]));
      }
    } else {
      const output = await ner.extract(texts, options as ExtractOptions);
      expect(output, context).toHaveLength(texts.length);
      const given = (options ?? {}) as ExtractOptions;
      const kinds = new Set(given.aggregation === 'none' && ner.info.head === 'token' ? ner.info.labels : ner.info.entityTypes);
      output.forEach((entities, i) => expectValidEntities(texts[i], entities, kinds, `${context} text ${i}`));
    }
    return { outcome: 'result', inputs: texts.length };
  } catch (error) {
    if ((error as Error)?.message?.startsWith(context)) throw error; // a failed invariant, not an API error
    expectTypedError(error, context);
    return { outcome: 'error', inputs: texts.length };
  }
}

/** Runs `rounds` rounds, each on one of `models` (chosen by `pick`), and checks both outcomes were exercised. */
async function campaign(rounds: number, seed: number, pick: (next: () => number) => NativeNer): Promise<void> {
  const next = random(seed);
  let inputs = 0;
  let results = 0;
  let errors = 0;
  for (let round = 0; round < rounds; round++) {
    const ner = pick(next);
    const { outcome, inputs: n } = await fuzzRound(ner, next, `seed ${seed} round ${round}`);
    inputs += n;
    if (outcome === 'result') results++;
    else errors++;
  }
  // The campaign must exercise both outcomes, or it tests less than it claims.
  expect(results).toBeGreaterThan(rounds / 4);
  expect(errors).toBeGreaterThan(rounds / 20);
  expect(inputs).toBeGreaterThan(rounds * 4);
}

describe(`fuzzing the API (seed ${SEED}, ${ROUNDS} rounds)`, () => {
  const tokenModel = useModel(CONLL_MODEL);
  const spanModel = useModel(SPAN_MODEL);
  const robertaModel = useModel(ROBERTA_MODEL);
  const xlmrModel = useModel(XLMR_MODEL);

  it('gives a valid result or a typed error for every input', async () => {
    const [token, span] = [tokenModel(), spanModel()];
    await campaign(ROUNDS, SEED, (next) => (next() < 0.8 ? token : span));
  });

  // Fewer rounds: byte-level tokens make long hostile texts many windows (a 3,000-emoji run is 12,000 tokens).
  it(`does the same with the byte-level BPE and Unigram models (${Math.ceil(ROUNDS / 6)} rounds)`, async () => {
    const [roberta, xlmr] = [robertaModel(), xlmrModel()];
    await campaign(Math.ceil(ROUNDS / 6), SEED + 1, (next) => (next() < 0.5 ? roberta : xlmr));
  });

  it('counted the monitored calls into the monitor', () => {
    expect(sharedMonitor().snapshot().texts).toBeGreaterThan(0);
  });

  it('still answers correctly after the campaign', async () => {
    const [entities] = await tokenModel().extract(['John Smith works at Google in New York.']);
    expect(entities.map((e) => e.text)).toEqual(expect.arrayContaining(['New York']));
  });
});
