// extractStream with a stand-in extractor (order, backpressure, errors, stopping the source) and readTexts. No model.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { NerError } from '../../lib/errors';
import type { Entity } from '../../lib/ner';
import type { ExtractOptions } from '../../lib/options';
import { extractStream, readTexts, type StreamExtractor, type StreamResult } from '../../lib/stream';

const scratch = mkdtempSync(join(tmpdir(), 'native-ner-unit-stream-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** One entity per text, over all of it, labelled with the text: results show which text they belong to. */
const entityOf = (text: string): Entity => ({ label: text, start: 0, end: text.length, text, score: 1 });

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/**
 * A stand-in model: records each call, answers after `delay(callIndex)` ticks (so later calls can finish first),
 * or fails the calls `fail` names.
 */
function fakeExtractor(options: { delay?: (call: number) => number; fail?: (call: number) => boolean } = {}) {
  const calls: { texts: string[]; options?: ExtractOptions }[] = [];
  let running = 0;
  let mostRunning = 0;
  const extractor: StreamExtractor = {
    async extract(texts, extractOptions) {
      const call = calls.length;
      calls.push({ texts, options: extractOptions });
      running++;
      mostRunning = Math.max(mostRunning, running);
      try {
        for (let i = 0; i < (options.delay?.(call) ?? 0); i++) await tick();
        if (options.fail?.(call)) throw new NerError('ERR_TEXT_TOO_LONG', `call ${call} failed`);
        return texts.map((t) => [entityOf(t)]);
      } finally {
        running--;
      }
    },
  };
  return { extractor, calls, mostRunning: () => mostRunning };
}

async function collect(stream: AsyncIterable<StreamResult>): Promise<StreamResult[]> {
  const results: StreamResult[] = [];
  for await (const result of stream) results.push(result);
  return results;
}

const texts = (n: number) => Array.from({ length: n }, (_, i) => `text ${i}`);

describe('extractStream', () => {
  it('yields every text in input order with its own entities, although later chunks finish first', async () => {
    const fake = fakeExtractor({ delay: (call) => (call % 3 === 0 ? 6 : 1) });
    const input = texts(95);
    const results = await collect(extractStream(fake.extractor, input, { chunkSize: 10, concurrency: 3 }));
    expect(results.map((r) => r.index)).toEqual(input.map((_, i) => i));
    expect(results.map((r) => r.text)).toEqual(input);
    expect(results.map((r) => r.entities)).toEqual(input.map((t) => [entityOf(t)]));
    expect(fake.calls.map((c) => c.texts.length)).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 5]);
    expect(fake.mostRunning()).toBe(3);
  });

  it('reads async sources too, and gives nothing for an empty one without calling the model', async () => {
    async function* source() {
      for (const t of texts(7)) {
        await tick();
        yield t;
      }
    }
    const fake = fakeExtractor();
    expect((await collect(extractStream(fake.extractor, source(), { chunkSize: 3 }))).map((r) => r.text)).toEqual(texts(7));
    const empty = fakeExtractor();
    expect(await collect(extractStream(empty.extractor, []))).toEqual([]);
    expect(empty.calls).toEqual([]);
  });

  it('passes extract options through and keeps its own: chunks of 256, two in flight, by default', async () => {
    const fake = fakeExtractor({ delay: () => 2 });
    await collect(extractStream(fake.extractor, texts(600), { aggregation: 'max', labels: ['PER'] }));
    expect(fake.calls.map((c) => c.texts.length)).toEqual([256, 256, 88]);
    expect(fake.calls.map((c) => c.options)).toEqual(Array(3).fill({ aggregation: 'max', labels: ['PER'] }));
    expect(fake.mostRunning()).toBe(2);
  });

  it('reads the source only as results are taken, holding at most chunkSize × (concurrency + 1) texts', async () => {
    for (const [chunkSize, concurrency] of [[10, 2], [1, 1], [7, 4]]) {
      let pulled = 0;
      function* endless() {
        for (let i = 0; ; i++) {
          pulled++;
          yield `text ${i}`;
        }
      }
      const fake = fakeExtractor({ delay: () => 1 });
      const stream = extractStream(fake.extractor, endless(), { chunkSize, concurrency });
      expect(pulled).toBe(0); // nothing is read before the first result is asked for
      const bound = chunkSize * (concurrency + 1);
      let held = 0;
      for (let taken = 0; taken < 200; taken++) {
        const step = await stream.next();
        expect(step.done).toBe(false);
        expect((step.value as StreamResult).index).toBe(taken);
        held = Math.max(held, pulled - (taken + 1));
        expect(pulled - (taken + 1), `chunkSize ${chunkSize}, concurrency ${concurrency}`).toBeLessThanOrEqual(bound);
        // A slow consumer: the model is done long before the next result is taken; reading still waits for it.
        await tick();
      }
      expect(held).toBeGreaterThan(chunkSize * concurrency - 1); // the chunks in flight are read ahead
      expect(fake.mostRunning()).toBeLessThanOrEqual(concurrency);
      await stream.return(undefined);
    }
  });

  it('calls the source iterator.return when the consumer stops early, and not when the source ran out', async () => {
    let returned = 0;
    let next = 0;
    const source: Iterable<string> = {
      [Symbol.iterator]: () => ({
        next: () => ({ done: false, value: `text ${next++}` }),
        return: () => {
          returned++;
          return { done: true, value: undefined };
        },
      }),
    };
    const fake = fakeExtractor();
    for await (const result of extractStream(fake.extractor, source, { chunkSize: 4, concurrency: 2 })) {
      if (result.index === 5) break;
    }
    expect(returned).toBe(1);

    let asyncReturned = 0;
    const asyncSource: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => ({ done: false, value: 'x' }),
        return: async () => {
          asyncReturned++;
          return { done: true, value: undefined };
        },
      }),
    };
    const stream = extractStream(fakeExtractor().extractor, asyncSource, { chunkSize: 2 });
    await stream.next();
    await stream.return(undefined);
    expect(asyncReturned).toBe(1);

    let finished = 0;
    const finite: Iterable<string> = {
      [Symbol.iterator]: () => {
        let i = 0;
        return {
          next: () => (i < 3 ? { done: false, value: `t${i++}` } : { done: true, value: undefined }),
          return: () => {
            finished++;
            return { done: true, value: undefined };
          },
        };
      },
    };
    expect(await collect(extractStream(fakeExtractor().extractor, finite))).toHaveLength(3);
    expect(finished).toBe(0);
  });

  it('surfaces a failed chunk in order, after the results before it, and stops the source', async () => {
    let stopped = false;
    function* source() {
      try {
        for (let i = 0; ; i++) yield `text ${i}`;
      } finally {
        stopped = true;
      }
    }
    // Chunk 2 fails at once while chunk 1 is still running: its error waits for chunk 1's results.
    const fake = fakeExtractor({ delay: (call) => (call === 1 ? 8 : 0), fail: (call) => call === 2 });
    const seen: number[] = [];
    const error = await (async () => {
      for await (const result of extractStream(fake.extractor, source(), { chunkSize: 5, concurrency: 3 })) seen.push(result.index);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NerError);
    expect((error as NerError).message).toBe('call 2 failed');
    expect(seen).toEqual(texts(10).map((_, i) => i));
    expect(stopped).toBe(true);
  });

  it('surfaces an error of the source, after the results read before it', async () => {
    function* source() {
      yield* texts(4);
      throw new Error('disk gone');
    }
    const seen: string[] = [];
    const run = async () => {
      for await (const result of extractStream(fakeExtractor().extractor, source(), { chunkSize: 2, concurrency: 1 })) seen.push(result.text);
    };
    await expect(run()).rejects.toThrow('disk gone');
    expect(seen.length).toBeLessThanOrEqual(4);
  });

  it('refuses a non-string text, a string source and bad chunk settings', async () => {
    const take = (source: unknown, options?: object) => collect(extractStream(fakeExtractor().extractor, source as string[], options));
    await expect(take(['Paris', 42])).rejects.toThrow(new TypeError('text 1 of the stream is not a string'));
    await expect(take('Paris')).rejects.toThrow(/not one string/);
    await expect(take(5)).rejects.toThrow(/iterable or async iterable of strings/);
    await expect(take(null)).rejects.toThrow(/iterable or async iterable of strings/);
    for (const options of [{ chunkSize: 0 }, { concurrency: 0 }, { chunkSize: 1.5 }, { concurrency: 1025 }]) {
      await expect(take(['x'], options)).rejects.toMatchObject({ name: 'NerError', code: 'ERR_INVALID_ARGUMENT' });
    }
    await expect(take(['x'], { chunkSize: '5' })).rejects.toThrow(TypeError);
  });
});

// Moved from stream.test.ts: readTexts needs no model.
describe('readTexts', () => {
  it('reads plain lines, and JSON lines of strings or objects with text', async () => {
    const plain = [];
    for await (const t of readTexts(Readable.from(['Paris\n\nBerlin\n']))) plain.push(t);
    expect(plain).toEqual(['Paris', '', 'Berlin']);
    const file = join(scratch, 'texts.jsonl');
    writeFileSync(file, '"Paris is nice."\n\n{"text": "Angela Merkel spoke.", "id": 7}\n');
    const jsonl = [];
    for await (const t of readTexts(file, 'jsonl')) jsonl.push(t);
    expect(jsonl).toEqual(['Paris is nice.', 'Angela Merkel spoke.']);
  });

  it('names the line of a JSON-lines input that has no text', async () => {
    const lines = readTexts(Readable.from(['"ok"\n{"body": "x"}\n']), 'jsonl');
    await expect(async () => {
      for await (const _ of lines) void _;
    }).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(/line 2/) });
  });

  it('reads CRLF files and names a line that is not JSON', async () => {
    const file = join(scratch, 'crlf.txt');
    writeFileSync(file, 'Paris\r\nBerlin\r\n');
    const lines = [];
    for await (const t of readTexts(file)) lines.push(t);
    expect(lines).toEqual(['Paris', 'Berlin']);
    await expect(async () => {
      for await (const _ of readTexts(Readable.from(['"a"\n{oops\n']), 'jsonl')) void _;
    }).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: 'line 2 is not valid JSON' });
  });
});
