import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { NativeNer, readConll } from '../lib';
import { CONLL_MODEL, SHARED } from './helpers';

const DIST = join(__dirname, '..', 'dist', 'index.js');
const sentences = readConll(join(SHARED, 'datasets', 'conll2003', 'eng.testb')).sentences.map((s) => s.text);

/** A worker thread that loads the model, extracts `texts` and posts the spans back (or an error). */
function extractInWorker(texts: string[]): Worker {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { NativeNer } = require(workerData.dist);
    (async () => {
      const ner = await NativeNer.load(workerData.model);
      parentPort.postMessage({ started: true });
      const results = await ner.extract(workerData.texts);
      parentPort.postMessage({ spans: results.map((es) => es.map((e) => e.label + '@' + e.start + '-' + e.end)) });
      await ner.dispose();
    })().catch((e) => parentPort.postMessage({ error: e.code + ': ' + e.message }));`;
  return new Worker(source, { eval: true, workerData: { dist: DIST, model: CONLL_MODEL, texts } });
}

const spansOf = (results: { label: string; start: number; end: number }[][]) =>
  results.map((es) => es.map((e) => `${e.label}@${e.start}-${e.end}`));

describe('worker threads', () => {
  it('runs models in several worker threads and the main thread at once, each with correct results', async () => {
    const main = await NativeNer.load(CONLL_MODEL);
    const slices = [sentences.slice(0, 300), sentences.slice(300, 600), sentences.slice(600, 900)];
    const expected = await Promise.all(slices.map((s) => main.extract(s).then(spansOf)));

    const fromWorkers = slices.slice(0, 2).map(
      (texts) =>
        new Promise<string[][]>((resolve, reject) => {
          const worker = extractInWorker(texts);
          worker.on('message', (m: { spans?: string[][]; error?: string }) => {
            if (m.error) reject(new Error(m.error));
            if (m.spans) resolve(m.spans);
          });
          worker.on('error', reject);
        }),
    );
    const fromMain = main.extract(slices[2]).then(spansOf);
    const [a, b, c] = await Promise.all([...fromWorkers, fromMain]);
    expect(a).toEqual(expected[0]);
    expect(b).toEqual(expected[1]);
    expect(c).toEqual(expected[2]);
    await main.dispose();
  });

  it('survives a worker terminated while its call is in flight', async () => {
    const worker = extractInWorker(sentences.slice(0, 3000));
    await new Promise<void>((resolve) => worker.on('message', (m: { started?: boolean }) => m.started && resolve()));
    await new Promise((resolve) => setTimeout(resolve, 50)); // the extract call is now running natively
    const exitCode = await worker.terminate();
    expect(exitCode).toBe(1);
    // This process is intact and its own models still work.
    const ner = await NativeNer.load(CONLL_MODEL);
    expect((await ner.extract(['Paris is nice.']))[0][0]?.text).toBe('Paris');
    await ner.dispose();
  });
});
