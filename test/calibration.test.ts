// Temperature scaling with the CoNLL model: a temperature fitted on some dev sentences lowers the NLL of others;
// the engine applies a calibration file exactly as fitted (scores equal softmax(logits / T)) without changing
// argmax entities; 'none' and the default file beside the model; malformed files, unknown labels and span models
// refused; `native-ner calibrate` writes files that load, and `eval --reliability` draws the diagram.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NativeNer } from '../lib';
import { collectTokens, fitTokens, nllAndGradient, nllAtTemperature, type DatasetTokens } from '../lib/calibration';
import { readConll, type Dataset } from '../lib/eval';
import { CONLL_MODEL, linkedModelDir, runCli, SHARED, useModel } from './helpers';

const DEV = join(SHARED, 'datasets', 'conll2003', 'eng.testa');
const SPAN_MODEL = join(SHARED, 'models', 'genia-span-small');

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'native-ner-calibration-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const dev = readConll(DEV);
const slice = (from: number, to: number): Dataset => ({ ...dev, sentences: dev.sentences.slice(from, to) });

/** A temperature file in the scratch directory. */
function calibrationFile(name: string, content: unknown): string {
  const path = join(scratch, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('the fit on CoNLL-2003 dev sentences', () => {
  const model = useModel(CONLL_MODEL, { calibration: 'none', intraOpThreads: 1 });
  let fitOn: DatasetTokens;
  let heldOut: DatasetTokens;
  beforeAll(async () => {
    fitOn = await collectTokens(model(), slice(0, 300));
    heldOut = await collectTokens(model(), slice(1500, 1800));
  });

  it('lowers the NLL of held-out sentences, with one temperature and with one per label', () => {
    const fit = fitTokens(fitOn, true);
    expect(fit.single.nllAfter).toBeLessThan(fit.single.nllBefore);
    // The model is overconfident: the fitted temperature is above 1.
    expect(fit.single.temperature).toBeGreaterThan(1);
    const before = nllAtTemperature(heldOut, 1);
    expect(nllAtTemperature(heldOut, fit.single.temperature)).toBeLessThan(before);
    expect(nllAndGradient(heldOut, fit.perLabel!.temperatures).nll).toBeLessThan(before);
  });

  it("gives each token a tag of the model's labels, matching the model's own argmax on most tokens", () => {
    const { logits, gold, labels } = heldOut;
    let agree = 0;
    for (let n = 0; n < gold.length; n++) {
      let best = 0;
      for (let k = 1; k < labels; k++) if (logits[n * labels + k] > logits[n * labels + best]) best = k;
      if (best === gold[n]) agree++;
    }
    // A misaligned gold tag (a word's tag on the wrong token) would drop this far below the model's token accuracy.
    expect(agree / gold.length).toBeGreaterThan(0.9);
  });
});

describe('a calibration file applied by the engine', () => {
  const raw = useModel(CONLL_MODEL, { calibration: 'none', intraOpThreads: 1 });
  const texts = slice(0, 200).sentences.map((s) => s.text);
  const T = 1.8;

  it('divides the logits by the temperature before the softmax: argmax entities the same, scores softmax(z / T)', async () => {
    const path = calibrationFile('single.json', { temperature: T, fitted_on: 'ignored by the engine' });
    const calibrated = await NativeNer.load(CONLL_MODEL, { calibration: path, intraOpThreads: 1 });
    try {
      expect(calibrated.info.calibration).toBe(path);
      expect(raw().info.calibration).toBeUndefined();
      // Token by token (aggregation none) and by first subword: one temperature keeps every token's best tag.
      for (const aggregation of ['none', 'first'] as const) {
        const before = await raw().extract(texts, { decoding: 'argmax', aggregation });
        const after = await calibrated.extract(texts, { decoding: 'argmax', aggregation });
        const spans = (r: typeof before) => r.map((es) => es.map(({ start, end, label }) => ({ start, end, label })));
        expect(spans(after)).toEqual(spans(before));
        const changed = after.flat().filter((e, i) => Math.abs(e.score - before.flat()[i].score) > 1e-4).length;
        expect(changed).toBeGreaterThan(after.flat().length * 0.9);
      }
      // Each token entity's score is its tag's probability under softmax(logits / T).
      const scores = await raw().tokenScores(texts.slice(0, 50));
      const entities = await calibrated.extract(texts.slice(0, 50), { decoding: 'argmax', aggregation: 'none' });
      let checked = 0;
      entities.forEach((list, i) => {
        const { starts, logits, labels } = scores[i];
        for (const entity of list) {
          const t = starts.indexOf(entity.start);
          const row = Array.from(logits.subarray(t * labels.length, (t + 1) * labels.length), (z) => z / T);
          const max = Math.max(...row);
          const total = row.reduce((s, z) => s + Math.exp(z - max), 0);
          const k = row.indexOf(max);
          expect(labels[k]).toBe(entity.label); // aggregation none labels a token by its whole tag
          expect(entity.score).toBeCloseTo(Math.exp(row[k] - max) / total, 5);
          checked++;
        }
      });
      expect(checked).toBeGreaterThan(50);
    } finally {
      await calibrated.dispose();
    }
  });

  it("applies calibration.json beside the model by default, and 'none' turns it off", async () => {
    const dir = linkedModelDir(scratch, 'with-calibration', CONLL_MODEL);
    writeFileSync(join(dir, 'calibration.json'), JSON.stringify({ temperature: 3 }));
    const byDefault = await NativeNer.load(dir, { intraOpThreads: 1 });
    const off = await NativeNer.load(dir, { calibration: 'none', intraOpThreads: 1 });
    try {
      expect(byDefault.info.calibration).toBe(join(dir, 'calibration.json'));
      expect(off.info.calibration).toBeUndefined();
      const text = [texts[0]];
      const plain = (await raw().extract(text, { decoding: 'argmax', aggregation: 'first' }))[0];
      expect((await off.extract(text, { decoding: 'argmax', aggregation: 'first' }))[0]).toEqual(plain);
      const scaled = (await byDefault.extract(text, { decoding: 'argmax', aggregation: 'first' }))[0];
      expect(scaled.map((e) => e.label)).toEqual(plain.map((e) => e.label));
      // T = 3 flattens every distribution: each best tag's probability falls.
      scaled.forEach((e, i) => expect(e.score).toBeLessThan(plain[i].score));
    } finally {
      await byDefault.dispose();
      await off.dispose();
    }
  });

  it.each([
    ['malformed JSON', '{"temperature": 1.5'],
    ['a temperature of zero', { temperature: 0 }],
    ['a negative label temperature', { temperature: 1, temperatures: { 'B-PER': -2 } }],
    ['a label the model does not have', { temperature: 1, temperatures: { 'B-DATE': 1.2 } }],
  ])('refuses %s with ERR_INVALID_MODEL naming the file', async (name, content) => {
    const path = calibrationFile(`bad-${name.replace(/\W+/g, '-')}.json`, content);
    await expect(NativeNer.load(CONLL_MODEL, { calibration: path })).rejects.toMatchObject({
      code: 'ERR_INVALID_MODEL',
      message: expect.stringContaining(path),
    });
  });

  it('is refused for a span model (ERR_INVALID_ARGUMENT), and so is fitting one', async () => {
    const path = calibrationFile('for-span.json', { temperature: 2 });
    await expect(NativeNer.load(SPAN_MODEL, { calibration: path })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    const span = await NativeNer.load(SPAN_MODEL, { intraOpThreads: 1 });
    try {
      await expect(collectTokens(span, slice(0, 5))).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    } finally {
      await span.dispose();
    }
  });
});

describe('native-ner calibrate and eval --reliability', () => {
  /** The first `count` sentences of the dev file, as a CoNLL file of their own. */
  function devHead(count: number): string {
    const path = join(scratch, `dev-${count}.conll`);
    const blocks = readFileSync(DEV, 'utf8').split(/\n\s*\n/).filter((b) => !b.startsWith('-DOCSTART-'));
    writeFileSync(path, blocks.slice(0, count).join('\n\n') + '\n');
    return path;
  }

  it('writes DIR/calibration.json, which the model then loads, with the NLL it printed', () => {
    const dir = linkedModelDir(scratch, 'cli-default', CONLL_MODEL);
    const conll = devHead(150);
    const run = runCli(['calibrate', '--model', dir, '--conll', conll, '--threads', '1']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const written = JSON.parse(readFileSync(join(dir, 'calibration.json'), 'utf8'));
    expect(written).toMatchObject({ method: 'single', fitted_on: conll, sentences: 150 });
    expect(written.temperatures).toBeUndefined();
    expect(written.nll_after).toBeLessThan(written.nll_before);
    expect(run.stdout).toContain(`T = ${written.temperature.toFixed(4)}: NLL ${written.nll_after.toFixed(4)}`);
    expect(run.stdout).toContain(`wrote ${join(dir, 'calibration.json')}`);
    const info = runCli(['extract', '--model', dir, 'Angela Merkel visited Paris .']);
    expect(info.status).toBe(0);
  });

  it('writes per-label temperatures to --out, and eval with them writes a reliability diagram', async () => {
    const conll = devHead(150);
    const out = join(scratch, 'per-label.json');
    const run = runCli(['calibrate', '--model', CONLL_MODEL, '--conll', conll, '--per-label', '--out', out, '--threads', '1']);
    expect(run.status).toBe(0);
    const written = JSON.parse(readFileSync(out, 'utf8'));
    expect(written.method).toBe('per-label');
    const ner = await NativeNer.load(CONLL_MODEL, { calibration: out, intraOpThreads: 1 });
    try {
      expect(Object.keys(written.temperatures)).toEqual(ner.info.labels);
      expect(ner.info.calibration).toBe(out);
    } finally {
      await ner.dispose();
    }
    const svg = join(scratch, 'reliability.svg');
    const evaluation = runCli(['eval', '--model', CONLL_MODEL, '--conll', conll, '--calibration', out, '--reliability', svg, '--threads', '1']);
    expect(evaluation.status).toBe(0);
    const line = /ECE (\d\.\d{4}), MCE (\d\.\d{4})/.exec(evaluation.stdout);
    expect(line).not.toBeNull();
    expect(existsSync(svg)).toBe(true);
    const drawn = readFileSync(svg, 'utf8');
    expect(drawn).toContain(`ECE ${line![1]}, MCE ${line![2]}`);
    expect(drawn).toContain('dev-150.conll, conll03-bert-small, calibration per-label.json<');
  });

  it('refuses a missing --conll, and --reliability with --pii (usage errors, exit 2)', () => {
    expect(runCli(['calibrate', '--model', CONLL_MODEL]).status).toBe(2);
    expect(runCli(['eval', '--model', CONLL_MODEL, '--pii', DEV, '--reliability', join(scratch, 'x.svg')]).status).toBe(2);
  });
});
