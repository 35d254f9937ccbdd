import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NativeNer, readConll, readTexts, type Entity } from '../lib';
import { CONLL_MODEL, SHARED } from './helpers';

const sentences = readConll(join(SHARED, 'datasets', 'conll2003', 'eng.testb')).sentences.map((s) => s.text);
const scratch = mkdtempSync(join(tmpdir(), 'native-ner-stream-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const spans = (entities: Entity[]) => entities.map((e) => `${e.label}@${e.start}-${e.end}`);

describe('extractStream', () => {
  let ner: NativeNer;
  beforeAll(async () => {
    ner = await NativeNer.load(CONLL_MODEL);
  });
  afterAll(() => ner.dispose());

  it('yields every text of an async source in input order, with the entities extract gives', async () => {
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
});

describe('native-ner extract streams files', () => {
  it('prints one line per input line, in order, for a JSON-lines file of thousands of texts', () => {
    const texts = sentences.slice(0, 2000);
    const file = join(scratch, 'corpus.jsonl');
    writeFileSync(file, texts.map((t, i) => JSON.stringify({ id: i, text: t })).join('\n') + '\n');
    const cli = join(__dirname, '..', 'dist', 'cli.js');
    const run = spawnSync(process.execPath, [cli, 'extract', '--model', CONLL_MODEL, file], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.text)).toEqual(texts);
  });
});
