import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NativeNer, NerError } from '../lib';
import { CONLL_MODEL, linkedModelDir, PARITY_MODELS, readJsonl, REFERENCE, ROBERTA_MODEL, useModel, type PipelineLine } from './helpers';

interface LongDocLine extends PipelineLine {
  tokens: number;
}

describe.each(PARITY_MODELS)('long documents match the reference pipeline with stride 128: $name', ({ model: dir, reference }) => {
  const model = useModel(dir);

  it('gives the reference entities of every document in full, every window, scores within 1e-4', async () => {
    const ner = model();
    const docs = readJsonl<LongDocLine>(join(reference, 'long-docs-simple-stride128.jsonl'));
    expect(docs.length).toBeGreaterThan(30);
    expect(ner.info.maxTokens).toBe(512);
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
        const first = got.findIndex((g, k) => g !== want[k]);
        problems.push(`doc ${doc.index}: ${got.length} entities, the reference has ${want.length}; first difference at ` +
          `entity ${first}: got ${got[first]} want ${want[first]}`);
        return;
      }
      doc.entities.forEach((e, k) => expect(Math.abs(results[i][k].score - e.score)).toBeLessThan(1e-4));
      compared += want.length;
    });
    expect(problems).toEqual([]);
    expect(compared).toBe(docs.reduce((n, d) => n + d.entities.length, 0));
  });
});

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

  it('has the 31 documents and 2,680 entities of the BERT reference', () => {
    expect(docs).toHaveLength(31);
    expect(docs.reduce((n, d) => n + d.entities.length, 0)).toBe(2680);
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

describe('the window of a RoBERTa-family model', () => {
  it('is 512 tokens from a 514-row position table, model_max_length or not (positions start after padding_idx)', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'native-ner-window-'));
    try {
      const config = JSON.parse(readFileSync(join(ROBERTA_MODEL, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
      delete config.model_max_length;
      const dir = linkedModelDir(scratch, 'roberta-no-max-length', ROBERTA_MODEL, { 'tokenizer_config.json': JSON.stringify(config) });
      const ner = await NativeNer.load(dir);
      expect(ner.info.maxTokens).toBe(512);
      await expect(ner.extract(['x'], { stride: 510 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
      // Every window fits the position table: a long text runs.
      const [entities] = await ner.extract(['Paris and Berlin . '.repeat(400)], { aggregation: 'simple', decoding: 'argmax' });
      expect(entities.length).toBeGreaterThan(0);
      await ner.dispose();
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
