import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConll, scoreDataset, type Entity } from '../lib';
import { CONLL_MODEL, SHARED, useModel } from './helpers';

const test = readConll(join(SHARED, 'datasets', 'conll2003', 'eng.testb'));
const texts = test.sentences.map((s) => s.text);

// Token-level tags ('none' aggregation reports every non-O token with its tag and position).
function invalidIob2(tokens: Entity[]): number {
  let invalid = 0;
  tokens.forEach((t, k) => {
    if (!t.label.startsWith('I-')) return;
    const previous = tokens[k - 1];
    const continues = previous && previous.index === (t.index as number) - 1 && previous.label.slice(2) === t.label.slice(2);
    if (!continues) invalid++;
  });
  return invalid;
}

describe('Viterbi decoding under the tagging scheme', () => {
  const model = useModel(CONLL_MODEL);

  it('never produces an I-X that does not continue an X entity (IOB2), where argmax does', async () => {
    const ner = model();
    const viterbi = await ner.extract(texts, { aggregation: 'none', decoding: 'viterbi' });
    const argmax = await ner.extract(texts, { aggregation: 'none', decoding: 'argmax' });
    expect(viterbi.reduce((n, tokens) => n + invalidIob2(tokens), 0)).toBe(0);
    expect(argmax.reduce((n, tokens) => n + invalidIob2(tokens), 0)).toBeGreaterThan(100);
  });

  it('never produces a B-X after O or another type when the labels are read as IOB1', async () => {
    const ner = model();
    const results = await ner.extract(texts, { aggregation: 'none', decoding: 'viterbi', scheme: 'iob1' });
    let invalid = 0;
    for (const tokens of results) {
      tokens.forEach((t, k) => {
        if (!t.label.startsWith('B-')) return;
        const previous = tokens[k - 1];
        if (!previous || previous.index !== (t.index as number) - 1 || previous.label.slice(2) !== t.label.slice(2)) invalid++;
      });
    }
    expect(invalid).toBe(0);
  });

  it('beats the best reference strategy (average, F1 0.7115) on CoNLL-2003 test by default', async () => {
    const ner = model();
    const { overall } = scoreDataset(test, await ner.extract(texts));
    expect(overall.gold).toBe(5648);
    expect(overall.f1).toBeGreaterThanOrEqual(0.7115);
    // The figure the README records (`native-ner eval`, defaults).
    expect(overall.f1.toFixed(4)).toBe('0.7426');
  });

  it('gives whole, non-overlapping entities with bare types and mean word scores', async () => {
    const ner = model();
    const [entities] = await ner.extract(['John Smith works at Google in New York.']);
    expect(entities.map((e) => `${e.label}:${e.text}`)).toEqual(['PER:John Smith', 'LOC:New York']);
    for (const e of entities) expect(e.score).toBeGreaterThan(0.5);
  });

  it('repair reads argmax tags by the scheme: for IOB2 labels it agrees with the pipeline grouping', async () => {
    const ner = model();
    const sample = texts.slice(0, 500);
    const plain = await ner.extract(sample, { decoding: 'argmax' });
    const repaired = await ner.extract(sample, { decoding: 'argmax', repair: true });
    expect(repaired.map((es) => es.map((e) => `${e.label}@${e.start}-${e.end}`))).toEqual(
      plain.map((es) => es.map((e) => `${e.label}@${e.start}-${e.end}`)),
    );
  });

  it('filters by labels and minScore, and rejects unknown decodings and schemes', async () => {
    const ner = model();
    const text = 'John Smith works at Google in New York.';
    const [onlyPeople] = await ner.extract([text], { labels: ['PER'] });
    expect(onlyPeople.map((e) => e.label)).toEqual(['PER']);
    const [all] = await ner.extract([text]);
    const [confident] = await ner.extract([text], { minScore: 0.99 });
    expect(confident).toEqual(all.filter((e) => e.score >= 0.99));
    await expect(ner.extract([text], { decoding: 'beam' } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(ner.extract([text], { scheme: 'iobes2' } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(ner.extract([text], { minScore: 2 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(ner.extract([text], { labels: ['PERSON'] })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });
});
