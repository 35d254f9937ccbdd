import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Tokenizer, type Entity } from '../lib';
import { AGGREGATIONS } from '../lib/options';
import { CONLL_MODEL, PARITY_MODELS, readJsonl, REFERENCE, useModel, XLMR_MODEL, type PipelineLine } from './helpers';

// Label, span and (for 'none') token index of each entity, to compare whole lists at once.
const key = (label: string, start: number, end: number, index?: number) =>
  `${label}@${start}-${end}` + (index === undefined ? '' : `#${index}`);

describe.each(PARITY_MODELS)('extract matches the Hugging Face token-classification pipeline: $name', ({ model: dir, reference }) => {
  const model = useModel(dir);

  it.each(AGGREGATIONS)('gives the reference entities of aggregation "%s" for all 3,501 texts, scores within 1e-4', async (aggregation) => {
    const ner = model();
    const lines = readJsonl<PipelineLine>(join(reference, `pipeline-${aggregation}.jsonl`));
    expect(lines).toHaveLength(3501);
    const results = await ner.extract(
      lines.map((l) => l.text),
      { aggregation, decoding: 'argmax' },
    );

    const spanProblems: string[] = [];
    let worstScoreGap = 0;
    let entityCount = 0;
    lines.forEach((line, i) => {
      const got = results[i].map((e: Entity) => key(e.label, e.start, e.end, e.index));
      const want = line.entities.map((e) => key(e.label, e.start_u16, e.end_u16, e.index));
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        spanProblems.push(`${line.source}#${line.index} ${JSON.stringify(line.text.slice(0, 60))}: got ${got.join(' ')} want ${want.join(' ')}`);
        return;
      }
      results[i].forEach((e, k) => {
        worstScoreGap = Math.max(worstScoreGap, Math.abs(e.score - line.entities[k].score));
        expect(e.text).toBe(line.entities[k].text);
        entityCount++;
      });
    });
    // The first mismatches, then how many texts differ in all.
    expect(spanProblems.slice(0, 5)).toEqual([]);
    expect(spanProblems.length).toBe(0);
    expect(entityCount).toBe(lines.reduce((n, l) => n + l.entities.length, 0));
    expect(entityCount).toBeGreaterThan(5000);
    expect(worstScoreGap).toBeLessThan(1e-4);
  });
});

describe('the XLM-R model tokenizes as transformers builds its tokenizer class', () => {
  const model = useModel(XLMR_MODEL);

  it('starts a word\'s first token at the word, where tokenizer.json alone includes the space before it', () => {
    const text = 'John  Smith\tjr';
    const fromModel = model().tokenize(text, { addSpecialTokens: false });
    const fromFile = Tokenizer.fromFile(join(XLMR_MODEL, 'tokenizer.json')).encode(text, { addSpecialTokens: false });
    expect(Array.from(fromModel.ids)).toEqual(Array.from(fromFile.ids));
    expect(fromModel.tokens[1]).toBe('\u2581Smith');
    expect([fromModel.starts[1], fromModel.ends[1]]).toEqual([6, 11]);
    expect([fromFile.starts[1], fromFile.ends[1]]).toEqual([5, 11]); // the "▁" that replaced the second space
  });
});

describe('extract on the BERT model', () => {
  const model = useModel(CONLL_MODEL);

  it('finds the people and places of the README example', async () => {
    const ner = model();
    const out = await ner.extract(['John Smith works at Google in New York.', 'Paris is nice.']);
    expect(out[0].map(({ label, start, end, text }) => ({ label, start, end, text }))).toContainEqual({
      label: 'PER',
      start: 0,
      end: 10,
      text: 'John Smith',
    });
    expect(out[0].find((e) => e.label === 'LOC')?.text).toBe('New York');
    expect(out[1].map((e) => e.text)).toContain('Paris');
  });

  it('returns the same entities whatever the batch size', async () => {
    const ner = model();
    const lines = readJsonl<PipelineLine>(join(REFERENCE, 'pipeline-simple.jsonl')).slice(0, 300);
    const texts = lines.map((l) => l.text);
    const one = await ner.extract(texts, { batchSize: 1 });
    const many = await ner.extract(texts, { batchSize: 64, batchTokens: 4096 });
    const strip = (r: Entity[][]) => r.map((es) => es.map((e) => `${e.label}@${e.start}-${e.end}`));
    expect(strip(many)).toEqual(strip(one));
    many.flat().forEach((e, k) => expect(Math.abs(e.score - one.flat()[k].score)).toBeLessThan(1e-4));
  });

  it('accepts one string and returns its entity list', async () => {
    const ner = model();
    const out = await ner.extract('Angela Merkel visited Paris.');
    expect(out.map((e) => e.text)).toContain('Paris');
  });
});
