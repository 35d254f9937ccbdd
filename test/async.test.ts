import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NativeNer } from '../lib';
import { CONLL_MODEL, readJsonl, REFERENCE, useModel, type PipelineLine } from './helpers';

describe('extract runs off the JS thread', () => {
  const model = useModel(CONLL_MODEL);
  let texts: string[];
  beforeAll(() => {
    texts = readJsonl<PipelineLine>(join(REFERENCE, 'pipeline-simple.jsonl')).map((l) => l.text);
  });

  it('keeps the event loop turning while thousands of texts are processed', async () => {
    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(performance.now()), 10);
    const started = performance.now();
    const results = await model().extract(texts);
    const elapsed = performance.now() - started;
    clearInterval(timer);

    expect(results).toHaveLength(texts.length);
    // The batch takes seconds; a blocked loop would record no tick until it ended.
    expect(elapsed).toBeGreaterThan(500);
    expect(ticks.length).toBeGreaterThan(elapsed / 10 / 4);
    const gaps = ticks.slice(1).map((t, i) => t - ticks[i]);
    // Only the one copy of the inputs and the building of result objects run on the JS thread.
    expect(Math.max(...gaps)).toBeLessThan(elapsed / 4);
  });

  it('gives each of many concurrent calls its own results', async () => {
    const sample = texts.slice(0, 40);
    const ner = model();
    const alone = await ner.extract(sample);
    const concurrent = await Promise.all(sample.map((t) => ner.extract([t])));
    concurrent.forEach((r, i) => {
      expect(r[0].map((e) => `${e.label}@${e.start}-${e.end}`)).toEqual(alone[i].map((e) => `${e.label}@${e.start}-${e.end}`));
    });
  });

  it('loads with NativeNer.load without blocking the loop', async () => {
    let ticked = 0;
    const timer = setInterval(() => ticked++, 1);
    const other = await NativeNer.load(CONLL_MODEL);
    clearInterval(timer);
    expect(ticked).toBeGreaterThan(0);
    expect(other.info.entityTypes.sort()).toEqual(['LOC', 'MISC', 'ORG', 'PER']);
    expect(other.info.maxTokens).toBe(512);
    await other.dispose();
  });
});
