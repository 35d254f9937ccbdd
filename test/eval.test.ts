import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  datasetStats,
  evaluate,
  innerSpans,
  NativeNer,
  outerSpans,
  parseConll,
  parseGenia,
  readConll,
  readGenia,
  scoreNested,
  scoreSpans,
  tagsToSpans,
  type Dataset,
  type ExtractOptions,
  type Span,
} from '../lib';
import { CONLL_MODEL, readJsonl, SHARED } from './helpers';

const CONLL = join(SHARED, 'datasets', 'conll2003');
const GENIA = join(SHARED, 'datasets', 'genia-nested');
const CLI = join(__dirname, '..', 'dist', 'cli.js');

const span = (start: number, end: number, label: string): Span => ({ start, end, label });

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

  it('decodes IOB1: I- after O or another type starts an entity, B- splits two of the same type', () => {
    expect(tagsToSpans(['I-PER', 'I-PER', 'B-PER', 'O', 'I-LOC', 'I-ORG', 'I-ORG'])).toEqual([
      span(0, 2, 'PER'),
      span(2, 3, 'PER'),
      span(4, 5, 'LOC'),
      span(5, 7, 'ORG'),
    ]);
  });

  it('decodes IOB2 and BIOES', () => {
    expect(tagsToSpans(['B-PER', 'I-PER', 'B-PER', 'B-LOC', 'I-LOC', 'O', 'I-MISC'])).toEqual([
      span(0, 2, 'PER'),
      span(2, 3, 'PER'),
      span(3, 5, 'LOC'),
      span(6, 7, 'MISC'),
    ]);
    expect(tagsToSpans(['S-PER', 'B-ORG', 'I-ORG', 'E-ORG', 'S-ORG', 'O', 'B-LOC', 'E-LOC'])).toEqual([
      span(0, 1, 'PER'),
      span(1, 4, 'ORG'),
      span(4, 5, 'ORG'),
      span(6, 8, 'LOC'),
    ]);
  });

  it('ends sentences at blank lines, document markers and the end of the text, and rejects bad lines', () => {
    const text =
      '-DOCSTART- -X- O O\r\n\r\nPeter NNP I-NP B-PER\r\nlives x x O\r\n' + // no blank line before the marker
      '-DOCSTART- -X- O O\nin x x O\nRome x x I-LOC'; // nor at the end
    const sentences = parseConll(text);
    expect(sentences.map((s) => s.text)).toEqual(['Peter lives', 'in Rome']);
    expect(sentences[1].entities).toEqual([span(3, 7, 'LOC')]);
    expect(() => parseConll('Peter NNP I-NP PERSON\n', 'people.conll')).toThrow(/people\.conll:1/);
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

  it('rejects mentions outside the sentence', () => {
    const line = JSON.stringify({ tokens: ['IL-2'], entity_mentions: [{ start: 0, end: 2, entity_type: 'protein' }] });
    expect(() => parseGenia(line, 'bad.jsonl')).toThrow(/bad\.jsonl:1: bad mention/);
  });
});

describe('strict span metrics', () => {
  it('scores a perfect prediction 1', () => {
    const gold = [[span(0, 5, 'PER'), span(10, 15, 'LOC')], []];
    const { overall } = scoreSpans(gold, gold);
    expect(overall).toEqual({ tp: 2, pred: 2, gold: 2, precision: 1, recall: 1, f1: 1 });
  });

  it('counts a partial overlap or a wrong type as a miss', () => {
    const gold = [[span(0, 10, 'PER'), span(20, 25, 'ORG')]];
    const pred = [[span(0, 5, 'PER'), span(20, 25, 'LOC')]];
    expect(scoreSpans(gold, pred).overall).toMatchObject({ tp: 0, pred: 2, gold: 2, precision: 0, recall: 0, f1: 0 });
  });

  it('matches spans sentence by sentence, not across sentences', () => {
    expect(scoreSpans([[span(0, 4, 'PER')], []], [[], [span(0, 4, 'PER')]]).overall.tp).toBe(0);
  });

  it('keeps counts per type, including types only predicted', () => {
    const gold = [[span(0, 4, 'PER'), span(5, 9, 'PER'), span(10, 14, 'ORG')]];
    const pred = [[span(0, 4, 'PER'), span(10, 14, 'ORG'), span(15, 19, 'MISC')]];
    const { overall, byType } = scoreSpans(gold, pred);
    expect(Object.keys(byType)).toEqual(['MISC', 'ORG', 'PER']);
    expect(byType.PER).toMatchObject({ tp: 1, pred: 1, gold: 2, precision: 1, recall: 0.5 });
    expect(byType.ORG).toMatchObject({ tp: 1, pred: 1, gold: 1, f1: 1 });
    expect(byType.MISC).toMatchObject({ tp: 0, pred: 1, gold: 0, precision: 0, recall: 0, f1: 0 });
    expect(overall).toMatchObject({ tp: 2, pred: 3, gold: 3 });
    expect(overall.f1).toBeCloseTo(2 / 3, 12);
  });

  it('counts a repeated prediction once, but the same words with another type apart', () => {
    const gold = [[span(0, 4, 'PER')]];
    const pred = [[span(0, 4, 'PER'), span(0, 4, 'PER'), span(0, 4, 'ORG')]];
    expect(scoreSpans(gold, pred).overall).toMatchObject({ tp: 1, pred: 2, gold: 1, precision: 0.5, recall: 1 });
  });

  it('scores nothing predicted as 0, not NaN', () => {
    expect(scoreSpans([[span(0, 4, 'PER')]], [[]]).overall).toEqual({
      tp: 0, pred: 0, gold: 1, precision: 0, recall: 0, f1: 0,
    });
  });

  it('finds inner and outer entities within each side and scores them apart', () => {
    // "IL-2 receptor alpha gene": a DNA around a protein around a protein.
    const gold = [[span(0, 24, 'DNA'), span(0, 19, 'protein'), span(0, 4, 'protein'), span(0, 24, 'protein')]];
    expect(innerSpans(gold[0])).toEqual([span(0, 19, 'protein'), span(0, 4, 'protein')]);
    expect(outerSpans(gold[0])).toEqual([span(0, 24, 'DNA'), span(0, 19, 'protein'), span(0, 24, 'protein')]);
    // The prediction finds the short protein but not what surrounds it: its own set has no inner entity.
    const pred = [[span(0, 4, 'protein'), span(0, 24, 'DNA'), span(0, 24, 'DNA')]];
    const { inner, outer } = scoreNested(gold, pred);
    expect(inner.overall).toMatchObject({ tp: 1, pred: 1, gold: 2 });
    expect(outer.overall).toMatchObject({ tp: 1, pred: 1, gold: 3 });
  });

  it('refuses gold and predictions of different lengths', () => {
    expect(() => scoreSpans([[]], [])).toThrow(RangeError);
  });
});

describe('evaluate', () => {
  it('sends chunks in order with the options untouched, and scores nested data inside and out', async () => {
    const dataset: Dataset = {
      source: 'hand-made',
      nested: true,
      sentences: ['a', 'b', 'c', 'd', 'e'].map((w) => ({ text: w, words: [w], entities: [span(0, 1, 'X')] })),
    };
    const calls: { texts: string[]; options?: ExtractOptions }[] = [];
    const fake = {
      async extract(texts: string[], options?: ExtractOptions) {
        calls.push({ texts, options });
        return texts.map((t) => (t === 'c' ? [] : [span(0, 1, 'X')]));
      },
    };
    // A value the type does not list yet still reaches extract as given.
    const aggregation = 'future' as ExtractOptions['aggregation'];
    const result = await evaluate(fake, dataset, { aggregation, chunkSize: 2 });
    expect(calls.map((c) => c.texts)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(calls.map((c) => c.options?.aggregation)).toEqual([aggregation, aggregation, aggregation]);
    expect(result).toMatchObject({ source: 'hand-made', sentences: 5, aggregation: 'future' });
    expect(result.overall).toMatchObject({ tp: 4, pred: 4, gold: 5 });
    expect(result.inner?.overall).toMatchObject({ tp: 0, pred: 0, gold: 0 });
  });

  describe('on CoNLL-2003 test with conll03-bert-small', () => {
    let ner: NativeNer;
    const test = readConll(join(CONLL, 'eng.testb'));
    beforeAll(async () => {
      ner = await NativeNer.load(CONLL_MODEL);
    });
    afterAll(() => ner.dispose());

    // MODEL_CARD.md of conll03-bert-small: strict spans of the reference pipeline's entities.
    it.each([
      ['simple', 0.5649, 0.6569, 0.6074],
      ['first', 0.6918, 0.7027, 0.6972],
      ['average', 0.7153, 0.7077, 0.7115],
      ['max', 0.7156, 0.7072, 0.7114],
    ] as const)('gives the model card figures with aggregation %s', async (aggregation, p, r, f1) => {
      const { overall, inner } = await evaluate(ner, test, { aggregation, decoding: 'argmax' });
      expect([overall.precision, overall.recall, overall.f1].map((x) => x.toFixed(4))).toEqual(
        [p, r, f1].map((x) => x.toFixed(4)),
      );
      expect(overall.gold).toBe(5648);
      expect(inner).toBeUndefined();
    });
  });
});

describe('native-ner eval (CLI)', () => {
  it('prints per-type and overall scores of a CoNLL file', () => {
    const run = spawnSync(
      process.execPath,
      [CLI, 'eval', '--model', CONLL_MODEL, '--conll', join(CONLL, 'eng.testb'), '--aggregation', 'simple', '--decoding', 'argmax'],
      { encoding: 'utf8' },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/3453 sentences, 5648 gold entities, aggregation simple/);
    expect(run.stdout).toMatch(/^overall\s+0\.5649\s+0\.6569\s+0\.6074\s+3710\s+6568\s+5648$/m);
    for (const [type, gold] of [['LOC', 1668], ['MISC', 702], ['ORG', 1661], ['PER', 1617]]) {
      expect(run.stdout).toMatch(new RegExp(`^${type}\\s+(\\d\\.\\d{4}\\s+){3}\\d+\\s+\\d+\\s+${gold}$`, 'm'));
    }
  });

  it('asks for exactly one dataset', () => {
    const run = spawnSync(process.execPath, [CLI, 'eval', '--model', CONLL_MODEL], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/give one of --conll FILE or --jsonl FILE/);
    expect(run.stderr).toMatch(/Usage: native-ner eval/);
    // The data file is read first, so a wrong path fails before the model loads.
    const args = ['eval', '--model', CONLL_MODEL, '--conll', '/nonexistent/eng.testb'];
    const missing = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/ENOENT.*\/nonexistent\/eng\.testb/);
  });
});
