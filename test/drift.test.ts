// Drift monitoring with the models: a Monitor counts calls natively without changing their results; profiles merge;
// and the validation of docs/monitoring.md: CoNLL-2003 dev against test does not alert, GENIA texts and lowercased
// CoNLL test through the CoNLL model do, on the signals one would expect.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NativeNer, packUtf8, readConll, readGenia } from '../lib';
import { compareProfiles, DEFAULT_THRESHOLDS, type DriftReport } from '../lib/drift/compare';
import { checkBaseline, type Profile } from '../lib/drift/profile';
import { profileTexts } from '../lib/drift/profiling';
import { Monitor } from '../lib/monitoring';
import { CONLL_MODEL, runCli, SHARED, startServe, useModel } from './helpers';

const ner = useModel(CONLL_MODEL);

const TEXTS = [
  'Angela Merkel met Emmanuel Macron in Paris on Monday.',
  'The European Union and Germany signed it.',
  '',
  'Zoë Ng visited 東京 with 😀 friends from Reuters.',
];

describe('a Monitor on extract calls', () => {
  it('counts each call once it is done: texts, entities by label, lengths in code points, text signals', async () => {
    const monitor = new Monitor();
    const plain = await ner().extract(TEXTS);
    const monitored = await ner().extract(TEXTS, { monitor });
    expect(monitored).toEqual(plain); // results do not change, and carry no signals the call did not ask for
    const p = monitor.snapshot();
    expect(p.texts).toBe(TEXTS.length);
    expect(p.signalTexts).toBe(TEXTS.length);
    const entities = plain.flat();
    expect(p.entities).toBe(entities.length);
    const byLabel: Record<string, number> = {};
    for (const e of entities) byLabel[e.label] = (byLabel[e.label] ?? 0) + 1;
    expect(Object.fromEntries(Object.entries(p.labels).map(([l, c]) => [l, c.entities]))).toEqual(byLabel);
    const lengthSum = entities.reduce((s, e) => s + [...e.text].length, 0);
    const counted = Object.values(p.labels).reduce((s, l) => s + l.length.sum, 0);
    expect(counted).toBe(lengthSum);
    const scoreSum = entities.reduce((s, e) => s + e.score, 0);
    expect(Object.values(p.labels).reduce((s, l) => s + l.score.sum, 0)).toBeCloseTo(scoreSum, 4);
    expect(p.textLength.sum).toBe(TEXTS.reduce((s, t) => s + [...t].length, 0));
    // The empty text has no tokens: no entropy; the others have one each.
    expect(p.tokenEntropy.counts.reduce((s, c) => s + c, 0)).toBe(TEXTS.length - 1);
    expect(p.tokens).toBeGreaterThan(20);
  });

  it('gives the same profile for UTF-8 input and with the confidence columns asked for, and counts segmented calls', async () => {
    const strings = new Monitor();
    const bytes = new Monitor();
    await ner().extract(TEXTS, { monitor: strings });
    const columns = await ner().extractColumns(packUtf8(TEXTS), { monitor: bytes });
    expect(columns.count).toBeGreaterThan(0);
    expect(bytes.snapshot()).toEqual(strings.snapshot());
    const withConfidence = new Monitor();
    const confident = await ner().extract(TEXTS, { monitor: withConfidence, confidence: true });
    expect(confident.flat().every((e) => typeof e.minProb === 'number')).toBe(true);
    expect(withConfidence.snapshot()).toEqual(strings.snapshot());
    // Segmented, a text of two sentences is two model inputs: it counts as a text that needed several windows.
    const segmented = new Monitor();
    const texts = ['Angela Merkel met Emmanuel Macron. They spoke in Paris on Monday.', 'Reuters reported it.'];
    const found = await ner().extract(texts, { monitor: segmented, segment: 'sentences' });
    const p = segmented.snapshot();
    expect([p.texts, p.entities, p.multiWindowTexts]).toEqual([2, found.flat().length, 1]);
  });

  it('adds concurrent calls, merges monitors and profiles, and take() empties it in one step', async () => {
    const monitor = new Monitor();
    await Promise.all([ner().extract(TEXTS, { monitor }), ner().extract(TEXTS, { monitor }), ner().extract(TEXTS.slice(0, 2), { monitor })]);
    expect(monitor.snapshot().texts).toBe(2 * TEXTS.length + 2);
    const other = new Monitor();
    other.merge(monitor);
    other.merge(monitor.snapshot());
    expect(other.snapshot().texts).toBe(2 * monitor.snapshot().texts);
    const taken = monitor.take();
    expect(taken.texts).toBe(2 * TEXTS.length + 2);
    expect(monitor.snapshot().texts).toBe(0);
    expect(() => other.merge({ ...taken, textLength: { ...taken.textLength, le: [1, 2, 3], counts: [0, 0, 0, 0] } })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(/textLength has other bins/) }),
    );
    expect(other.snapshot().texts).toBe(2 * taken.texts); // the refused profile added nothing
  });

  it('counts rule entities apart and names rule labels, with rules given per call', async () => {
    const monitor = new Monitor();
    const rules = { lists: [{ name: 'places', label: 'PLACE', mode: 'override', phrases: ['Paris'] }] };
    const result = await ner().extract(TEXTS, { monitor, rules });
    const ruled = result.flat().filter((e) => e.source !== 'model');
    expect(ruled.length).toBeGreaterThan(0);
    const p = monitor.snapshot();
    expect(p.ruleEntities).toBe(ruled.length);
    expect(p.labels.PLACE.ruleEntities).toBe(ruled.filter((e) => e.label === 'PLACE').length);
    expect(p.entities).toBe(result.flat().length);
  });

  it("names tagged tokens by their tags with aggregation 'none', and a span model's texts have no token entropy", async () => {
    const tags = new Monitor();
    const tagged = await ner().extract(TEXTS, { monitor: tags, aggregation: 'none' });
    expect(Object.keys(tags.snapshot().labels).sort()).toEqual([...new Set(tagged.flat().map((e) => e.label))].sort());
    expect(Object.keys(tags.snapshot().labels).every((l) => /^[BI]-/.test(l))).toBe(true);
    const span = await NativeNer.load(join(SHARED, 'models', 'genia-span-small'));
    try {
      const monitor = new Monitor();
      const found = await span.extract(['IL-2 gene expression requires NF-kappa B .'], { monitor });
      const p = monitor.snapshot();
      expect(p.texts).toBe(1);
      expect(p.entities).toBe(found[0].length);
      expect(p.tokenEntropy.counts.every((c) => c === 0)).toBe(true); // no token distributions in a span head
      expect(p.tokens).toBeGreaterThan(5);
    } finally {
      await span.dispose();
    }
  });

  it("is every call's when given at load, and anything but a Monitor is refused as a TypeError", async () => {
    const monitor = new Monitor();
    const model = await NativeNer.load(CONLL_MODEL, { monitor });
    try {
      await model.extract(TEXTS);
      await model.extractColumns(TEXTS.slice(0, 1));
      expect(monitor.snapshot().texts).toBe(TEXTS.length + 1);
    } finally {
      await model.dispose();
    }
    await expect(ner().extract(TEXTS, { monitor: {} as Monitor })).rejects.toThrow(TypeError);
    await expect(ner().extract(TEXTS, { monitor: 'm' as unknown as Monitor })).rejects.toThrow(TypeError);
  });
});

// Every 4th sentence of each file: the whole file's spread of sections and days, in a quarter of the time.
const STRIDE = 4;
const everyFourth = <T>(items: T[]) => items.filter((_, i) => i % STRIDE === 0);
const conllTexts = (file: string) => everyFourth(readConll(join(SHARED, 'datasets', 'conll2003', file)).sentences.map((s) => s.text));

describe('drift validation (docs/monitoring.md): CoNLL-2003 dev as the baseline', () => {
  let baseline: Profile;
  let test: Profile;
  const alerted = (report: DriftReport) => report.signals.filter((s) => s.status === 'alert').map((s) => s.signal);
  const statusOf = (report: DriftReport, signal: string) => report.signals.find((s) => s.signal === signal)?.status;

  beforeAll(async () => {
    baseline = (await profileTexts(ner(), conllTexts('eng.testa'))).profile;
    test = (await profileTexts(ner(), conllTexts('eng.testb'))).profile;
  });

  it('does not alert on CoNLL-2003 test: the same source on other days (text length and entropy at most watch)', () => {
    const report = compareProfiles(baseline, test);
    expect(alerted(report)).toEqual([]);
    expect(statusOf(report, 'entity_type_mix')).toBe('ok');
    expect(statusOf(report, 'entity_score')).toBe('ok');
  });

  it('alerts on lowercased CoNLL-2003 test through the cased model: fewer entities, lower scores, another mix', async () => {
    const lower = (await profileTexts(ner(), conllTexts('eng.testb').map((t) => t.toLowerCase()))).profile;
    // A quarter of the test set lowercased keeps about 80 entities: judged from 50 (the whole set keeps 334).
    const report = compareProfiles(baseline, lower, { ...DEFAULT_THRESHOLDS, minCount: 50 });
    expect(report.status).toBe('alert');
    expect(alerted(report)).toEqual(expect.arrayContaining(['entity_rate', 'entity_score', 'entity_type_mix']));
    // Lowercasing changes no length: the text lengths are test's, and judged as test's are.
    expect(lower.textLength).toEqual(test.textLength);
    expect(statusOf(report, 'text_length')).toBe(statusOf(compareProfiles(baseline, test), 'text_length'));
    expect(lower.entities).toBeLessThan(test.entities / 4);
  });

  it('alerts on GENIA biomedical texts through the CoNLL model: longer texts, shorter spans, uncertain tokens', async () => {
    const genia = everyFourth(readGenia(join(SHARED, 'datasets', 'genia-nested', 'test.jsonlines')).sentences.map((s) => s.text));
    const profile = (await profileTexts(ner(), genia)).profile;
    const report = compareProfiles(baseline, profile);
    expect(report.status).toBe('alert');
    expect(alerted(report)).toEqual(
      expect.arrayContaining(['text_length', 'token_entropy', 'entity_length', 'entity_score', 'entity_rate', 'entity_type_mix']),
    );
    // In the directions one expects: longer sentences, more uncertain tokens, shorter and fewer spans.
    const mean = (p: Profile, which: 'textLength' | 'tokenEntropy') => p[which].sum / p.texts;
    const spanMean = (p: Profile) => Object.values(p.labels).reduce((s, l) => s + l.length.sum, 0) / p.entities;
    expect(mean(profile, 'textLength')).toBeGreaterThan(1.5 * mean(baseline, 'textLength'));
    expect(mean(profile, 'tokenEntropy')).toBeGreaterThan(1.5 * mean(baseline, 'tokenEntropy'));
    expect(spanMean(profile)).toBeLessThan(spanMean(baseline));
    expect(profile.entities / profile.texts).toBeLessThan(baseline.entities / baseline.texts);
  });
});

describe('native-ner profile, drift and serve --baseline', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'native-ner-drift-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const dev = conllTexts('eng.testa').slice(0, 300);
  const test = conllTexts('eng.testb').slice(0, 300);
  const devFile = join(scratch, 'dev.txt');
  const testFile = join(scratch, 'test.jsonl');
  const lowerFile = join(scratch, 'lower.txt');
  const baselineFile = join(scratch, 'baseline.json');
  writeFileSync(devFile, dev.join('\n\n') + '\n'); // blank lines are skipped
  writeFileSync(testFile, test.map((text) => JSON.stringify({ text })).join('\n') + '\n');
  writeFileSync(lowerFile, test.map((t) => t.toLowerCase()).join('\n') + '\n');

  it('profile writes a baseline of the texts with their options and share spread', () => {
    const run = runCli(['profile', '--model', CONLL_MODEL, '--chunk-texts', '100', '--aggregation', 'first', devFile]);
    expect(run.status).toBe(0);
    writeFileSync(baselineFile, run.stdout);
    const baseline = checkBaseline(JSON.parse(run.stdout), 'stdout');
    expect(baseline.profile.texts).toBe(dev.length);
    expect(baseline.options).toEqual({ aggregation: 'first' });
    expect(baseline.shares.chunks).toBe(3);
    expect(baseline.model.entityTypes).toEqual(['MISC', 'PER', 'ORG', 'LOC']);
    expect(run.stderr).toMatch(/^native-ner: profiled 300 texts, \d+ entities \(LOC \d+, MISC \d+, ORG \d+, PER \d+\) in 3 chunks of 100$/m);
  });

  it('drift exits 0 on CoNLL test and 1 on it lowercased, naming the alerts; 2 without a baseline', () => {
    const same = runCli(['drift', '--model', CONLL_MODEL, '--baseline', baselineFile, testFile]);
    expect(same.stdout).toMatch(/^entity_type_mix\s/m);
    expect(same.stdout.trimEnd().split('\n').pop()).toMatch(/^drift: (ok|watch)$/);
    expect(same.status).toBe(0);
    const lower = runCli(['drift', '--model', CONLL_MODEL, '--baseline', baselineFile, '--json', lowerFile]);
    expect(lower.status).toBe(1);
    const report = JSON.parse(lower.stdout) as DriftReport;
    expect(report.status).toBe('alert');
    expect(report.signals.find((s) => s.signal === 'entity_rate')?.status).toBe('alert');
    expect(lower.stderr).toMatch(/^native-ner: drift alert against .*baseline\.json: entity_rate/m);
    expect(runCli(['drift', '--model', CONLL_MODEL, lowerFile]).status).toBe(2);
  });

  it('serve --baseline exports the drift gauges over its window and refuses a monitor in a request', async () => {
    // A baseline with serve's defaults (the one above ran with aggregation first), from standard input.
    const profiled = runCli(['profile', '--model', CONLL_MODEL], { input: dev.join('\n') });
    expect(profiled.status).toBe(0);
    const servedBaseline = join(scratch, 'served-baseline.json');
    writeFileSync(servedBaseline, profiled.stdout);
    expect(checkBaseline(JSON.parse(profiled.stdout), 'stdout').inputs).toEqual(['-']);
    const served = await startServe(['--model', CONLL_MODEL, '--port', '0', '--baseline', servedBaseline, '--drift-min-count', '50']);
    try {
      const post = (body: unknown) =>
        fetch(`${served.url}/extract`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const metrics = async () => (await fetch(`${served.url}/metrics`)).text();
      expect(await metrics()).toMatch(/^native_ner_drift_window_texts 0$/m);
      expect((await post({ texts: test.slice(0, 150) })).status).toBe(200);
      let text = await metrics();
      expect(text).toMatch(/^native_ner_drift_window_texts 150$/m);
      expect(text).toMatch(/^native_ner_drift_alert\{signal="entity_rate"\} 0$/m);
      expect((await post({ texts: test.slice(150).map((t) => t.toLowerCase()) })).status).toBe(200);
      expect((await post({ texts: test.slice(0, 150).map((t) => t.toLowerCase()) })).status).toBe(200);
      text = await metrics();
      expect(text).toMatch(/^native_ner_drift_window_texts 450$/m);
      expect(text).toMatch(/^native_ner_drift_alert\{signal="entity_rate"\} 1$/m);
      expect(text).toMatch(/^native_ner_entity_share_baseline\{label="PER"\} 0\.\d+$/m);
      expect(text).toMatch(/^native_ner_token_entropy_count 450$/m);
      const refused = await post({ texts: ['x'], options: { monitor: {} } });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/options.monitor is not taken per request/);
    } finally {
      served.child.kill('SIGTERM');
      await served.exited;
    }
  });
});
