// Sentence segmentation: sentences() and ner.sentences() (offsets on emoji, CJK and combining marks, options and
// errors), extract's segment: 'sentences' (the same entities as the sentences given one by one, for a token and a
// span model, offsets into the whole text), and the GENIA span model on whole abstracts with and without it.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NativeNer, NerError, packUtf8, readGenia, scoreDataset, sentences, type Entity, type EntityColumns, type Span } from '../lib';
import { CONLL_MODEL, readJsonl, SHARED } from './helpers';

const SPAN_MODEL = join(SHARED, 'models', 'genia-span-small');
const GENIA_TEST = join(SHARED, 'datasets', 'genia-nested', 'test.jsonlines');

const HOSTILE = [
  'Mr. Smith 😀 met Dr. Jones in the U.S. on Jan. 5. He paid $3.50… Then he left!',
  '東京は大きい。大阪も大きい！本当？「はい。」John Smith lives there.',
  'Cafe\u0301 owner Zoë Ångström said: "We open at 9 a.m. tomorrow." The 👩‍💻 team agreed.\n\nNew paragraph here.',
  '\uD800 lone surrogate. Another one \uDC00 here? Yes.',
  '   ',
  '',
];

describe('sentences()', () => {
  it('gives trimmed sentences whose text is the input slice, covering every non-space character once', () => {
    for (const text of HOSTILE) {
      const found = sentences(text);
      let covered = '';
      let previousEnd = 0;
      for (const s of found) {
        expect(s.text).toBe(text.slice(s.start, s.end));
        expect(s.start).toBeGreaterThanOrEqual(previousEnd);
        expect(s.text.trim()).toBe(s.text);
        previousEnd = s.end;
        covered += s.text;
      }
      expect(covered.replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
    }
  });

  it('splits at terminators, not at abbreviations, initials or decimals; CJK without spaces', () => {
    expect(sentences(HOSTILE[0]).map((s) => s.text)).toEqual([
      'Mr. Smith 😀 met Dr. Jones in the U.S. on Jan. 5.',
      'He paid $3.50…',
      'Then he left!',
    ]);
    expect(sentences(HOSTILE[1]).map((s) => s.text)).toEqual(['東京は大きい。', '大阪も大きい！', '本当？', '「はい。」', 'John Smith lives there.']);
  });

  it('takes lineBreaks; ner.sentences uses the model default', async () => {
    const text = 'Heading without a stop\nFirst line. Second line';
    expect(sentences(text).map((s) => s.text)).toEqual(['Heading without a stop\nFirst line.', 'Second line']);
    expect(sentences(text, { lineBreaks: 'sentence' }).map((s) => s.text)).toEqual(['Heading without a stop', 'First line.', 'Second line']);
    const ner = await NativeNer.load(CONLL_MODEL, { lineBreaks: 'sentence' });
    try {
      expect(ner.sentences(text).length).toBe(3);
      expect(ner.sentences(text, { lineBreaks: 'space' }).length).toBe(2);
    } finally {
      await ner.dispose();
    }
  });

  it('rejects wrong arguments with TypeError or ERR_INVALID_ARGUMENT', () => {
    expect(() => sentences(5 as unknown as string)).toThrow(TypeError);
    expect(() => sentences('a', { lineBreaks: 'never' as 'space' })).toThrow(NerError);
    expect(() => sentences('a', { segment: 'sentences' } as never)).toThrow(/unknown sentences option 'segment'/);
  });
});

/** Entities of each sentence given alone, moved to the whole text's offsets. */
async function sentenceBySentence(ner: NativeNer, text: string): Promise<Entity[]> {
  const parts = sentences(text);
  const results = await ner.extract(parts.map((s) => s.text));
  return results.flatMap((entities, k) =>
    entities.map((e) => ({ ...e, start: e.start + parts[k].start, end: e.end + parts[k].start })),
  );
}

describe.each([
  ['token model', CONLL_MODEL],
  ['span model', SPAN_MODEL],
])("extract with segment: 'sentences' (%s)", (_kind, modelDir) => {
  let ner: NativeNer;
  beforeAll(async () => {
    ner = await NativeNer.load(modelDir);
  });
  afterAll(async () => {
    await ner.dispose();
  });

  it('gives the entities of the sentences given one by one, with offsets into the text', async () => {
    const genia = readGenia(GENIA_TEST).sentences.slice(0, 40).map((s) => s.text);
    const documents = [
      ...HOSTILE,
      'John Smith works at Google in New York. Mary Jones met him in Paris on Monday. IL-2 gene expression requires NF-kappa B.',
      genia.join(' '),
      genia.slice(10, 20).join('\n'),
    ];
    const whole = await ner.extract(documents, { segment: 'sentences' });
    for (const [i, text] of documents.entries()) {
      const expected = await sentenceBySentence(ner, text);
      expect(whole[i].map((e) => [e.start, e.end, e.label])).toEqual(expected.map((e) => [e.start, e.end, e.label]));
      whole[i].forEach((e, k) => expect(e.score).toBeCloseTo(expected[k].score, 5));
      for (const e of whole[i]) expect(e.text).toBe(text.slice(e.start, e.end));
    }
    // extractColumns gives the same entities, row for row; UTF-8 input the same with byte offsets of each text.
    const rowsOf = (columns: EntityColumns, i: number, slice: (start: number, end: number) => string) =>
      Array.from({ length: columns.offsets[i + 1] - columns.offsets[i] }, (_, j) => {
        const k = columns.offsets[i] + j;
        return [slice(columns.starts[k], columns.ends[k]), columns.labelNames[columns.labels[k]]];
      });
    const columns = await ner.extractColumns(documents, { segment: 'sentences' });
    const bytes = await ner.extractColumns(packUtf8(documents), { segment: 'sentences' });
    expect(columns.count).toBe(whole.flat().length);
    expect(bytes.count).toBe(whole.flat().length);
    for (const [i, text] of documents.entries()) {
      const expected = whole[i].map((e) => [e.text, e.label]);
      expect(rowsOf(columns, i, (a, b) => text.slice(a, b))).toEqual(expected);
      const utf8 = Buffer.from(text, 'utf8');
      expect(rowsOf(bytes, i, (a, b) => utf8.subarray(a, b).toString('utf8'))).toEqual(expected);
    }
  });

  it('counts each sentence against maxWindows', async () => {
    const text = 'One sentence here. Two sentences here. Three sentences here.';
    await expect(ner.extract(text, { segment: 'sentences', maxWindows: 2 })).rejects.toMatchObject({ code: 'ERR_TOO_MANY_WINDOWS' });
    await expect(ner.extract(text, { maxWindows: 1 })).resolves.toBeDefined();
  });
});

interface GeniaLine {
  doc_id: string;
}

describe('GENIA span model on whole abstracts', () => {
  it("scores within 1 F1 point of its per-sentence figure with segment: 'sentences', far above without", async () => {
    const dataset = readGenia(GENIA_TEST);
    const docIds = readJsonl<GeniaLine>(GENIA_TEST).map((l) => l.doc_id);
    expect(docIds.length).toBe(dataset.sentences.length);
    // Abstracts: each doc_id's sentences joined by single spaces; where each sentence starts in its abstract.
    const abstracts: { text: string; sentences: number[]; starts: number[] }[] = [];
    dataset.sentences.forEach((s, i) => {
      if (i === 0 || docIds[i] !== docIds[i - 1]) abstracts.push({ text: '', sentences: [], starts: [] });
      const doc = abstracts[abstracts.length - 1];
      if (doc.text !== '') doc.text += ' ';
      doc.starts.push(doc.text.length);
      doc.sentences.push(i);
      doc.text += s.text;
    });
    const ner = await NativeNer.load(SPAN_MODEL);
    try {
      /** An abstract's entities back on its sentences (an entity is the sentence's it starts in, in its offsets). */
      const perSentence = async (segment: 'sentences' | 'none') => {
        const predictions: Span[][] = dataset.sentences.map(() => []);
        const results = await ner.extract(abstracts.map((a) => a.text), { segment });
        abstracts.forEach((doc, d) => {
          for (const e of results[d]) {
            let k = doc.starts.length - 1;
            while (doc.starts[k] > e.start) k--;
            predictions[doc.sentences[k]].push({ start: e.start - doc.starts[k], end: e.end - doc.starts[k], label: e.label });
          }
        });
        return scoreDataset(dataset, predictions).overall;
      };
      const segmented = await perSentence('sentences');
      const whole = await perSentence('none');
      console.log(
        `GENIA abstracts (${abstracts.length}): segment 'sentences' P ${segmented.precision.toFixed(4)} R ${segmented.recall.toFixed(4)} ` +
          `F1 ${segmented.f1.toFixed(4)} (tp ${segmented.tp}, pred ${segmented.pred}); whole abstracts P ${whole.precision.toFixed(4)} ` +
          `R ${whole.recall.toFixed(4)} F1 ${whole.f1.toFixed(4)} (tp ${whole.tp}, pred ${whole.pred})`,
      );
      expect(Math.abs(segmented.f1 - 0.6086)).toBeLessThan(0.01);
      expect(whole.f1).toBeLessThan(segmented.f1 - 0.05);
    } finally {
      await ner.dispose();
    }
  }, 300_000);
});
