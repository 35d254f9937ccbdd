// Bounded soaks: tens of thousands of calls, and load/dispose cycles with calls in flight. Memory and threads must
// plateau: what a long-running server does for days, compressed into seconds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NativeNer, readConll } from '../lib';
import { CONLL_MODEL, SHARED } from './helpers';

const sentences = readConll(join(SHARED, 'datasets', 'conll2003', 'eng.testb')).sentences.map((s) => s.text);
const threads = () => Number(/Threads:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
const rssMb = () => process.memoryUsage().rss / (1 << 20);

describe('soak', () => {
  it('keeps memory and threads flat over 20,000 calls, failing ones included', async () => {
    const ner = await NativeNer.load(CONLL_MODEL);
    const CALLS = 20_000;
    const IN_FLIGHT = 64;
    const checkpoints: { calls: number; rss: number; threads: number }[] = [];
    let next = 0;
    let failures = 0;
    let entities = 0;
    const caller = async () => {
      while (next < CALLS) {
        const i = next++;
        const text = sentences[i % sentences.length];
        if (i % 50 === 0) {
          // A failing call every so often: error paths must not leak either.
          await ner.extract([text], { maxTextLength: 1 }).catch(() => failures++);
        } else if (i % 7 === 0) {
          const { count } = await ner.extractColumns([text, '']);
          entities += count;
        } else {
          const found = await ner.extract(text);
          entities += found.length;
        }
        if ((i + 1) % 4_000 === 0) checkpoints.push({ calls: i + 1, rss: rssMb(), threads: threads() });
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, caller));
    await ner.dispose();

    expect(failures).toBe(CALLS / 50);
    expect(entities).toBeGreaterThan(CALLS); // CoNLL test sentences hold 1.6 entities each
    const warm = checkpoints[1]; // after 8,000 calls: pools and caches have grown to their working size
    const last = checkpoints[checkpoints.length - 1];
    expect(last.rss - warm.rss).toBeLessThan(40);
    expect(last.threads).toBe(warm.threads);
  });

  it('keeps memory and threads flat over load/dispose cycles with calls in flight', async () => {
    const cycle = async (i: number) => {
      const ner = i % 2 === 0 ? new NativeNer(CONLL_MODEL) : await NativeNer.load(CONLL_MODEL);
      const calls = sentences.slice(i * 40, i * 40 + 40).map((s) => ner.extract(s).catch((e: { code?: string }) => e.code));
      await calls[0];
      await ner.dispose(); // the rest are queued or running: cancelled or finished, never lost
      for (const outcome of await Promise.all(calls)) expect(Array.isArray(outcome) || outcome === 'ERR_DISPOSED').toBe(true);
    };
    for (let i = 0; i < 6; i++) await cycle(i);
    const startRss = rssMb();
    const startThreads = threads();
    for (let i = 6; i < 36; i++) await cycle(i);
    expect(threads()).toBeLessThanOrEqual(startThreads + 1);
    expect(rssMb() - startRss).toBeLessThan(120);
  });
});
