import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NerError } from '../lib';
import { CONLL_MODEL, readJsonl, REFERENCE, useModel, type PipelineLine } from './helpers';

interface LongDocLine extends PipelineLine {
  tokens: number;
}

describe('texts longer than the model window', () => {
  const model = useModel(CONLL_MODEL);
  let docs: LongDocLine[];
  beforeAll(() => {
    docs = readJsonl<LongDocLine>(join(REFERENCE, 'long-docs-simple-stride128.jsonl'));
  });

  // Token index of the token covering UTF-16 offset `at`.
  function tokenAt(starts: Uint32Array, ends: Uint32Array, at: number): number {
    for (let k = 0; k < starts.length; k++) if (starts[k] <= at && at < ends[k]) return k;
    return -1;
  }

  it('matches the reference entities of all 31 documents in full, every window (stride 128)', async () => {
    const ner = model();
    expect(docs).toHaveLength(31);
    const results = await ner.extract(
      docs.map((d) => d.text),
      { stride: 128, aggregation: 'simple', decoding: 'argmax' },
    );
    const problems: string[] = [];
    let compared = 0;
    docs.forEach((doc, i) => {
      expect(ner.tokenize(doc.text, { addSpecialTokens: false }).ids.length + 2).toBe(doc.tokens);
      const got = results[i].map((e) => `${e.label}@${e.start}-${e.end}`);
      const want = doc.entities.map((e) => `${e.label}@${e.start_u16}-${e.end_u16}`);
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        problems.push(`doc ${doc.index}: ${got.length} entities, the reference has ${want.length}`);
        return;
      }
      doc.entities.forEach((e, k) => expect(Math.abs(results[i][k].score - e.score)).toBeLessThan(1e-4));
      compared += want.length;
    });
    expect(problems).toEqual([]);
    expect(compared).toBe(2680);
  });

  it('reads every token: entities come from beyond the first window, whole, once and in order', async () => {
    const ner = model();
    const results = await ner.extract(
      docs.map((d) => d.text),
      { aggregation: 'simple', decoding: 'argmax' },
    );
    let beyondFirstWindow = 0;
    docs.forEach((doc, i) => {
      const t = ner.tokenize(doc.text, { addSpecialTokens: false });
      const entities = results[i];
      for (let k = 1; k < entities.length; k++) expect(entities[k].start).toBeGreaterThanOrEqual(entities[k - 1].end);
      for (const e of entities) {
        expect(e.text).toBe(doc.text.slice(e.start, e.end));
        if (tokenAt(t.starts, t.ends, e.start) >= 510) beyondFirstWindow++;
      }
    });
    // Windows after the first contribute hundreds of entities (the reference has them too: see the test above).
    expect(beyondFirstWindow).toBeGreaterThan(500);
  });

  it('handles a document of 1 MB without truncating it', async () => {
    const ner = model();
    const sentence = 'John Smith visited Paris and met Angela Merkel in Berlin. ';
    const doc = sentence.repeat(Math.ceil(1_000_000 / sentence.length));
    const [entities] = await ner.extract([doc]);
    // Every sentence's people and places, including the very last one.
    const last = doc.lastIndexOf('Berlin');
    expect(entities.some((e) => e.start === last && e.label === 'LOC')).toBe(true);
    expect(entities.length).toBeGreaterThan((doc.length / sentence.length) * 3);
  });

  it('refuses a stride that leaves no room and a text over maxTextLength', async () => {
    const ner = model();
    await expect(ner.extract(['x'], { stride: 510 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    const error = await ner.extract(['short', 'x'.repeat(101)], { maxTextLength: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NerError);
    expect(error).toMatchObject({ code: 'ERR_TEXT_TOO_LONG' });
    expect((error as Error).message).toMatch(/text 1 has 101 UTF-16 units/);
  });
});
