import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NativeNer, NerError, packUtf8, readConll, scoreDataset, type EntityColumns } from '../lib';
import { CONLL_MODEL, readJsonl, REFERENCE, SHARED, useModel, type PipelineLine } from './helpers';

const conll = readConll(join(SHARED, 'datasets', 'conll2003', 'eng.testb'));
// The reference's hand-written edge cases (emoji, CJK, combining marks, ...) and some news sentences.
const texts = [
  ...readJsonl<PipelineLine>(join(REFERENCE, 'pipeline-simple.jsonl'))
    .filter((l) => l.source === 'tricky')
    .map((l) => l.text),
  ...conll.sentences.slice(0, 400).map((s) => s.text),
];

/** Entity k of the columns as `label@start-end`, for comparing with extract's objects. */
function rows(columns: EntityColumns): string[][] {
  const out: string[][] = Array.from({ length: columns.offsets.length - 1 }, () => []);
  for (let k = 0; k < columns.count; k++) {
    out[columns.textIndex[k]].push(`${columns.labelNames[columns.labels[k]]}@${columns.starts[k]}-${columns.ends[k]}`);
  }
  return out;
}

describe('extractColumns: entities as typed arrays', () => {
  const model = useModel(CONLL_MODEL);

  it('gives exactly what extract gives, as columns', async () => {
    const ner = model();
    for (const options of [{}, { decoding: 'argmax', aggregation: 'none' }] as const) {
      const objects = await ner.extract(texts, options);
      const columns = await ner.extractColumns(texts, options);
      expect(columns.count).toBe(objects.flat().length);
      expect(rows(columns)).toEqual(objects.map((es) => es.map((e) => `${e.label}@${e.start}-${e.end}`)));
      expect(Array.from(columns.scores)).toEqual(objects.flat().map((e) => Math.fround(e.score)));
      // offsets and textIndex describe the same rows.
      for (let i = 0; i < texts.length; i++) {
        for (let k = columns.offsets[i]; k < columns.offsets[i + 1]; k++) expect(columns.textIndex[k]).toBe(i);
      }
    }
  });

  it('takes UTF-8 bytes with text boundaries and gives byte offsets within each text', async () => {
    const ner = model();
    const objects = await ner.extract(texts);
    const packed = packUtf8(texts);
    const columns = await ner.extractColumns(packed);
    expect(columns.count).toBe(objects.flat().length);
    const decoder = new TextDecoder();
    for (let k = 0; k < columns.count; k++) {
      const i = columns.textIndex[k];
      const text = packed.utf8.subarray(packed.offsets[i], packed.offsets[i + 1]);
      const entity = objects[i][k - columns.offsets[i]];
      expect(decoder.decode(text.subarray(columns.starts[k], columns.ends[k]))).toBe(entity.text);
    }
  });

  it('reads invalid UTF-8 as replacement characters and rejects bad boundaries', async () => {
    const ner = model();
    const utf8 = new Uint8Array([0x50, 0x61, 0x72, 0x69, 0x73, 0xff, 0xc3, 0x20, 0x42, 0x65, 0x72, 0x6c, 0x69, 0x6e]);
    const columns = await ner.extractColumns({ utf8, offsets: new Uint32Array([0, utf8.length]) });
    for (let k = 0; k < columns.count; k++) expect(columns.ends[k]).toBeLessThanOrEqual(utf8.length);
    await expect(ner.extractColumns({ utf8, offsets: new Uint32Array([0, 99]) })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
    await expect(ner.extractColumns({ utf8, offsets: new Uint32Array([5, 2]) })).rejects.toBeInstanceOf(NerError);
    await expect(ner.extractColumns({ utf8: 'Paris', offsets: [0, 5] } as never)).rejects.toThrowError(TypeError);
    const empty = await ner.extractColumns({ utf8: new Uint8Array(0), offsets: new Uint32Array([0]) });
    expect(empty.count).toBe(0);
    expect(Array.from(empty.offsets)).toEqual([0]);
  });
});

describe('int8 models run through the same path', () => {
  it('loads model_int8.onnx by name and scores within half a point of fp32 on CoNLL-2003 test', async () => {
    const int8 = await NativeNer.load(CONLL_MODEL, { modelFile: 'model_int8.onnx' });
    const fp32 = await NativeNer.load(CONLL_MODEL);
    try {
      expect(int8.info.modelPath).toMatch(/model_int8\.onnx$/);
      const sentences = conll.sentences.map((s) => s.text);
      const f1Int8 = scoreDataset(conll, await int8.extract(sentences)).overall.f1;
      const f1Fp32 = scoreDataset(conll, await fp32.extract(sentences)).overall.f1;
      expect(Math.abs(f1Int8 - f1Fp32)).toBeLessThan(0.005);
    } finally {
      await int8.dispose();
      await fp32.dispose();
    }
  });
});
