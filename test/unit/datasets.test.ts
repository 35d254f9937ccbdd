// The dataset readers on small files written here: CoNLL columns with IOB1, IOB2, BIOES and BILOU tags, and nested
// GENIA-style JSON lines. No model, no shared data.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NerError } from '../../lib/errors';
import {
  datasetStats,
  innerSpans,
  outerSpans,
  parseConll,
  parseGenia,
  readConll,
  readGenia,
  tagsToSpans,
  toSentence,
  type Span,
} from '../../lib/eval';

const scratch = mkdtempSync(join(tmpdir(), 'native-ner-unit-datasets-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const span = (start: number, end: number, label: string): Span => ({ start, end, label });

/** Writes `content` to a file of the scratch directory and returns its path. */
function file(name: string, content: string): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

/** Each sentence's entities with their text, to compare readings of the same sentences as plain data. */
const withText = (sentences: { text: string; entities: Span[] }[]) =>
  sentences.map((s) => s.entities.map((e) => `${e.label}:${s.text.slice(e.start, e.end)}`));

// The same two sentences, "John Smith lives in New York City ." and "Acme Corp hired Smith Jones Mary .", in each
// scheme (the second has two people side by side).
const WORDS = [
  ['John', 'Smith', 'lives', 'in', 'New', 'York', 'City', '.'],
  ['Acme', 'Corp', 'hired', 'Smith', 'Jones', 'Mary', '.'],
];
const TAGS = {
  iob1: [
    ['I-PER', 'I-PER', 'O', 'O', 'I-LOC', 'I-LOC', 'I-LOC', 'O'],
    ['I-ORG', 'I-ORG', 'O', 'I-PER', 'I-PER', 'B-PER', 'O'],
  ],
  iob2: [
    ['B-PER', 'I-PER', 'O', 'O', 'B-LOC', 'I-LOC', 'I-LOC', 'O'],
    ['B-ORG', 'I-ORG', 'O', 'B-PER', 'I-PER', 'B-PER', 'O'],
  ],
  bioes: [
    ['B-PER', 'E-PER', 'O', 'O', 'B-LOC', 'I-LOC', 'E-LOC', 'O'],
    ['B-ORG', 'E-ORG', 'O', 'B-PER', 'E-PER', 'S-PER', 'O'],
  ],
  bilou: [
    ['B-PER', 'L-PER', 'O', 'O', 'B-LOC', 'I-LOC', 'L-LOC', 'O'],
    ['B-ORG', 'L-ORG', 'O', 'B-PER', 'L-PER', 'U-PER', 'O'],
  ],
};

/** A CoNLL-2003-like file: a document marker, then word POS chunk TAG lines, sentences apart. */
const conllText = (tags: string[][]) =>
  '-DOCSTART- -X- -X- O\n\n' + WORDS.map((words, s) => words.map((w, i) => `${w} NNP I-NP ${tags[s][i]}`).join('\n')).join('\n\n') + '\n';

describe('readConll', () => {
  it.each(Object.keys(TAGS) as (keyof typeof TAGS)[])('reads %s tags into the same character spans', (scheme) => {
    const path = file(`${scheme}.conll`, conllText(TAGS[scheme]));
    const dataset = readConll(path);
    expect(dataset.source).toBe(path);
    expect(dataset.nested).toBe(false);
    expect(dataset.sentences.map((s) => s.text)).toEqual(['John Smith lives in New York City .', 'Acme Corp hired Smith Jones Mary .']);
    expect(dataset.sentences.map((s) => s.entities)).toEqual([
      [span(0, 10, 'PER'), span(20, 33, 'LOC')],
      [span(0, 9, 'ORG'), span(16, 27, 'PER'), span(28, 32, 'PER')],
    ]);
    expect(datasetStats(dataset)).toEqual({ sentences: 2, words: 15, entities: 5, byType: { LOC: 1, ORG: 1, PER: 3 } });
  });

  it('names the file and line of a line it cannot read, and a missing file', () => {
    const path = file('bad.conll', 'Peter NNP I-NP B-PER\nlives\n');
    expect(() => readConll(path)).toThrow(new NerError('ERR_INVALID_ARGUMENT', `${path}:2: expected 'word ... TAG', got 'lives'`));
    expect(() => readConll(join(scratch, 'missing.conll'))).toThrow(/ENOENT/);
  });

  it('reads an empty file as no sentences, and takes the last column as the tag', () => {
    expect(readConll(file('empty.conll', '')).sentences).toEqual([]);
    expect(parseConll('Paris\tB-LOC\nis x y z O\n').map((s) => s.entities)).toEqual([[span(0, 5, 'LOC')]]);
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

  it('closes BILOU entities on L- and U-, and an E- or S- entity even before an I- of its type', () => {
    expect(tagsToSpans(['U-PER', 'B-LOC', 'L-LOC', 'I-LOC'])).toEqual([span(0, 1, 'PER'), span(1, 3, 'LOC'), span(3, 4, 'LOC')]);
    expect(tagsToSpans(['S-PER', 'I-PER', 'E-PER'])).toEqual([span(0, 1, 'PER'), span(1, 3, 'PER')]);
    expect(tagsToSpans([])).toEqual([]);
    expect(() => tagsToSpans(['B-PER', 'PER'])).toThrow(/'PER' is not an entity tag \(word 1\)/);
  });
});

describe('readGenia', () => {
  // "IL-2 receptor alpha gene": a DNA around a protein around a protein; then a sentence without mentions.
  const lines = [
    {
      tokens: ['IL-2', 'receptor', 'alpha', 'gene', 'expression'],
      entity_mentions: [
        { start: 0, end: 4, entity_type: 'DNA' },
        { start: 0, end: 3, entity_type: 'protein' },
        { start: 0, end: 1, entity_type: 'protein' },
      ],
    },
    { tokens: ['No', 'mention', '.'], entity_mentions: [] },
  ];

  it('reads nested mentions as character spans, skipping blank lines', () => {
    const path = file('nested.jsonl', lines.map((l) => JSON.stringify(l)).join('\n\n') + '\n');
    const dataset = readGenia(path);
    expect(dataset).toMatchObject({ source: path, nested: true });
    const [first, second] = dataset.sentences;
    expect(first.text).toBe('IL-2 receptor alpha gene expression');
    expect(first.entities).toEqual([span(0, 24, 'DNA'), span(0, 19, 'protein'), span(0, 4, 'protein')]);
    expect(withText(dataset.sentences)).toEqual([['DNA:IL-2 receptor alpha gene', 'protein:IL-2 receptor alpha', 'protein:IL-2'], []]);
    expect(second).toEqual({ text: 'No mention .', words: ['No', 'mention', '.'], entities: [] });
    expect(innerSpans(first.entities)).toEqual([span(0, 19, 'protein'), span(0, 4, 'protein')]);
    expect(outerSpans(first.entities)).toEqual([span(0, 24, 'DNA'), span(0, 19, 'protein')]);
  });

  it('names the line of a line that is not JSON or lacks tokens or mentions', () => {
    const at = (content: string) => () => parseGenia(content, 'g.jsonl');
    expect(at('{"tokens": ["a"], "entity_mentions": []}\n{nope')).toThrow(/^g\.jsonl:2: /);
    expect(at('{"entity_mentions": []}')).toThrow('g.jsonl:1: expected "tokens", an array of strings');
    expect(at('{"tokens": ["a"]}')).toThrow('g.jsonl:1: expected "entity_mentions", an array');
    expect(at('{"tokens": ["a"], "entity_mentions": [{"start": 0, "end": 1}]}')).toThrow(/g\.jsonl:1: bad mention/);
  });
  it('rejects mentions outside the sentence', () => {
    const line = JSON.stringify({ tokens: ['IL-2'], entity_mentions: [{ start: 0, end: 2, entity_type: 'protein' }] });
    expect(() => parseGenia(line, 'bad.jsonl')).toThrow(/bad\.jsonl:1: bad mention/);
  });
});

describe('toSentence', () => {
  it('joins words by single spaces and maps word spans to character spans, end exclusive', () => {
    expect(toSentence(['É', 'Paris', '😀', 'x'], [{ start: 1, end: 3, label: 'A' }, { start: 3, end: 4, label: 'B' }])).toEqual({
      text: 'É Paris 😀 x',
      words: ['É', 'Paris', '😀', 'x'],
      entities: [span(2, 10, 'A'), span(11, 12, 'B')],
    });
  });
});
