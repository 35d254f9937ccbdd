// Temperature scaling's numerics and gold token tags (lib/calibration) on synthetic logits: the NLL and its gradient
// by hand and by finite differences, temperatures recovered from data drawn at known ones, the token tags of every
// scheme, and the dataset fit through a stand-in model. No addon, no model.
import { describe, expect, it } from 'vitest';
import {
  calibrationDocument,
  collectTokens,
  detectScheme,
  fitLabelTemperatures,
  fitTemperature,
  fitTokens,
  goldTokenTags,
  meanNll,
  nllAndGradient,
  nllAtTemperature,
  type LabelledLogits,
  type TokenScorer,
} from '../../lib/calibration';
import { parseConll } from '../../lib/eval/conll';
import type { TokenScores } from '../../lib/ner';
import { Random } from '../../lib/random';

/** The next number of a seeded sequence (lib/random.ts), the same on every run. */
function random(seed: number): () => number {
  const source = new Random(seed);
  return () => source.next();
}

/**
 * Tokens whose gold labels are drawn from softmax(s) of random "true" scores s, and whose logits are s_k × T_k: a
 * model overconfident (T > 1) or underconfident (T < 1) by exactly `temperatures`, which the fit should recover.
 */
function syntheticData(tokens: number, temperatures: number[], seed: number): LabelledLogits {
  const next = random(seed);
  const labels = temperatures.length;
  const logits = new Float32Array(tokens * labels);
  const gold = new Int32Array(tokens);
  for (let n = 0; n < tokens; n++) {
    const scores = temperatures.map(() => 4 * (next() - 0.5) + (next() < 0.3 ? 3 : 0));
    const exps = scores.map(Math.exp);
    const total = exps.reduce((a, b) => a + b, 0);
    let draw = next() * total;
    let g = 0;
    while (g < labels - 1 && (draw -= exps[g]) > 0) g++;
    gold[n] = g;
    scores.forEach((s, k) => (logits[n * labels + k] = s * temperatures[k]));
  }
  return { logits, gold, labels };
}

describe('the negative log-likelihood', () => {
  it('is the mean of −log softmax(z / T)[gold], computed by hand for two tokens', () => {
    const data = { logits: Float32Array.from([2, 0, 0, 1]), gold: Int32Array.from([0, 0]), labels: 2 };
    const expected = (-Math.log(Math.exp(2) / (Math.exp(2) + 1)) - Math.log(1 / (1 + Math.E))) / 2;
    expect(meanNll(data, [1, 1])).toBeCloseTo(expected, 12);
    // T = 2 halves every logit.
    const halved = (-Math.log(Math.E / (Math.E + 1)) - Math.log(1 / (1 + Math.exp(0.5)))) / 2;
    expect(nllAtTemperature(data, 2)).toBeCloseTo(halved, 12);
  });

  it('stays finite for logits far beyond exp range', () => {
    const data = { logits: Float32Array.from([1000, -1000, 900]), gold: Int32Array.from([2]), labels: 3 };
    expect(meanNll(data, [1, 1, 1])).toBeCloseTo(100, 6);
  });

  it('has the gradient in log T that finite differences measure', () => {
    const data = syntheticData(500, [1.3, 0.8, 2, 1], 7);
    const temperatures = [1.1, 0.9, 1.7, 1.2];
    const { nll, gradient } = nllAndGradient(data, temperatures);
    expect(nll).toBeCloseTo(meanNll(data, temperatures.map((t) => 1 / t)), 12);
    const h = 1e-5;
    temperatures.forEach((t, k) => {
      const at = (logT: number) => meanNll(data, temperatures.map((x, j) => (j === k ? Math.exp(-logT) : 1 / x)));
      const numeric = (at(Math.log(t) + h) - at(Math.log(t) - h)) / (2 * h);
      expect(gradient[k]).toBeCloseTo(numeric, 6);
    });
  });

  it('refuses mismatched shapes and gold indices out of range', () => {
    expect(() => meanNll({ logits: new Float32Array(5), gold: new Int32Array(2), labels: 2 }, [1, 1])).toThrow(RangeError);
    expect(() => meanNll({ logits: new Float32Array(4), gold: Int32Array.from([0, 2]), labels: 2 }, [1, 1])).toThrow(/outside/);
    expect(() => fitTemperature({ logits: new Float32Array(0), gold: new Int32Array(0), labels: 2 })).toThrow(/no labelled tokens/);
  });
});

describe('one temperature', () => {
  it.each([0.5, 1, 2.5])('recovers T = %s from data drawn at that temperature', (truth) => {
    const data = syntheticData(20_000, [truth, truth, truth, truth, truth], 11);
    const fit = fitTemperature(data);
    expect(fit.temperature).toBeGreaterThan(truth * 0.95);
    expect(fit.temperature).toBeLessThan(truth * 1.05);
    expect(fit.nllAfter).toBeLessThanOrEqual(fit.nllBefore);
  });

  it('finds the minimum: NLL rises either side of it', () => {
    const data = syntheticData(5_000, [1.8, 1.8, 1.8], 3);
    const { temperature, nllAfter, nllBefore } = fitTemperature(data);
    expect(nllAfter).toBeLessThan(nllBefore);
    expect(nllAtTemperature(data, temperature * 1.01)).toBeGreaterThan(nllAfter);
    expect(nllAtTemperature(data, temperature / 1.01)).toBeGreaterThan(nllAfter);
  });
});

describe('one temperature per label', () => {
  it('recovers different temperatures per label, converging, at an NLL no worse than one temperature', () => {
    const truth = [0.7, 1.5, 2.5, 1];
    const data = syntheticData(40_000, truth, 5);
    const single = fitTemperature(data);
    const fit = fitLabelTemperatures(data, { start: single.temperature });
    expect(fit.converged).toBe(true);
    expect(fit.gradientNorm).toBeLessThan(1e-6);
    fit.temperatures.forEach((t, k) => {
      expect(t).toBeGreaterThan(truth[k] * 0.9);
      expect(t).toBeLessThan(truth[k] * 1.1);
    });
    expect(fit.nllAfter).toBeLessThan(single.nllAfter);
    // At the minimum no label's temperature can move to lower NLL.
    for (let k = 0; k < truth.length; k++) {
      for (const factor of [0.99, 1.01]) {
        const moved = fit.temperatures.map((t, j) => (j === k ? t * factor : t));
        expect(nllAndGradient(data, moved).nll).toBeGreaterThan(fit.nllAfter);
      }
    }
  });

  it('stops at the iteration limit and says it did not converge', () => {
    const data = syntheticData(2_000, [0.6, 2.2, 1.4], 9);
    const fit = fitLabelTemperatures(data, { start: 1, maxIterations: 1 });
    expect(fit.iterations).toBe(1);
    expect(fit.converged).toBe(false);
    expect(fit.nllAfter).toBeLessThan(fit.nllBefore);
  });
});

describe('gold token tags', () => {
  // "Acme Corp-Holdings rose in New York": tokens Acme | Corp | - | Holdings | rose | in | New | York.
  const starts = [0, 5, 9, 10, 19, 24, 27, 31];
  const entities = [
    { start: 0, end: 18, label: 'ORG' },
    { start: 27, end: 35, label: 'LOC' },
  ];

  it('IOB2: the first token B-, every later subword and word I-', () => {
    expect(goldTokenTags(entities, starts, 'iob2')).toEqual(['B-ORG', 'I-ORG', 'I-ORG', 'I-ORG', 'O', 'O', 'B-LOC', 'I-LOC']);
  });

  it('IOB1: B- only where an entity follows another of its type', () => {
    const adjacent = [
      { start: 0, end: 4, label: 'PER' },
      { start: 5, end: 9, label: 'PER' },
      { start: 9, end: 18, label: 'ORG' },
    ];
    expect(goldTokenTags(adjacent, starts, 'iob1')).toEqual(['I-PER', 'B-PER', 'I-ORG', 'I-ORG', 'O', 'O', 'O', 'O']);
  });

  it('BIOES and BILOU: the last token E-/L-, a one-token entity S-/U-', () => {
    const withSingle = [...entities, { start: 19, end: 23, label: 'MISC' }];
    expect(goldTokenTags(withSingle, starts, 'bioes')).toEqual(['B-ORG', 'I-ORG', 'I-ORG', 'E-ORG', 'S-MISC', 'O', 'B-LOC', 'E-LOC']);
    expect(goldTokenTags(withSingle, starts, 'bilou')).toEqual(['B-ORG', 'I-ORG', 'I-ORG', 'L-ORG', 'U-MISC', 'O', 'B-LOC', 'L-LOC']);
  });

  it('detects the scheme from the labels as the engine does', () => {
    expect(detectScheme(['O', 'B-PER', 'I-PER'])).toBe('iob2');
    expect(detectScheme(['O', 'B-PER', 'I-PER', 'E-PER', 'S-PER'])).toBe('bioes');
    expect(detectScheme(['O', 'B-PER', 'I-PER', 'L-PER', 'U-PER'])).toBe('bilou');
  });
});

/** A stand-in model: tokens are the words (split further at hyphens), logits favour each token's gold tag by `margin`. */
function standIn(labels: string[], head = 'token'): TokenScorer & { calls: number } {
  return {
    calls: 0,
    info: { labels, head },
    async tokenScores(texts: string[]): Promise<TokenScores[]> {
      this.calls++;
      return texts.map((text) => {
        const spans = [...text.matchAll(/[^\s-]+|-/g)].map((m) => [m.index as number, (m.index as number) + m[0].length]);
        const logits = new Float32Array(spans.length * labels.length).fill(0);
        spans.forEach((_, t) => (logits[t * labels.length] = 1)); // the model says O everywhere
        return { starts: Uint32Array.from(spans, (s) => s[0]), ends: Uint32Array.from(spans, (s) => s[1]), logits, labels };
      });
    },
  };
}

describe('the fit on a dataset', () => {
  const LABELS = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'];
  // IOB1 as in the CoNLL-2003 files: the reader turns it into spans, the fit into the model's IOB2.
  const dataset = {
    source: 'mini',
    nested: false,
    sentences: parseConll('Jean-Luc I-PER\nvisited O\nNew I-LOC\nYork I-LOC\n\nRome I-LOC\nwaits O\n'),
  };

  it("labels the model's tokens from the IOB1 file in the model's IOB2 and fits on them", async () => {
    const model = standIn(LABELS);
    const tokens = await collectTokens(model, dataset, { chunkSize: 1 });
    expect(model.calls).toBe(2);
    // Jean | - | Luc | visited | New | York ; Rome | waits
    expect(Array.from(tokens.gold, (g) => LABELS[g])).toEqual(['B-PER', 'I-PER', 'I-PER', 'O', 'B-LOC', 'I-LOC', 'B-LOC', 'O']);
    const fit = fitTokens(tokens, true);
    expect(fit.tokens).toBe(8);
    const document = calibrationDocument(fit, 'mini');
    expect(document).toMatchObject({ method: 'per-label', fitted_on: 'mini', sentences: 2, tokens: 8 });
    expect(Object.keys(document.temperatures ?? {})).toEqual(LABELS);
    expect(document.nll_after).toBeLessThanOrEqual(document.nll_before);
  });

  it("refuses gold types the model lacks, span models and nested data (ERR_INVALID_ARGUMENT)", async () => {
    await expect(collectTokens(standIn(['O', 'B-PER', 'I-PER']), dataset)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: /B-LOC/ });
    await expect(collectTokens(standIn(LABELS, 'span'), dataset)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(collectTokens(standIn(LABELS), { ...dataset, nested: true })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  it('writes one temperature without per-label ones when not asked', async () => {
    const fit = fitTokens(await collectTokens(standIn(LABELS), dataset), false);
    const document = calibrationDocument(fit, 'mini');
    expect(document.method).toBe('single');
    expect(document.temperatures).toBeUndefined();
    expect(document.temperature).toBe(fit.single.temperature);
  });
});
