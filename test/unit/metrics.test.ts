// Strict span precision, recall and F1 on hand-made cases, and the evaluator with a stand-in model. No model.
import { describe, expect, it } from 'vitest';
import {
  evaluate,
  formatEvaluation,
  innerSpans,
  outerSpans,
  predictAll,
  scoreBySource,
  scoreDataset,
  scoreNested,
  scoreSpans,
  toScore,
  uniqueSpans,
  type Dataset,
  type Span,
} from '../../lib/eval';
import type { ExtractOptions } from '../../lib/options';

const span = (start: number, end: number, label: string): Span => ({ start, end, label });

describe('strict span metrics', () => {
  it('scores a perfect prediction 1', () => {
    const gold = [[span(0, 5, 'PER'), span(10, 15, 'LOC')], []];
    const { overall } = scoreSpans(gold, gold);
    expect(overall).toEqual({ tp: 2, pred: 2, gold: 2, precision: 1, recall: 1, f1: 1 });
  });

  it('counts a partial overlap or a wrong type as a miss', () => {
    const gold = [[span(0, 10, 'PER'), span(20, 25, 'ORG')]];
    const pred = [[span(0, 5, 'PER'), span(20, 25, 'LOC')]];
    expect(scoreSpans(gold, pred).overall).toMatchObject({ tp: 0, pred: 2, gold: 2, precision: 0, recall: 0, f1: 0 });
  });

  it('matches spans sentence by sentence, not across sentences', () => {
    expect(scoreSpans([[span(0, 4, 'PER')], []], [[], [span(0, 4, 'PER')]]).overall.tp).toBe(0);
  });

  it('keeps counts per type, including types only predicted', () => {
    const gold = [[span(0, 4, 'PER'), span(5, 9, 'PER'), span(10, 14, 'ORG')]];
    const pred = [[span(0, 4, 'PER'), span(10, 14, 'ORG'), span(15, 19, 'MISC')]];
    const { overall, byType } = scoreSpans(gold, pred);
    expect(Object.keys(byType)).toEqual(['MISC', 'ORG', 'PER']);
    expect(byType.PER).toMatchObject({ tp: 1, pred: 1, gold: 2, precision: 1, recall: 0.5 });
    expect(byType.ORG).toMatchObject({ tp: 1, pred: 1, gold: 1, f1: 1 });
    expect(byType.MISC).toMatchObject({ tp: 0, pred: 1, gold: 0, precision: 0, recall: 0, f1: 0 });
    expect(overall).toMatchObject({ tp: 2, pred: 3, gold: 3 });
    expect(overall.f1).toBeCloseTo(2 / 3, 12);
  });

  it('counts a repeated prediction once, but the same words with another type apart', () => {
    const gold = [[span(0, 4, 'PER')]];
    const pred = [[span(0, 4, 'PER'), span(0, 4, 'PER'), span(0, 4, 'ORG')]];
    expect(scoreSpans(gold, pred).overall).toMatchObject({ tp: 1, pred: 2, gold: 1, precision: 0.5, recall: 1 });
  });

  it('scores nothing predicted as 0, not NaN', () => {
    expect(scoreSpans([[span(0, 4, 'PER')]], [[]]).overall).toEqual({
      tp: 0, pred: 0, gold: 1, precision: 0, recall: 0, f1: 0,
    });
  });

  it('finds inner and outer entities within each side and scores them apart', () => {
    // "IL-2 receptor alpha gene": a DNA around a protein around a protein.
    const gold = [[span(0, 24, 'DNA'), span(0, 19, 'protein'), span(0, 4, 'protein'), span(0, 24, 'protein')]];
    expect(innerSpans(gold[0])).toEqual([span(0, 19, 'protein'), span(0, 4, 'protein')]);
    expect(outerSpans(gold[0])).toEqual([span(0, 24, 'DNA'), span(0, 19, 'protein'), span(0, 24, 'protein')]);
    // The prediction finds the short protein but not what surrounds it: its own set has no inner entity.
    const pred = [[span(0, 4, 'protein'), span(0, 24, 'DNA'), span(0, 24, 'DNA')]];
    const { inner, outer } = scoreNested(gold, pred);
    expect(inner.overall).toMatchObject({ tp: 1, pred: 1, gold: 2 });
    expect(outer.overall).toMatchObject({ tp: 1, pred: 1, gold: 3 });
  });

  it('refuses gold and predictions of different lengths', () => {
    expect(() => scoreSpans([[]], [])).toThrow(RangeError);
  });
});

describe('scores', () => {
  it('computes precision, recall and F1 from the counts', () => {
    expect(toScore({ tp: 3, pred: 4, gold: 6 })).toEqual({ tp: 3, pred: 4, gold: 6, precision: 0.75, recall: 0.5, f1: 0.6 });
    expect(toScore({ tp: 0, pred: 0, gold: 0 })).toEqual({ tp: 0, pred: 0, gold: 0, precision: 0, recall: 0, f1: 0 });
    expect(toScore({ tp: 0, pred: 3, gold: 0 })).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });

  it('sums types into the overall score, micro-averaged', () => {
    // PER: 2 of 3 predictions right, 2 of 2 gold found; LOC: 1 of 1 right, 1 of 3 gold found.
    const gold = [[span(0, 1, 'PER'), span(2, 3, 'LOC')], [span(0, 1, 'PER'), span(2, 3, 'LOC'), span(4, 5, 'LOC')]];
    const pred = [[span(0, 1, 'PER'), span(2, 3, 'LOC'), span(4, 5, 'PER')], [span(0, 1, 'PER')]];
    const { overall, byType } = scoreSpans(gold, pred);
    expect(byType.PER).toMatchObject({ tp: 2, pred: 3, gold: 2 });
    expect(byType.LOC).toMatchObject({ tp: 1, pred: 1, gold: 3 });
    expect(overall).toEqual(toScore({ tp: 3, pred: 4, gold: 5 }));
    expect(overall.f1).toBeCloseTo((2 * 0.75 * 0.6) / (0.75 + 0.6), 12);
  });

  it('keeps the first of repeated spans, and finds no inner or outer entity among disjoint ones', () => {
    const first = { ...span(0, 4, 'PER'), score: 0.9 };
    expect(uniqueSpans([first, { ...span(0, 4, 'PER'), score: 0.1 }, span(0, 4, 'ORG')])).toEqual([first, span(0, 4, 'ORG')]);
    const flat = [span(0, 4, 'PER'), span(5, 9, 'LOC'), span(0, 4, 'ORG')];
    expect(innerSpans(flat)).toEqual([]);
    expect(outerSpans(flat)).toEqual([]);
  });

  it('adds inner and outer scores for nested datasets only', () => {
    const sentences = [{ text: 'IL-2 gene', words: ['IL-2', 'gene'], entities: [span(0, 9, 'DNA'), span(0, 4, 'protein')] }];
    const predictions = [[span(0, 4, 'protein')]];
    const flat = scoreDataset({ source: 'x', nested: false, sentences }, predictions);
    expect(flat.overall).toMatchObject({ tp: 1, pred: 1, gold: 2 });
    expect(flat).not.toHaveProperty('inner');
    const nested = scoreDataset({ source: 'x', nested: true, sentences }, predictions);
    expect(nested.inner?.overall).toMatchObject({ tp: 0, pred: 0, gold: 1 });
    expect(nested.outer?.overall).toMatchObject({ tp: 0, pred: 0, gold: 1 });
    expect(scoreNested([[]], [[]]).inner.overall.f1).toBe(0);
  });
});

describe('evaluate', () => {
  it('sends chunks in order with the options untouched, and scores nested data inside and out', async () => {
    const dataset: Dataset = {
      source: 'hand-made',
      nested: true,
      sentences: ['a', 'b', 'c', 'd', 'e'].map((w) => ({ text: w, words: [w], entities: [span(0, 1, 'X')] })),
    };
    const calls: { texts: string[]; options?: ExtractOptions }[] = [];
    const fake = {
      async extract(texts: string[], options?: ExtractOptions) {
        calls.push({ texts, options });
        return texts.map((t) => (t === 'c' ? [] : [span(0, 1, 'X')]));
      },
    };
    // A value the type does not list yet still reaches extract as given.
    const aggregation = 'future' as ExtractOptions['aggregation'];
    const result = await evaluate(fake, dataset, { aggregation, chunkSize: 2 });
    expect(calls.map((c) => c.texts)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(calls.map((c) => c.options?.aggregation)).toEqual([aggregation, aggregation, aggregation]);
    expect(result).toMatchObject({ source: 'hand-made', sentences: 5, aggregation: 'future' });
    expect(result.overall).toMatchObject({ tp: 4, pred: 4, gold: 5 });
    expect(result.inner?.overall).toMatchObject({ tp: 0, pred: 0, gold: 0 });
  });

  it('drops options left undefined, reports progress per chunk and refuses a bad chunk size', async () => {
    const seen: (ExtractOptions | undefined)[] = [];
    const fake = {
      async extract(texts: string[], options?: ExtractOptions) {
        seen.push(options);
        return texts.map(() => []);
      },
    };
    const progress: [number, number][] = [];
    const texts = ['a', 'b', 'c'];
    const options = { aggregation: undefined, decoding: 'argmax', chunkSize: 2 } as const;
    await predictAll(fake, texts, { ...options, onProgress: (done, total) => progress.push([done, total]) });
    expect(seen).toEqual([{ decoding: 'argmax' }, { decoding: 'argmax' }]);
    expect(progress).toEqual([[2, 3], [3, 3]]);
    await expect(predictAll(fake, texts, { chunkSize: 0 })).rejects.toThrow(RangeError);
  });

  it('formats a table with every type, the overall row and, for nested data, inner and outer rows', async () => {
    const dataset: Dataset = {
      source: 'nested.jsonl',
      nested: true,
      sentences: [{ text: 'IL-2 gene', words: ['IL-2', 'gene'], entities: [span(0, 9, 'DNA'), span(0, 4, 'protein')] }],
    };
    const fake = { extract: async (texts: string[]) => texts.map(() => [span(0, 9, 'DNA')]) };
    const table = formatEvaluation(await evaluate(fake, dataset, { spanMode: 'flat' }));
    expect(table).toMatch(/^nested\.jsonl: 1 sentences, 2 gold entities, span mode flat, threshold default, \d+\.\d s$/m);
    expect(table).toMatch(/^DNA\s+1\.0000\s+1\.0000\s+1\.0000\s+1\s+1\s+1$/m);
    expect(table).toMatch(/^protein\s+0\.0000\s+0\.0000\s+0\.0000\s+0\s+0\s+1$/m);
    expect(table).toMatch(/^overall\s+1\.0000\s+0\.5000\s+0\.6667\s+1\s+1\s+2$/m);
    expect(table).toMatch(/^inner\s+/m);
    expect(table).toMatch(/^outer\s+/m);
  });
});

describe('scores by source (rules)', () => {
  it("scores each source's entities against all gold: precision its own, recalls adding up to the overall", () => {
    const gold = [[span(0, 5, 'PER'), span(10, 15, 'ORG')], [span(0, 3, 'ORG'), span(5, 9, 'LOC')]];
    const pred = [
      [{ ...span(0, 5, 'PER'), source: 'model' }, { ...span(10, 15, 'ORG'), source: 'companies' }],
      [span(0, 3, 'ORG'), { ...span(20, 23, 'EMAIL'), source: 'EMAIL' }, { ...span(20, 23, 'EMAIL'), source: 'EMAIL' }],
    ];
    const bySource = scoreBySource(gold, pred);
    expect(Object.keys(bySource)).toEqual(['model', 'companies', 'EMAIL']);
    expect(bySource.model).toEqual(toScore({ tp: 2, pred: 2, gold: 4 }));
    expect(bySource.companies).toEqual(toScore({ tp: 1, pred: 1, gold: 4 }));
    expect(bySource.EMAIL).toEqual(toScore({ tp: 0, pred: 1, gold: 4 })); // a repeated span counts once
    const recalls = Object.values(bySource).reduce((sum, s) => sum + s.recall, 0);
    expect(recalls).toBeCloseTo(scoreSpans(gold, pred).overall.recall, 12);
    expect(() => scoreBySource(gold, [])).toThrowError(RangeError);
    // A rule set's sources first, in its order, even those that found nothing.
    expect(Object.keys(scoreBySource(gold, pred, ['model', 'EMAIL', 'IBAN', 'companies']))).toEqual(['model', 'EMAIL', 'IBAN', 'companies']);
  });

  it('prints the sources, both runs and the signed difference', () => {
    const withRules = toScore({ tp: 3, pred: 4, gold: 4 });
    const alone = toScore({ tp: 2, pred: 2, gold: 4 });
    const table = formatEvaluation({
      source: 'x.conll', sentences: 2, aggregation: null, decoding: null, spanMode: null, spanThreshold: null, seconds: 1,
      overall: withRules,
      byType: {},
      rules: {
        file: 'rules.json',
        bySource: { model: toScore({ tp: 2, pred: 2, gold: 4 }), companies: toScore({ tp: 1, pred: 2, gold: 4 }) },
        modelAlone: { overall: alone, byType: {}, seconds: 0.5 },
        difference: { precision: withRules.precision - alone.precision, recall: 0.25, f1: withRules.f1 - alone.f1 },
      },
    });
    expect(table).toMatch(/^rules rules\.json: by source/m);
    expect(table).toMatch(/^companies\s+0\.5000\s+0\.2500\s+0\.3333\s+1\s+2\s+4$/m);
    expect(table).toMatch(/^model alone\s+1\.0000\s+0\.5000\s+0\.6667\s+2\s+2\s+4$/m);
    expect(table).toMatch(/^difference\s+-0\.2500\s+\+0\.2500\s+\+0\.0833\s+\+1\s+\+2\s+4$/m);
  });
});
