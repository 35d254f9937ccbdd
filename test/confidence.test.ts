// Confidence signals (issue 14, section 1) and ner.tokenScores with the real models: the option adds the documented
// fields and nothing without it, the values keep their definitions' relations, text signals count each token once
// however a long text is windowed, and tokenScores agrees with the model's own per-token decisions.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NerError } from '../lib';
import { CONLL_MODEL, SHARED, useModel } from './helpers';

const SPAN_MODEL = join(SHARED, 'models', 'genia-span-small');
const TEXTS = [
  'John Smith works at Google in New York.',
  'Xqzvw Blorfendorf visited Zzyzx with ☃☃☃ and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢.',
  '',
  'Angela Merkel met Emmanuel Macron in Paris. '.repeat(60),
];

describe('confidence signals (conll03-bert-small)', () => {
  const model = useModel(CONLL_MODEL);

  it('are absent unless asked for, and present on every model entity when asked', async () => {
    const ner = model();
    const plain = await ner.extract(TEXTS);
    expect(plain.flat().some((e) => 'minProb' in e || 'margin' in e || 'entropy' in e)).toBe(false);
    const plainColumns = await ner.extractColumns(TEXTS);
    expect(plainColumns.minProbs).toBeUndefined();
    const withSignals = await ner.extract(TEXTS, { confidence: true });
    expect(withSignals.map((es) => es.map(({ label, start, end, score }) => ({ label, start, end, score })))).toEqual(
      plain.map((es) => es.map(({ label, start, end, score }) => ({ label, start, end, score }))),
    );
    for (const e of withSignals.flat()) {
      expect(e.minProb).toBeGreaterThanOrEqual(0);
      expect(e.minProb).toBeLessThanOrEqual(1);
      expect(e.margin).toBeLessThanOrEqual(e.minProb as number); // a lead over another type never exceeds its own mass
      expect(e.margin).toBeGreaterThanOrEqual(-1);
      expect(e.entropy).toBeGreaterThanOrEqual(0);
      expect(e.entropy).toBeLessThanOrEqual(Math.log(ner.info.labels.length) + 1e-6);
    }
  });

  it('tell a sure entity from an unsure one', async () => {
    const ner = model();
    const [sure, unsure] = await ner.extract(TEXTS.slice(0, 2), { confidence: true });
    const john = sure.find((e) => e.text === 'John Smith');
    expect(john?.minProb).toBeGreaterThan(0.9);
    const least = Math.min(...unsure.map((e) => e.minProb as number));
    expect(least).toBeLessThan(john?.minProb as number);
  });

  it('leave rule entities without signals', async () => {
    const ner = model();
    const [entities] = await ner.extract(['Mail john@acme.com to John Smith.'], { confidence: true, rules: { builtins: ['EMAIL'] } });
    const email = entities.find((e) => e.label === 'EMAIL');
    expect(email).toBeDefined();
    expect(email?.minProb).toBeUndefined();
    expect(entities.find((e) => e.source === 'model')?.minProb).toBeDefined();
  });

  it('give per-text columns: windows, tokens counted once, unknown share and entropy', async () => {
    const ner = model();
    const columns = await ner.extractColumns(TEXTS, { confidence: true, stride: 64 });
    const tokens = TEXTS.map((t) => ner.tokenize(t, { addSpecialTokens: false }).ids.length);
    expect(Array.from(columns.textTokens as Uint32Array)).toEqual(tokens);
    expect((columns.textWindows as Uint32Array)[0]).toBe(1);
    expect((columns.textWindows as Uint32Array)[3]).toBeGreaterThan(1);
    expect((columns.unkRate as Float32Array)[0]).toBe(0);
    expect((columns.unkRate as Float32Array)[1]).toBeGreaterThan(0);
    expect(Number.isNaN((columns.textEntropy as Float32Array)[2])).toBe(true); // no tokens, no entropy
    // Windowing does not change a text's entropy beyond float noise: each token counts once.
    const [alone] = Array.from((await ner.extractColumns([TEXTS[3]], { confidence: true, stride: 200 })).textEntropy as Float32Array);
    expect(Math.abs(alone - (columns.textEntropy as Float32Array)[3])).toBeLessThan(0.05);
    expect(columns.minProbs?.length).toBe(columns.count);
  });

  it('tokenScores gives each token once, whose argmax is the tag aggregation none reports', async () => {
    const ner = model();
    const [short, long] = await ner.tokenScores([TEXTS[0], TEXTS[3]], { stride: 32 });
    expect(long.starts.length).toBe(ner.tokenize(TEXTS[3], { addSpecialTokens: false }).ids.length);
    expect(Array.from(long.starts).every((s, i, all) => i === 0 || s > all[i - 1])).toBe(true);
    const width = short.labels.length;
    const tagged = (await ner.extract(TEXTS[0], { aggregation: 'none', decoding: 'argmax' })).map((e) => `${e.start}:${e.label}`);
    const fromScores: string[] = [];
    for (let t = 0; t < short.starts.length; t++) {
      const row = Array.from(short.logits.subarray(t * width, (t + 1) * width));
      const best = row.indexOf(Math.max(...row));
      if (short.labels[best] !== 'O') fromScores.push(`${short.starts[t]}:${short.labels[best]}`);
    }
    expect(fromScores).toEqual(tagged);
    await expect(ner.tokenScores(['x'], { rules: { builtins: ['EMAIL'] } })).rejects.toBeInstanceOf(NerError);
  });
});

describe('confidence signals (genia-span-small)', () => {
  const model = useModel(SPAN_MODEL);

  it("read a span's own yes/no decision, and tokenScores is refused", async () => {
    const ner = model();
    const [entities] = await ner.extract(['IL-2 gene expression requires NF-kappa B activation .'], { confidence: true });
    expect(entities.length).toBeGreaterThan(0);
    for (const e of entities) {
      expect(e.minProb).toBeCloseTo(e.score, 6);
      expect(e.margin).toBeCloseTo(Math.abs(2 * e.score - 1), 5);
      const p = e.score;
      expect(e.entropy).toBeCloseTo(-p * Math.log(p) - (1 - p) * Math.log(1 - p), 5);
    }
    await expect(ner.tokenScores(['IL-2'])).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });
});
