// The evaluator on the shared datasets and the model; the readers, tag decoding and metrics on hand-made input are in
// unit/datasets.test.ts and unit/metrics.test.ts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetStats, evaluate, innerSpans, outerSpans, readConll, readGenia, type Dataset } from '../lib';
import { CONLL_MODEL, readJsonl, runCli, SHARED, useModel } from './helpers';

const CONLL = join(SHARED, 'datasets', 'conll2003');
const GENIA = join(SHARED, 'datasets', 'genia-nested');

/** Gold spans with their text, so two readings of the same sentences can be compared as plain data. */
function spansWithText(dataset: Dataset): string[][] {
  return dataset.sentences.map((s) =>
    s.entities.map((e) => `${e.label}@${e.start}-${e.end}:${s.text.slice(e.start, e.end)}`),
  );
}

describe('CoNLL reader', () => {
  it('reads CoNLL-2003 test with the published counts', () => {
    const stats = datasetStats(readConll(join(CONLL, 'eng.testb')));
    expect(stats).toEqual({
      sentences: 3453,
      words: 46435,
      entities: 5648,
      byType: { LOC: 1668, MISC: 702, ORG: 1661, PER: 1617 },
    });
  });

  it('reads train and dev with the published sentence counts', () => {
    expect(readConll(join(CONLL, 'eng.train')).sentences).toHaveLength(14041);
    expect(readConll(join(CONLL, 'eng.testa')).sentences).toHaveLength(3250);
  });

  it('finds the same texts and spans in the IOB1 files and their IOB2 versions', () => {
    for (const file of ['eng.train', 'eng.testa', 'eng.testb']) {
      const iob1 = readConll(join(CONLL, file));
      const iob2 = readConll(join(CONLL, 'iob2', file));
      expect(iob2.sentences.map((s) => s.text)).toEqual(iob1.sentences.map((s) => s.text));
      expect(spansWithText(iob2)).toEqual(spansWithText(iob1));
    }
  });

  it('gives character spans of the space-joined words', () => {
    const first = readConll(join(CONLL, 'eng.testb')).sentences[0];
    expect(first.text).toBe('SOCCER - JAPAN GET LUCKY WIN , CHINA IN SURPRISE DEFEAT .');
    expect(first.entities.map((e) => [e.label, first.text.slice(e.start, e.end)])).toEqual([
      ['LOC', 'JAPAN'],
      ['PER', 'CHINA'],
    ]);
  });

});

describe('GENIA nested reader', () => {
  const test = readGenia(join(GENIA, 'test.jsonlines'));

  it('reads GENIA test with the published counts, 603 entities inside another', () => {
    const stats = datasetStats(test);
    expect(stats.sentences).toBe(1732);
    expect(stats.entities).toBe(5119);
    const gold = test.sentences.map((s) => s.entities);
    expect(gold.flatMap(innerSpans)).toHaveLength(603);
    // metrics.json of genia-span-small: 558 gold outer entities on test.
    expect(gold.flatMap(outerSpans)).toHaveLength(558);
  });

  it('gives character spans whose text is the mention text', () => {
    const lines = readJsonl<{ entity_mentions: { text: string }[] }>(join(GENIA, 'test.jsonlines'));
    const want = lines.map((l) => l.entity_mentions.map((m) => m.text));
    expect(test.sentences.map((s) => s.entities.map((e) => s.text.slice(e.start, e.end)))).toEqual(want);
  });

  it('reads dev and train with the published sentence counts', () => {
    expect(readGenia(join(GENIA, 'dev.jsonlines')).sentences).toHaveLength(1765);
    expect(readGenia(join(GENIA, 'train.jsonlines')).sentences).toHaveLength(15038);
  });
});

describe('evaluate', () => {
  describe('on CoNLL-2003 test with conll03-bert-small', () => {
    const model = useModel(CONLL_MODEL);
    const test = readConll(join(CONLL, 'eng.testb'));

    // MODEL_CARD.md of conll03-bert-small: strict spans of the reference pipeline's entities.
    it.each([
      ['simple', 0.5649, 0.6569, 0.6074],
      ['first', 0.6918, 0.7027, 0.6972],
      ['average', 0.7153, 0.7077, 0.7115],
      ['max', 0.7156, 0.7072, 0.7114],
    ] as const)('gives the model card figures with aggregation %s', async (aggregation, p, r, f1) => {
      const { overall, inner } = await evaluate(model(), test, { aggregation, decoding: 'argmax' });
      expect([overall.precision, overall.recall, overall.f1].map((x) => x.toFixed(4))).toEqual(
        [p, r, f1].map((x) => x.toFixed(4)),
      );
      expect(overall.gold).toBe(5648);
      expect(inner).toBeUndefined();
    });
  });
});

describe('evaluate with rules', () => {
  const model = useModel(CONLL_MODEL);
  const head = readConll(join(CONLL, 'eng.testb'));
  const dataset: Dataset = { ...head, sentences: head.sentences.slice(0, 400) };
  const rules = { lists: [{ name: 'countries', label: 'LOC', mode: 'override' as const, phrases: ['Germany', 'France', 'Britain'] }], builtins: ['DATE'] };

  it('scores by source, runs the model alone beside it and gives the difference', async () => {
    const plain = await evaluate(model(), dataset);
    const evaluation = await evaluate(model(), dataset, { rules });
    const { bySource, modelAlone, difference, file } = evaluation.rules!;
    expect(file).toBeNull();
    expect(plain.rules).toBeUndefined();
    expect(modelAlone.overall).toEqual(plain.overall);
    expect(modelAlone.byType).toEqual(plain.byType);
    expect(Object.keys(bySource)).toEqual(['model', 'countries', 'DATE']);
    expect(bySource.countries.pred).toBeGreaterThan(0);
    expect(bySource.countries.precision).toBe(1);
    expect(bySource.DATE.tp).toBe(0); // CoNLL has no dates
    const sum = (key: 'tp' | 'pred') => Object.values(bySource).reduce((n, s) => n + s[key], 0);
    expect(sum('tp')).toBe(evaluation.overall.tp);
    expect(sum('pred')).toBe(evaluation.overall.pred);
    expect(difference.f1).toBeCloseTo(evaluation.overall.f1 - plain.overall.f1, 12);
    expect(difference.precision).toBeCloseTo(evaluation.overall.precision - plain.overall.precision, 12);
  });
});

describe('native-ner eval (CLI)', () => {
  it('--rules FILE prints scores by source and the difference against the model alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'native-ner-eval-rules-'));
    const conll = join(dir, 'small.conll');
    writeFileSync(
      conll,
      ['-DOCSTART- -X- O O', '', 'Acme NNP B-NP B-ORG', 'Corp NNP I-NP I-ORG', 'hired NN I-NP O', 'John NNP I-NP B-PER', 'Smith NNP I-NP I-PER', '. . O O', ''].join('\n'),
    );
    const rulesFile = join(dir, 'rules.json');
    writeFileSync(rulesFile, JSON.stringify({ lists: [{ name: 'companies', label: 'ORG', mode: 'override', phrases: ['Acme Corp'] }] }));
    const run = runCli(['eval', '--model', CONLL_MODEL, '--conll', conll, '--rules', rulesFile]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`rules ${rulesFile}: by source`);
    expect(run.stdout).toMatch(/^companies\s+1\.0000\s+0\.5000\s+0\.6667\s+1\s+1\s+2$/m);
    expect(run.stdout).toMatch(/^model alone\s+/m);
    expect(run.stdout).toMatch(/^difference\s+[+-]\d\.\d{4}\s+[+-]\d\.\d{4}\s+[+-]\d\.\d{4}\s+[+-]\d+\s+[+-]\d+\s+2$/m);

    const json = JSON.parse(runCli(['eval', '--model', CONLL_MODEL, '--conll', conll, '--rules', rulesFile, '--json']).stdout);
    expect(json.rules.file).toBe(rulesFile);
    expect(json.rules.bySource.companies).toMatchObject({ tp: 1, pred: 1, gold: 2 });
    expect(json.overall.f1 - json.rules.modelAlone.overall.f1).toBeCloseTo(json.rules.difference.f1, 12);
  });


  it('prints per-type and overall scores of a CoNLL file', () => {
    const conll = join(CONLL, 'eng.testb');
    const run = runCli(['eval', '--model', CONLL_MODEL, '--conll', conll, '--aggregation', 'simple', '--decoding', 'argmax']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/3453 sentences, 5648 gold entities, aggregation simple/);
    expect(run.stdout).toMatch(/^overall\s+0\.5649\s+0\.6569\s+0\.6074\s+3710\s+6568\s+5648$/m);
    for (const [type, gold] of [['LOC', 1668], ['MISC', 702], ['ORG', 1661], ['PER', 1617]]) {
      expect(run.stdout).toMatch(new RegExp(`^${type}\\s+(\\d\\.\\d{4}\\s+){3}\\d+\\s+\\d+\\s+${gold}$`, 'm'));
    }
  });

  it('asks for exactly one dataset', () => {
    const run = runCli(['eval', '--model', CONLL_MODEL]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/give one of --conll FILE, --jsonl FILE or --pii FILE/);
    expect(run.stderr).toMatch(/Usage: native-ner eval/);
    // The data file is read first, so a wrong path fails before the model loads.
    const args = ['eval', '--model', CONLL_MODEL, '--conll', '/nonexistent/eng.testb'];
    const missing = runCli(args);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/ENOENT.*\/nonexistent\/eng\.testb/);
  });
});
