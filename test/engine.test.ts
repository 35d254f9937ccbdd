// The engine behind extract: calls merged into shared batches must give each caller exactly its own results,
// errors stay with their call, stats count what ran, and dispose or exit with calls in flight is clean.
import { spawnSync } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NativeNer, NerError, type Entity, type ExtractOptions } from '../lib';
import { CONLL_MODEL, readJsonl, REFERENCE, useModel, type PipelineLine } from './helpers';

// Scores may differ in the last float bits between a text run alone and padded beside longer ones.
function expectSameEntities(actual: Entity[], expected: Entity[]): void {
  expect(actual.map(({ score, ...rest }) => rest)).toEqual(expected.map(({ score, ...rest }) => rest));
  actual.forEach((e, k) => expect(e.score).toBeCloseTo(expected[k].score, 5));
}

const MIXED_OPTIONS: ExtractOptions[] = [
  {},
  { aggregation: 'simple', decoding: 'argmax' },
  { aggregation: 'none' },
  { labels: ['PER', 'LOC'] },
  { minScore: 0.95, aggregation: 'first' },
  { batchSize: 4, aggregation: 'max' },  // other batch limits: batches of their own
];

describe('engine: micro-batching across calls', () => {
  const model = useModel(CONLL_MODEL, { maxWaitMs: 5 });
  let texts: string[];
  beforeAll(() => {
    texts = readJsonl<PipelineLine>(join(REFERENCE, 'pipeline-simple.jsonl')).map((l) => l.text);
  });

  it('gives 200 concurrent single-text calls with mixed options exactly their results run one at a time', async () => {
    const ner = model();
    const sample = texts.slice(0, 200);
    const alone: Entity[][] = [];
    for (let i = 0; i < sample.length; i++) alone.push(await ner.extract(sample[i], MIXED_OPTIONS[i % MIXED_OPTIONS.length]));
    const concurrent = await Promise.all(sample.map((t, i) => ner.extract(t, MIXED_OPTIONS[i % MIXED_OPTIONS.length])));
    expect(alone.some((r) => r.length > 0)).toBe(true);
    concurrent.forEach((r, i) => expectSameEntities(r, alone[i]));
  });

  it('keeps each multi-text call in its own order beside other calls', async () => {
    const ner = model();
    const calls = Array.from({ length: 30 }, (_, i) => texts.slice(i * 7, i * 7 + 1 + (i % 5)));
    const alone: Entity[][][] = [];
    for (const call of calls) alone.push(await ner.extract(call));
    const concurrent = await Promise.all(calls.map((call) => ner.extract(call)));
    concurrent.forEach((r, i) => {
      expect(r).toHaveLength(calls[i].length);
      r.forEach((entities, j) => expectSameEntities(entities, alone[i][j]));
    });
  });

  it('gives a call of many texts (cut in parts) the results of a small batch size run', async () => {
    const ner = model();
    const many = texts.slice(0, 1200);
    const [whole, inSmallBatches] = await Promise.all([ner.extract(many), ner.extract(many, { batchSize: 3 })]);
    whole.forEach((r, i) => expectSameEntities(r, inSmallBatches[i]));
    const columns = await ner.extractColumns(many);
    expect(columns.offsets).toHaveLength(many.length + 1);
    expect(columns.count).toBe(whole.reduce((n, r) => n + r.length, 0));
    expect(Math.max(...columns.textIndex)).toBeLessThan(many.length);
  });

  it('fails only the call whose text is too long', async () => {
    const ner = model();
    const sample = texts.slice(0, 40);
    const alone = await ner.extract(sample);
    const head = texts.slice(0, 300);
    const limit = Math.max(...head.map((t) => t.length));
    const long = 'word '.repeat(Math.ceil(limit / 5) + 1);
    const outcomes = await Promise.allSettled([
      ...sample.map((t) => ner.extract(t)),
      ner.extract(long, { maxTextLength: limit }),
      // Text 300 lies in the second part of its call; the error still names it by its index in the call.
      ner.extract([...head, long], { maxTextLength: limit }),
    ]);
    outcomes.slice(0, sample.length).forEach((o, i) => {
      expect(o.status).toBe('fulfilled');
      expectSameEntities((o as PromiseFulfilledResult<Entity[]>).value, alone[i]);
    });
    const tooLong = outcomes.slice(sample.length).map((o) => (o as PromiseRejectedResult).reason as NerError);
    tooLong.forEach((e) => {
      expect(e).toBeInstanceOf(NerError);
      expect(e.code).toBe('ERR_TEXT_TOO_LONG');
    });
    expect(tooLong[1].message).toMatch(/^text 300 /);
  });

  it('runs a long text within a few batches while short calls keep arriving (the oldest window is never passed over)', async () => {
    const ner = model();
    const short = texts.filter((t) => t.length > 20 && t.length < 60).slice(0, 64);
    const long = texts.filter((t) => t.length > 300)[0].repeat(2);
    let longDone = false;
    let shortCalls = 0;
    // 32 callers, each sending its next short text as soon as the last returns, until the long call is done.
    const callers = Array.from({ length: 32 }, async (_, c) => {
      for (let i = c; !longDone && shortCalls < 5000; i += 32) {
        shortCalls++;
        await ner.extract(short[i % short.length]);
      }
    });
    await new Promise((r) => setTimeout(r, 100)); // traffic is flowing
    const before = ner.stats().batches;
    await ner.extract(long);
    const batchesWhileWaiting = ner.stats().batches - before;
    longDone = true;
    await Promise.all(callers);
    expect(shortCalls).toBeLessThan(5000);
    // Windows older than the long one run first (at most the round in flight and the queue before it), then its own.
    expect(batchesWhileWaiting).toBeLessThanOrEqual(12);
  });
});

describe('engine: stats', () => {
  const model = useModel(CONLL_MODEL, { maxWaitMs: 5, workerThreads: 1 });
  let sentences: string[];
  beforeAll(() => {
    sentences = readJsonl<PipelineLine>(join(REFERENCE, 'pipeline-simple.jsonl'))
      .map((l) => l.text)
      .filter((t) => t.length > 20 && t.length < 200);
  });

  it('counts texts, tokens and batches, and shows 64 concurrent calls merged into far fewer batches', async () => {
    const ner = model();
    ner.resetStats();
    await Promise.all(sentences.slice(0, 64).map((t) => ner.extract(t)));
    const s = ner.stats();
    expect(s.calls).toBe(64);
    expect(s.texts).toBe(64);
    expect(s.windows).toBe(64);
    expect(s.batches).toBeGreaterThanOrEqual(1);
    expect(s.batches).toBeLessThan(16);
    expect(s.tokens).toBeGreaterThan(64 * 3);
    expect(s.tokens).toBeLessThanOrEqual(s.paddedTokens);
    for (const key of ['tokenizeSeconds', 'inferenceSeconds', 'decodeSeconds', 'waitSeconds'] as const) {
      expect(s[key]).toBeGreaterThanOrEqual(0);
      expect(s[key]).toBeLessThan(600);
    }
    expect(s.inferenceSeconds).toBeGreaterThan(0);
  });

  it('counts a long text as several windows, empty texts as texts only, and resets to zero', async () => {
    const ner = model();
    ner.resetStats();
    await ner.extract(['', 'word '.repeat(1500), 'Paris is nice.']);
    const s = ner.stats();
    expect(s.texts).toBe(3);
    expect(s.windows).toBeGreaterThanOrEqual(4);  // 1,500 words need several 510-token windows, plus 'Paris'
    expect(s.tokens).toBeLessThanOrEqual(s.paddedTokens);
    ner.resetStats();
    expect(Object.values(ner.stats()).every((v) => v === 0)).toBe(true);
    expect(Object.keys(ner.stats()).sort()).toEqual(
      ['batches', 'calls', 'decodeSeconds', 'inferenceSeconds', 'paddedTokens', 'texts', 'tokenizeSeconds', 'tokens',
        'waitSeconds', 'windows'].sort(),
    );
  });
});

describe('engine: threads and lifetime', () => {
  let texts: string[];
  beforeAll(() => {
    texts = readJsonl<PipelineLine>(join(REFERENCE, 'pipeline-simple.jsonl')).map((l) => l.text);
  });

  it('does not hold libuv threads: file system work completes while 64 calls are in flight', async () => {
    const ner = await NativeNer.load(CONLL_MODEL);
    const order: string[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const calls = Array.from({ length: 64 }, (_, i) =>
      ner.extract(texts.slice(i * 20, i * 20 + 20)).then(() => order.push('extract')),
    );
    // libuv's pool has 4 threads; had each call taken one, these would queue behind most of the calls.
    const files = Array.from({ length: 8 }, () => stat(CONLL_MODEL).then(() => order.push('stat')));
    await Promise.all([...calls, ...files]);
    clearInterval(timer);
    expect(order.lastIndexOf('stat')).toBeLessThan(32);
    expect(ticks).toBeGreaterThan(0);
    await ner.dispose();
  });

  it('on dispose, finishes the calls already running and rejects the queued ones instead of running them', async () => {
    const ner = await NativeNer.load(CONLL_MODEL, { workerThreads: 2, maxWaitMs: 0 });
    const alone = await ner.extract(texts.slice(0, 500));
    ner.resetStats();
    const running = ner.extract(texts.slice(0, 500));
    while (ner.stats().batches === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    const queued = texts.slice(0, 300).map((t) => ner.extract(t));
    const disposed = ner.dispose();
    const settled = await Promise.allSettled(queued);
    await disposed;
    (await running).forEach((r, i) => expectSameEntities(r, alone[i]));
    // A queued call the runner reached while the others were still being submitted is running, and finishes
    // whole; the rest are rejected, not run.
    let rejected = 0;
    settled.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') return expectSameEntities(outcome.value, alone[i]);
      expect(outcome.reason).toMatchObject({ name: 'NerError', code: 'ERR_DISPOSED' });
      rejected++;
    });
    expect(rejected).toBeGreaterThan(100);
    await expect(ner.extract('Paris')).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
    expect(() => ner.stats()).toThrow(NerError);
  });

  it('exits cleanly with calls in flight, and a script that does not await still gets its results', () => {
    const dist = JSON.stringify(join(__dirname, '..', 'dist', 'index.js'));
    const model = JSON.stringify(CONLL_MODEL);
    const texts40 = JSON.stringify(texts.slice(0, 40));
    const exitEarly = spawnSync(
      process.execPath,
      [
        '-e',
        `const { NativeNer } = require(${dist});
         NativeNer.load(${model}).then((ner) => {
           for (let i = 0; i < 50; i++) ner.extract(${texts40});
           setTimeout(() => process.exit(0), 30);
         });`,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(exitEarly.stderr).toBe('');
    expect(exitEarly.signal).toBeNull();
    expect(exitEarly.status).toBe(0);

    const noAwait = spawnSync(
      process.execPath,
      [
        '-e',
        `const { NativeNer } = require(${dist});
         const ner = new NativeNer(${model});
         ner.extract('John Smith works at Google.').then((r) => console.log(r.map((e) => e.label).join(',')));`,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(noAwait.stderr).toBe('');
    expect(noAwait.status).toBe(0);
    expect(noAwait.stdout.trim()).toBe('PER');
  });
});
