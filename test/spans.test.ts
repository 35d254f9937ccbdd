import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  evaluate,
  innerSpans,
  NativeNer,
  NerError,
  readGenia,
  type Dataset,
  type Entity,
  type Evaluation,
  type Extractor,
  type Score,
  type Span,
} from '../lib';
import { CONLL_MODEL, linkedModelDir, loadError, readJsonl, runCli, SHARED, useModel } from './helpers';

const SPAN_MODEL = join(SHARED, 'models', 'genia-span-small');
const GENIA_TEST = join(SHARED, 'datasets', 'genia-nested', 'test.jsonlines');

interface ReferenceLine {
  text: string;
  spans: { start: number; end: number; type: string; score: number }[];
}

interface CardCounts {
  tp: number;
  pred: number;
  gold: number;
  f1: number;
}

/** metrics.json's fp32 test figures for one decoding mode. */
function cardFigures(mode: 'nested' | 'flat'): { all: CardCounts; inner: CardCounts } {
  const metrics = JSON.parse(readFileSync(join(SPAN_MODEL, 'metrics.json'), 'utf8'));
  return metrics.results['model.onnx:test'][mode];
}

function expectCard(score: Score, card: CardCounts): void {
  expect({ tp: score.tp, pred: score.pred, gold: score.gold }).toEqual({ tp: card.tp, pred: card.pred, gold: card.gold });
  expect(Number((score.f1 * 100).toFixed(2))).toBe(card.f1);
}

const key = (s: Span) => `${s.start}:${s.end}:${s.label}`;
const crosses = (a: Span, b: Span) =>
  (a.start < b.start && b.start < a.end && a.end < b.end) || (b.start < a.start && a.start < b.end && b.end < a.end);
const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;

/** Pairs of entities of one text for which `conflict` holds, written out for a readable failure. */
function conflicts(entities: readonly Span[], conflict: (a: Span, b: Span) => boolean): string[] {
  const found: string[] = [];
  for (let i = 0; i < entities.length; i++) {
    for (let j = i + 1; j < entities.length; j++) {
      if (conflict(entities[i], entities[j])) found.push(`${key(entities[i])} / ${key(entities[j])}`);
    }
  }
  return found;
}

/** The entities of each text as keys with scores rounded, so runs batched differently compare equal. */
const rounded = (lists: readonly (readonly Span[])[]) =>
  lists.map((entities) => entities.map((e) => `${key(e)}=${(e as Entity).score.toFixed(4)}`));

/** Each span once: nothing in `entities` repeats a (start, end, label). */
function repeats(entities: readonly Span[]): string[] {
  const seen = new Set<string>();
  return entities.map(key).filter((k) => seen.has(k) || !seen.add(k));
}

describe('span models (genia-span-small)', () => {
  const model = useModel(SPAN_MODEL);
  let genia: Dataset;
  // Filled by the GENIA evaluations below; the structural checks read the same predictions.
  const predictions: Record<'nested' | 'flat', Span[][]> = { nested: [], flat: [] };
  const evaluations: Partial<Record<'nested' | 'flat', Evaluation>> = {};

  beforeAll(async () => {
    const ner = model();
    genia = readGenia(GENIA_TEST);
    for (const mode of ['nested', 'flat'] as const) {
      // The evaluator's own path (evaluate), with the model's answers kept on the way through.
      const recording: Extractor = {
        extract: async (texts, options) => {
          const result = await ner.extract(texts, options);
          predictions[mode].push(...result);
          return result;
        },
      };
      evaluations[mode] = await evaluate(recording, genia, { spanMode: mode });
    }
  });

  it('reports the span head in info', () => {
    const ner = model();
    expect(ner.info).toMatchObject({
      head: 'span',
      spanMaxWidth: 16,
      spanThreshold: 0.5,
      labels: ['DNA', 'RNA', 'cell_line', 'cell_type', 'protein'],
      entityTypes: ['DNA', 'RNA', 'cell_line', 'cell_type', 'protein'],
    });
  });

  it('finds the reference spans of the first 300 GENIA test sentences, scores within 1e-3', () => {
    const reference = readJsonl<ReferenceLine>(join(SPAN_MODEL, 'reference_test_predictions.jsonl'));
    expect(reference).toHaveLength(300);
    // Scores this close to the threshold may fall either side of it from rounding alone.
    const nearThreshold = (score: number) => Math.abs(score - 0.5) < 2e-3;
    const problems: string[] = [];
    let compared = 0;
    reference.forEach((line, i) => {
      expect(genia.sentences[i].text).toBe(line.text);
      const got = new Map(predictions.nested[i].map((e) => [key(e), (e as Entity).score]));
      const want = new Map(line.spans.map((s) => [key({ start: s.start, end: s.end, label: s.type }), s.score]));
      for (const [span, score] of want) {
        const ours = got.get(span);
        if (ours === undefined) {
          if (!nearThreshold(score)) problems.push(`sentence ${i}: missing ${span} (${score})`);
        } else if (Math.abs(ours - score) > 1e-3) {
          problems.push(`sentence ${i}: ${span} scores ${ours}, reference ${score}`);
        } else {
          compared++;
        }
      }
      for (const [span, score] of got) {
        if (!want.has(span) && !nearThreshold(score)) problems.push(`sentence ${i}: extra ${span} (${score})`);
      }
    });
    expect(problems).toEqual([]);
    expect(compared).toBeGreaterThan(500);
  });

  it('gives entities as whole whitespace words with their text, ordered by start, end and type', () => {
    const ner = model();
    predictions.nested.forEach((entities, i) => {
      const text = genia.sentences[i].text;
      for (const e of entities as Entity[]) {
        expect(e.text).toBe(text.slice(e.start, e.end));
        expect(e.start === 0 || text[e.start - 1] === ' ').toBe(true);
        expect(e.end === text.length || text[e.end] === ' ').toBe(true);
        expect(e.score).toBeGreaterThan(0.5);
        expect(e.index).toBeUndefined();
      }
      const order = entities.map((e) => [e.start, e.end, ner.info.labels.indexOf(e.label)]);
      const sorted = [...order].sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
      expect(order).toEqual(sorted);
    });
  });

  it('nested mode returns entities inside others and never two that cross', () => {
    const inner = predictions.nested.reduce((n, entities) => n + innerSpans(entities).length, 0);
    expect(inner).toBeGreaterThan(100);
    expect(predictions.nested.flatMap((entities) => conflicts(entities, crosses))).toEqual([]);
    expect(predictions.nested.flatMap(repeats)).toEqual([]);
  });

  it('flat mode returns no overlapping entities', () => {
    expect(predictions.flat.flatMap((entities) => conflicts(entities, overlaps))).toEqual([]);
    expect(predictions.flat.reduce((n, entities) => n + entities.length, 0)).toBeGreaterThan(3000);
  });

  it('scores GENIA test as the model card, nested (F1 60.86, inner 19.45) and flat (F1 59.85)', () => {
    const nested = evaluations.nested as Evaluation;
    const flat = evaluations.flat as Evaluation;
    expect(nested.sentences).toBe(1732);
    expectCard(nested.overall, cardFigures('nested').all);
    expectCard(nested.inner?.overall as Score, cardFigures('nested').inner);
    expect(nested.overall.f1 * 100).toBeCloseTo(60.86, 2);
    expect(nested.inner?.overall.f1 ?? 0).toBeCloseTo(0.1945, 4);
    expectCard(flat.overall, cardFigures('flat').all);
    expect(flat.overall.f1 * 100).toBeCloseTo(59.85, 2);
    expect(nested.spanMode).toBe('nested');
  });

  it('decodes a text longer than the model window once per span, across window overlaps', async () => {
    const ner = model();
    const text = genia.sentences.slice(0, 40).map((s) => s.text).join(' ');
    const tokens = ner.tokenize(text, { addSpecialTokens: false }).ids.length;
    expect(tokens).toBeGreaterThan(1100); // three windows and more at the default stride
    for (const spanMode of ['nested', 'flat'] as const) {
      for (const stride of [0, 128, 400]) {
        const entities = await ner.extract(text, { spanMode, stride });
        expect(entities.length).toBeGreaterThan(50);
        expect(repeats(entities)).toEqual([]);
        expect(conflicts(entities, spanMode === 'nested' ? crosses : overlaps)).toEqual([]);
        for (const e of entities) {
          expect(e.text).toBe(text.slice(e.start, e.end));
          expect(e.start === 0 || text[e.start - 1] === ' ').toBe(true);
          expect(e.end === text.length || text[e.end] === ' ').toBe(true);
        }
      }
    }
  });

  it('skips a word longer than the window instead of cutting spans out of it', async () => {
    const ner = model();
    const huge = Array.from({ length: 700 }, () => 'IL-2').join('-');
    const text = `The ${huge} gene and the IL-2 receptor .`;
    expect(ner.tokenize(text).ids.length).toBeGreaterThan(1024);
    const entities = await ner.extract(text);
    expect(entities.every((e) => e.start > huge.length)).toBe(true);
    expect(await ner.extract(['', '   '])).toEqual([[], []]);
  });

  it('takes spanThreshold per call: a higher one keeps exactly the defaults above it', async () => {
    const ner = model();
    const texts = genia.sentences.slice(0, 200).map((s) => s.text);
    const high = await ner.extract(texts, { spanThreshold: 0.9 });
    const expected = predictions.nested.slice(0, 200).map((entities) => (entities as Entity[]).filter((e) => e.score > 0.9));
    expect(high.map((entities) => entities.map(key))).toEqual(expected.map((entities) => entities.map(key)));
    const low = await ner.extract(texts, { spanThreshold: 0.2 });
    const count = (lists: Entity[][]) => lists.reduce((n, l) => n + l.length, 0);
    expect(count(low)).toBeGreaterThan(count(predictions.nested.slice(0, 200) as Entity[][]));
    expect(low.flat().every((e) => e.score > 0.2)).toBe(true);
  });

  it('filters span entities by labels and minScore like token entities', async () => {
    const ner = model();
    const texts = genia.sentences.slice(0, 100).map((s) => s.text);
    const filtered = await ner.extract(texts, { labels: ['protein', 'DNA'], minScore: 0.8 });
    const expected = (predictions.nested.slice(0, 100) as Entity[][]).map((entities) =>
      entities.filter((e) => (e.label === 'protein' || e.label === 'DNA') && e.score >= 0.8),
    );
    expect(rounded(filtered)).toEqual(rounded(expected));
  });

  it('takes spanMode and spanThreshold as model defaults', async () => {
    const ner = model();
    const flat = await NativeNer.load(SPAN_MODEL, { spanMode: 'flat', spanThreshold: 0.6 });
    try {
      const texts = genia.sentences.slice(0, 50).map((s) => s.text);
      const byCall = await ner.extract(texts, { spanMode: 'flat', spanThreshold: 0.6 });
      expect(rounded(await flat.extract(texts))).toEqual(rounded(byCall));
      // A call's own option overrides the model's.
      const overridden = await flat.extract(texts, { spanMode: 'nested', spanThreshold: 0.5 });
      expect(rounded(overridden)).toEqual(rounded(predictions.nested.slice(0, 50)));
    } finally {
      await flat.dispose();
    }
  });

  it('rejects token-classifier options for a span model, and bad span options', async () => {
    const ner = model();
    for (const options of [{ aggregation: 'first' }, { decoding: 'viterbi' }, { repair: true }, { scheme: 'iob2' }]) {
      const error = await ner.extract('IL-2 gene', options as object).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NerError);
      expect((error as NerError).code).toBe('ERR_INVALID_ARGUMENT');
      expect((error as NerError).message).toMatch(/span model/);
    }
    const load = await NativeNer.load(SPAN_MODEL, { aggregation: 'simple' }).catch((e: unknown) => e);
    expect((load as NerError).code).toBe('ERR_INVALID_ARGUMENT');
    expect(() => new NativeNer(SPAN_MODEL, { decoding: 'argmax' })).toThrow(/span model/);

    for (const bad of [{ spanMode: 'deep' }, { spanThreshold: 0 }, { spanThreshold: 1 }, { spanThreshold: Number.NaN }]) {
      const error = await ner.extract('IL-2 gene', bad as object).catch((e: unknown) => e);
      expect((error as NerError).code).toBe('ERR_INVALID_ARGUMENT');
    }
    await expect(ner.extract('IL-2 gene', { spanMode: 1 } as object)).rejects.toThrow(TypeError);
    await expect(ner.extract('IL-2 gene', { spanThreshold: '0.5' } as object)).rejects.toThrow(TypeError);
  });

  it('rejects span options for a token classifier', async () => {
    const tokens = await NativeNer.load(CONLL_MODEL);
    try {
      expect(tokens.info.head).toBe('token');
      expect(tokens.info.spanMaxWidth).toBeUndefined();
      for (const options of [{ spanMode: 'flat' }, { spanThreshold: 0.3 }] as const) {
        const error = await tokens.extract('Paris is nice.', options).catch((e: unknown) => e);
        expect((error as NerError).code).toBe('ERR_INVALID_ARGUMENT');
        expect((error as NerError).message).toMatch(/token classifier/);
      }
    } finally {
      await tokens.dispose();
    }
    const load = await NativeNer.load(CONLL_MODEL, { spanMode: 'nested' }).catch((e: unknown) => e);
    expect((load as NerError).code).toBe('ERR_INVALID_ARGUMENT');
  });
});

describe('loading a span model checks its config against its output', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'native-ner-spans-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const spanConfig = JSON.parse(readFileSync(join(SPAN_MODEL, 'config.json'), 'utf8'));
  const tokenConfig = JSON.parse(readFileSync(join(CONLL_MODEL, 'config.json'), 'utf8'));

  /** A directory of links to `model`'s files with config.json replaced. */
  const withConfig = (name: string, model: string, config: object) =>
    linkedModelDir(scratch, name, model, { 'config.json': JSON.stringify(config) });

  it.each([
    ['a span width the output does not have', 'width', SPAN_MODEL, { ...spanConfig, span_max_width: 8 }, /span_max_width 8.*16/],
    ['a label count the output does not have', 'labels', SPAN_MODEL, { ...spanConfig, id2label: { 0: 'DNA', 1: 'RNA' } }, /2 labels.*5 scores per span/],
    ['a threshold outside (0, 1)', 'threshold', SPAN_MODEL, { ...spanConfig, span_threshold: 1.5 }, /span_threshold/],
    ['an unknown head', 'head', SPAN_MODEL, { ...spanConfig, ner_head: 'crf' }, /ner_head/],
    ['a span output read as a token classifier', 'no-head', SPAN_MODEL, { ...spanConfig, ner_head: undefined }, /rank 4.*token classifier/],
    ['a token classifier declared a span model', 'token', CONLL_MODEL, { ...tokenConfig, ner_head: 'span' }, /rank 3.*span head/],
  ])('rejects %s with ERR_INVALID_MODEL', async (_what, name, model, config, message) => {
    const error = await loadError(withConfig(name, model, config));
    expect(error.code).toBe('ERR_INVALID_MODEL');
    expect(error.message).toMatch(message);
  });

  it('takes the span width from the output and the threshold 0.5 when the config leaves them out', async () => {
    const { span_max_width: _width, span_threshold: _threshold, ...rest } = spanConfig;
    const model = await NativeNer.load(withConfig('defaults', SPAN_MODEL, rest));
    try {
      expect(model.info).toMatchObject({ head: 'span', spanMaxWidth: 16, spanThreshold: 0.5 });
    } finally {
      await model.dispose();
    }
  });
});

describe('native-ner CLI with a span model', () => {
  it('extract takes --span-mode and --span-threshold', () => {
    const text = 'Activation of the IL-2 gene in human T cells requires NF-kappa B .';
    const run = runCli(['extract', '--model', SPAN_MODEL, '--span-mode', 'flat', '--span-threshold', '0.3', text]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const { entities } = JSON.parse(run.stdout);
    expect(entities.length).toBeGreaterThan(0);
    expect(conflicts(entities, overlaps)).toEqual([]);
    expect(entities.every((e: Entity) => e.score > 0.3)).toBe(true);
  });

  it('eval refuses --span-mode for a token classifier', () => {
    const conll = join(SHARED, 'datasets', 'conll2003', 'eng.testb');
    const run = runCli(['eval', '--model', CONLL_MODEL, '--conll', conll, '--span-mode', 'flat']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/spanMode.*token classifier.*ERR_INVALID_ARGUMENT/);
  });
});
