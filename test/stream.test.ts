// extractStream with the model, and `native-ner extract` streaming a large file. Its order, backpressure and error
// handling with a stand-in extractor, and readTexts, are in unit/stream.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readConll, type Entity } from '../lib';
import { CONLL_MODEL, runCli, SHARED, useModel } from './helpers';

const sentences = readConll(join(SHARED, 'datasets', 'conll2003', 'eng.testb')).sentences.map((s) => s.text);
const scratch = mkdtempSync(join(tmpdir(), 'native-ner-stream-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const spans = (entities: Entity[]) => entities.map((e) => `${e.label}@${e.start}-${e.end}`);

describe('extractStream', () => {
  const model = useModel(CONLL_MODEL);

  it('yields every text of an async source in input order, with the entities extract gives', async () => {
    const ner = model();
    const texts = sentences.slice(0, 1500);
    async function* source() {
      for (const t of texts) yield t;
    }
    const streamed = [];
    for await (const result of ner.extractStream(source(), { chunkSize: 100 })) streamed.push(result);
    const direct = await ner.extract(texts);
    expect(streamed.map((r) => r.index)).toEqual(texts.map((_, i) => i));
    expect(streamed.map((r) => r.text)).toEqual(texts);
    expect(streamed.map((r) => spans(r.entities))).toEqual(direct.map(spans));
  });

  it('reads the source only as results are taken (backpressure) and stops it on an early exit', async () => {
    const ner = model();
    let pulled = 0;
    let stopped = false;
    function* endless() {
      try {
        for (let i = 0; ; i++) {
          pulled++;
          yield sentences[i % sentences.length];
        }
      } finally {
        stopped = true;
      }
    }
    let taken = 0;
    for await (const _ of ner.extractStream(endless(), { chunkSize: 10, concurrency: 2 })) {
      // Held beyond what was taken: the chunk being handed out and the two in flight, 30 texts at most.
      expect(pulled - taken).toBeLessThanOrEqual(30);
      if (++taken === 25) break;
    }
    expect(stopped).toBe(true);
    expect(pulled).toBeLessThanOrEqual(25 + 30);
  });

  it('fails the stream for a non-string text and rejects bad chunk sizes', async () => {
    const ner = model();
    const bad = (async function* () {
      yield 'Paris';
      yield 42 as unknown as string;
    })();
    await expect(async () => {
      for await (const _ of ner.extractStream(bad)) void _;
    }).rejects.toThrowError(/text 1 of the stream is not a string/);
    await expect(async () => {
      for await (const _ of ner.extractStream(['x'], { chunkSize: 0 })) void _;
    }).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });
});

describe('native-ner extract streams files', () => {
  it('prints one line per input line, in order, for a JSON-lines file of thousands of texts', () => {
    const texts = sentences.slice(0, 2000);
    const file = join(scratch, 'corpus.jsonl');
    writeFileSync(file, texts.map((t, i) => JSON.stringify({ id: i, text: t })).join('\n') + '\n');
    const run = runCli(['extract', '--model', CONLL_MODEL, file]);
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.text)).toEqual(texts);
  });
});
