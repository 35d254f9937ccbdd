// Defects found by the fault campaign (issue 8), one test each: work one caller can cause, fairness between
// callers, cancelling queued work, cheap empty texts, model-file validation and inputs read once.
import { mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { NativeNer, NerError } from '../lib';
import { CONLL_MODEL, linkedModelDir, loadError, useModel } from './helpers';

const scratch = mkdtempSync(join(tmpdir(), 'native-ner-reliability-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const config = JSON.parse(readFileSync(join(CONLL_MODEL, 'config.json'), 'utf8'));
const modelDir = (name: string, replace: Record<string, string | Buffer | null>) =>
  linkedModelDir(scratch, name, CONLL_MODEL, replace);

/** 2,000 one-token words: with stride 509 every token starts a window of its own (about 1,500 windows). */
const HOSTILE = '. '.repeat(2000);

async function rejection(promise: Promise<unknown>): Promise<NerError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NerError);
  return error as NerError;
}

describe('work one call may cause', () => {
  const model = useModel(CONLL_MODEL);

  it('answers a small call promptly while a huge call runs, instead of after it', async () => {
    const ner = model();
    // ~150 windows of 512 tokens in batches of 4, so the huge call lasts many batches without lasting long.
    const started = performance.now();
    const huge = ner.extract('. '.repeat(660), { stride: 509, batchTokens: 2048 }).then(() => performance.now() - started);
    while (ner.stats().batches === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    const smallStarted = performance.now();
    const small = await ner.extract('John Smith lives in Paris.');
    const smallMs = performance.now() - smallStarted;
    expect(small.map((e) => e.text)).toContain('Paris');
    // Behind the huge call it would wait for all of its ~40 batches; with fair rounds, for one or two.
    expect(smallMs).toBeLessThan((await huge) / 5);
  });

  it('fails a call needing more than maxWindows windows, before running them', async () => {
    const ner = model();
    ner.resetStats();
    const e = await rejection(ner.extract(HOSTILE, { stride: 509, maxWindows: 100 }));
    expect(e.code).toBe('ERR_TOO_MANY_WINDOWS');
    expect(e.message).toMatch(/maxWindows 100.*stride/);
    expect(ner.stats().windows).toBe(0);
    // Counted over the whole call, across texts; within the bound the call runs.
    const many = Array.from({ length: 600 }, () => 'Paris');
    expect((await rejection(ner.extract(many, { maxWindows: 599 }))).code).toBe('ERR_TOO_MANY_WINDOWS');
    expect(await ner.extract(many, { maxWindows: 600 })).toHaveLength(600);
  });

  it('fails a call not done within timeoutMs and drops its remaining work', async () => {
    const ner = model();
    ner.resetStats();
    const started = performance.now();
    const e = await rejection(ner.extract(HOSTILE, { stride: 509, timeoutMs: 200 }));
    const elapsed = performance.now() - started;
    expect(e.code).toBe('ERR_TIMEOUT');
    expect(e.message).toContain('timeoutMs 200');
    expect(ner.stats().windows).toBeLessThan(1000);
    // The engine is free again at once: a small call after it is answered.
    expect((await ner.extract('Paris is nice.'))[0]?.text).toBe('Paris');
    expect(elapsed).toBeLessThan(60_000);
  });

  it('runs no model work for empty and blank texts', async () => {
    const ner = model();
    ner.resetStats();
    const results = await ner.extract([...new Array(20_000).fill(''), ' ', '\n\t ', '\u200b', 'Paris']);
    expect(results.slice(0, -1).every((r) => r.length === 0)).toBe(true);
    expect(results[results.length - 1][0]?.text).toBe('Paris');
    expect(ner.stats().windows).toBe(1);
  });

  it('checks the new options like the others', async () => {
    const ner = model();
    await expect(ner.extract('a', { maxWindows: 0 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(ner.extract('a', { timeoutMs: -1 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(ner.extract('a', { timeoutMs: '5' as unknown as number })).rejects.toBeInstanceOf(TypeError);
  });
});

describe('inputs are read once', () => {
  const model = useModel(CONLL_MODEL);

  it('analyses and slices the same text even when a getter changes its answer', async () => {
    const ner = model();
    let reads = 0;
    const texts: string[] = [];
    Object.defineProperty(texts, 0, {
      get: () => (reads++ === 0 ? 'John Smith lives in Paris.' : 'xxxxxxxxxxxxxxxxxxxxxxxxxx'),
      enumerable: true,
    });
    const [entities] = await ner.extract(texts);
    expect(reads).toBe(1);
    for (const e of entities) expect('John Smith lives in Paris.'.slice(e.start, e.end)).toBe(e.text);
    expect(entities.map((e) => e.text)).toContain('Paris');
  });

  it('takes a Proxy of an array as the array it stands for', async () => {
    const ner = model();
    const proxy = new Proxy(['Paris is nice.'], {});
    expect((await ner.extract(proxy))[0][0]?.text).toBe('Paris');
    expect((await ner.extractColumns(proxy)).count).toBe(1);
  });

  it('says what a stream source must be', async () => {
    const ner = model();
    const take = (source: unknown) => ner.extractStream(source as string[]).next();
    await expect(take(5)).rejects.toThrow(/iterable or async iterable of strings/);
    await expect(take(null)).rejects.toThrow(/iterable or async iterable of strings/);
    await expect(take('Paris')).rejects.toThrow(/not one string/);
  });
});

describe('model files and load options are validated', () => {
  it('rejects a max_position_embeddings that is not a sane integer', async () => {
    for (const value of [1e300, -5, '512', 2.5]) {
      const dir = modelDir('positions', { 'config.json': JSON.stringify({ ...config, max_position_embeddings: value }) });
      const e = await loadError(dir);
      expect(e.code).toBe('ERR_INVALID_MODEL');
      expect(e.message).toContain('max_position_embeddings');
    }
  });

  it("rejects a window larger than the model's position table", async () => {
    const dir = modelDir('positions-4096', {
      'config.json': JSON.stringify({ ...config, max_position_embeddings: 4096 }),
      'tokenizer_config.json': null,
    });
    const e = await loadError(dir);
    expect(e.code).toBe('ERR_INVALID_MODEL');
    expect(e.message).toMatch(/4096 tokens but the model's position table has 512 rows/);
  });

  it('warns in info when tokenizer.json has no post_processor', async () => {
    const tokenizer = JSON.parse(readFileSync(join(CONLL_MODEL, 'tokenizer.json'), 'utf8'));
    const ner = await NativeNer.load(modelDir('no-post', { 'tokenizer.json': JSON.stringify({ ...tokenizer, post_processor: null }) }));
    expect(ner.info.warnings.join('\n')).toMatch(/no post_processor/);
    await ner.dispose();
    const sound = await NativeNer.load(CONLL_MODEL);
    expect(sound.info.warnings).toEqual([]);
    await sound.dispose();
  });

  it('reports a model file that is a link to a device as such, not as missing', async () => {
    const dir = modelDir('dev-null', {});
    unlinkSync(join(dir, 'model.onnx'));
    symlinkSync('/dev/null', join(dir, 'model.onnx'));
    const e = await loadError(dir);
    expect(e.code).toBe('ERR_INVALID_MODEL');
    expect(e.message).toMatch(/model\.onnx' exists but is not a regular file/);
  });

  it('bounds ONNX Runtime threads by the machine', async () => {
    const cpus = availableParallelism();
    await expect(NativeNer.load(CONLL_MODEL, { intraOpThreads: 1024 })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: expect.stringContaining(`${cpus} CPUs`),
    });
    expect(() => new NativeNer(CONLL_MODEL, { interOpThreads: cpus + 1 })).toThrow(/CPUs/);
  });

  it('refuses a second ONNX Runtime library in one process instead of ignoring it', async () => {
    const ner = await NativeNer.load(CONLL_MODEL);
    const other = await NativeNer.load(CONLL_MODEL, { ortLibraryPath: join(scratch, 'libonnxruntime.so.1') }).then(
      () => null,
      (error: unknown) => error as NerError,
    );
    expect(other?.code).toBe('ERR_INVALID_ARGUMENT');
    expect(other?.message).toMatch(/already loaded in this process from '.*'; a process holds one ONNX Runtime library/);
    expect(other?.message).toContain(ner.info.ortLibraryPath);
    await ner.dispose();
  });
});

describe('stopping work', () => {
  it('frees threads and memory on dispose after load(), without garbage collection', async () => {
    const threads = () => Number(/Threads:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
    // A few cycles first: freed memory that malloc keeps for reuse is then already counted in the start.
    for (let i = 0; i < 5; i++) {
      const warm = await NativeNer.load(CONLL_MODEL);
      await warm.extract(['Paris']);
      await warm.dispose();
    }
    const startThreads = threads();
    const startRss = process.memoryUsage().rss;
    for (let i = 0; i < 50; i++) {
      const ner = await NativeNer.load(CONLL_MODEL);
      await ner.extract(['John Smith lives in Paris.']);
      await ner.dispose();
    }
    expect(threads()).toBeLessThanOrEqual(startThreads + 2);
    // Each model kept until garbage collection held ~35 MB: 50 of them were 1.7 GB.
    expect(process.memoryUsage().rss - startRss).toBeLessThan(150 * 1024 * 1024);
  });

  it('aborts running calls too when disposed with abortRunning, instead of finishing them', async () => {
    const ner = await NativeNer.load(CONLL_MODEL);
    const started = performance.now();
    const running = ner.extract('. '.repeat(700), { stride: 509, batchTokens: 2048 });
    running.catch(() => undefined); // awaited below
    while (ner.stats().batches === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    await ner.dispose({ abortRunning: true });
    const e = await rejection(running);
    expect(e.code).toBe('ERR_DISPOSED');
    expect(e.message).toContain('abortRunning');
    // The call had ~190 windows to go; it stopped after the batch at hand.
    expect(ner.disposed).toBe(true);
    expect(performance.now() - started).toBeLessThan(4_000);
  });

  it('terminates a worker with hundreds of queued calls without running them', async () => {
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { NativeNer } = require(workerData.dist);
      (async () => {
        const ner = await NativeNer.load(workerData.model);
        const text = 'John Smith works for Acme Corporation in New York and Paris. '.repeat(8);
        const calls = Array.from({ length: 500 }, () => ner.extract(Array(20).fill(text)).catch(() => undefined));
        await calls[0];
        parentPort.postMessage('first call done');
        await Promise.all(calls);
      })();`;
    const worker = new Worker(source, {
      eval: true,
      workerData: { dist: join(__dirname, '..', 'dist', 'index.js'), model: CONLL_MODEL },
    });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    const started = performance.now();
    await worker.terminate();
    // Running the 499 calls left (10,000 texts of ~130 tokens) takes minutes here.
    expect(performance.now() - started).toBeLessThan(5_000);
    const ner = await NativeNer.load(CONLL_MODEL);
    expect((await ner.extract('Paris is nice.'))[0]?.text).toBe('Paris');
    await ner.dispose();
  });
});
