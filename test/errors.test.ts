import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NativeNer, NerError, Tokenizer } from '../lib';
import { CONLL_MODEL, linkedModelDir, loadError, useModel } from './helpers';

const scratch = mkdtempSync(join(tmpdir(), 'native-ner-errors-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A model directory of links to the real model, with some files replaced (content) or left out (null). */
const modelDir = (name: string, replace: Record<string, string | Buffer | null>) =>
  linkedModelDir(scratch, name, CONLL_MODEL, replace);

const config = JSON.parse(readFileSync(join(CONLL_MODEL, 'config.json'), 'utf8'));

describe('loading a model reports what is wrong with it', () => {
  it('rejects a missing directory with ERR_MODEL_NOT_FOUND', async () => {
    const e = await loadError(join(scratch, 'does-not-exist'));
    expect(e.code).toBe('ERR_MODEL_NOT_FOUND');
    expect(e.message).toContain('does-not-exist');
  });

  it('rejects a directory without tokenizer.json, naming the file', async () => {
    const e = await loadError(modelDir('no-tokenizer', { 'tokenizer.json': null }));
    expect(e.code).toBe('ERR_MODEL_NOT_FOUND');
    expect(e.message).toContain('tokenizer.json');
  });

  it('rejects a directory without an ONNX file', async () => {
    const e = await loadError(modelDir('no-onnx', { 'model.onnx': null }));
    expect(e.code).toBe('ERR_MODEL_NOT_FOUND');
    expect(e.message).toContain('model.onnx');
  });

  it('rejects a corrupt ONNX file with ERR_INVALID_MODEL', async () => {
    const e = await loadError(modelDir('corrupt-onnx', { 'model.onnx': Buffer.from('this is not a protobuf at all') }));
    expect(e.code).toBe('ERR_INVALID_MODEL');
    expect(e.message).toContain('model.onnx');
  });

  it('rejects a config.json without id2label', async () => {
    const { id2label: _drop, ...rest } = config;
    const e = await loadError(modelDir('no-labels', { 'config.json': JSON.stringify(rest) }));
    expect(e.code).toBe('ERR_INVALID_MODEL');
    expect(e.message).toContain('id2label');
  });

  it('rejects labels that do not match the model output width', async () => {
    const five = { ...config, id2label: { 0: 'O', 1: 'B-PER', 2: 'I-PER', 3: 'B-LOC', 4: 'I-LOC' } };
    const e = await loadError(modelDir('label-mismatch', { 'config.json': JSON.stringify(five) }));
    expect(e.code).toBe('ERR_INVALID_MODEL');
    expect(e.message).toMatch(/5 labels.*9 scores/);
  });

  it('rejects malformed JSON and unsupported tokenizers with ERR_INVALID_MODEL', async () => {
    const broken = await loadError(modelDir('broken-json', { 'config.json': '{"id2label": {"0": "O",' }));
    expect(broken.code).toBe('ERR_INVALID_MODEL');
    // A real tokenizer.json with a stage native-ner does not implement: refused, naming it.
    const tokenizer = JSON.parse(readFileSync(join(CONLL_MODEL, 'tokenizer.json'), 'utf8'));
    const digits = { ...tokenizer, pre_tokenizer: { type: 'Digits', individual_digits: true } };
    const unsupported = await loadError(modelDir('digits', { 'tokenizer.json': JSON.stringify(digits) }));
    expect(unsupported.code).toBe('ERR_INVALID_MODEL');
    expect(unsupported.message).toMatch(/unsupported.*pre_tokenizer "Digits"/);
    const wordLevel = { ...tokenizer, model: { type: 'WordLevel', vocab: { a: 0 }, unk_token: 'a' } };
    const model = await loadError(modelDir('word-level', { 'tokenizer.json': JSON.stringify(wordLevel) }));
    expect(model.code).toBe('ERR_INVALID_MODEL');
    expect(model.message).toMatch(/unsupported.*model "WordLevel"/);
  });

  it('throws the same errors from the synchronous constructor', () => {
    expect(() => new NativeNer(join(scratch, 'nowhere'))).toThrowError(NerError);
    expect(() => Tokenizer.fromFile(join(scratch, 'nowhere.json'))).toThrowError(/nowhere\.json/);
  });

  it('reports an ONNX Runtime library that cannot be loaded, without crashing the process', () => {
    // The runtime is loaded once per process, so this needs a fresh one.
    const script = `
      const { NativeNer } = require(${JSON.stringify(join(__dirname, '..', 'dist', 'index.js'))});
      NativeNer.load(${JSON.stringify(CONLL_MODEL)}, { ortLibraryPath: '/nonexistent/libonnxruntime.so.1' })
        .then(() => console.log('loaded'), (e) => console.log(e.name + ' ' + e.code));`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe('NerError ERR_RUNTIME_UNAVAILABLE');
  });
});

describe('calls report bad arguments and never crash', () => {
  const model = useModel(CONLL_MODEL);

  it('rejects non-array, non-string input with a TypeError', async () => {
    const ner = model();
    await expect(ner.extract(42 as unknown as string[])).rejects.toThrowError(TypeError);
    await expect(ner.extract([{}] as unknown as string[])).rejects.toThrowError(/texts\[0\] must be a string/);
    await expect(ner.extract(['ok', null] as unknown as string[])).rejects.toThrowError(TypeError);
    expect(() => ner.tokenize(5 as unknown as string)).toThrowError(TypeError);
  });

  it('rejects unknown options and out-of-range values with ERR_INVALID_ARGUMENT', async () => {
    const ner = model();
    await expect(ner.extract(['x'], { agregation: 'simple' } as never)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
    await expect(ner.extract(['x'], { aggregation: 'fancy' } as never)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
    await expect(ner.extract(['x'], { batchSize: 0 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(NativeNer.load(CONLL_MODEL, { threads: 2 } as never)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });

  it('gives [] for empty and blank texts and for an empty list', async () => {
    const ner = model();
    expect(await ner.extract(['', '   ', '\n'])).toEqual([[], [], []]);
    expect(await ner.extract([])).toEqual([]);
  });

  it('rejects a text over maxTextLength with ERR_TEXT_TOO_LONG and stays usable', async () => {
    const ner = model();
    const error = await ner.extract(['short', 'Berlin '.repeat(600)], { maxTextLength: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NerError);
    expect(error).toMatchObject({ code: 'ERR_TEXT_TOO_LONG' });
    expect((error as Error).message).toMatch(/text 1 has 4200 UTF-16 units, over maxTextLength 1000/);
    expect((await ner.extract(['Paris']))[0][0]?.text).toBe('Paris');
  });
});

describe('dispose', () => {
  it('lets a running call finish, rejects queued ones, then fails later calls with ERR_DISPOSED', async () => {
    const ner = await NativeNer.load(CONLL_MODEL);
    const running = ner.extract(Array.from({ length: 400 }, () => 'John Smith lives in London.'));
    while (ner.stats().batches === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    const queued = Array.from({ length: 20 }, () => ner.extract(['Paris is nice.']).catch((e: unknown) => e));
    await ner.dispose();
    const results = await running;
    expect(results).toHaveLength(400);
    expect(results[399].map((e) => e.text)).toContain('London');
    // Queued calls are rejected, not run (one the runner reached first would finish whole).
    const outcomes = await Promise.all(queued);
    expect(outcomes[19]).toMatchObject({ name: 'NerError', code: 'ERR_DISPOSED' });
    for (const outcome of outcomes) {
      if (Array.isArray(outcome)) expect(outcome[0][0]?.text).toBe('Paris');
      else expect(outcome).toMatchObject({ code: 'ERR_DISPOSED' });
    }
    await expect(ner.extract(['Paris'])).rejects.toMatchObject({ name: 'NerError', code: 'ERR_DISPOSED' });
    expect(() => ner.tokenize('Paris')).toThrowError(/disposed/);
    await ner.dispose(); // a second dispose is harmless
    expect(ner.disposed).toBe(true);
  });
});
