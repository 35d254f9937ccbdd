// Sentence segmentation alone: native-ner's splitter (the package's `sentences`) beside Intl.Segmenter (sentence
// granularity, Node's full ICU) and the npm package `sentence-splitter`, on whole documents whose sentence breaks
// are known: CoNLL-2003 test documents (split at -DOCSTART-) and GENIA test abstracts (grouped by doc_id), each
// document's sentences (words joined by single spaces) joined by single spaces. A boundary is where a sentence other
// than a document's first starts; precision, recall and F1 count the boundaries each splitter finds against those,
// summed over the documents. Speed: MB/s of UTF-8 text on the JS thread, at least 1 s per splitter and dataset.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProject, requireFromRepo, sharedDir } from '../lib/paths.mjs';

const MIN_SECONDS = 1;

export const SEGMENTATION_DATASETS = [
  { name: 'CoNLL-2003 test documents', file: join(sharedDir, 'datasets', 'conll2003', 'eng.testb'), read: readConllDocuments },
  { name: 'GENIA test abstracts', file: join(sharedDir, 'datasets', 'genia-nested', 'test.jsonlines'), read: readGeniaDocuments },
];

/**
 * Documents of a CoNLL file: sentences are blank-line separated, documents start at -DOCSTART- lines.
 * @param {string} file
 * @returns {string[][]} each document's sentences
 */
export function readConllDocuments(file) {
  /** @type {string[][]} */
  const documents = [];
  /** @type {string[]} */
  let words = [];
  const endSentence = () => {
    if (words.length > 0) documents[documents.length - 1]?.push(words.join(' '));
    words = [];
  };
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const word = line.split(' ')[0];
    if (word === '-DOCSTART-') {
      endSentence();
      documents.push([]);
    } else if (line.trim() === '') {
      endSentence();
    } else {
      if (documents.length === 0) documents.push([]);
      words.push(word);
    }
  }
  endSentence();
  return documents.filter((d) => d.length > 0);
}

/**
 * GENIA abstracts: JSON lines grouped by doc_id, in file order.
 * @param {string} file
 * @returns {string[][]}
 */
export function readGeniaDocuments(file) {
  /** @type {Map<string, string[]>} */
  const byDoc = new Map();
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const { tokens, doc_id: doc } = JSON.parse(line);
    if (!byDoc.has(doc)) byDoc.set(doc, []);
    byDoc.get(doc)?.push(tokens.join(' '));
  }
  return [...byDoc.values()];
}

/**
 * A document's text and its gold boundaries (where each sentence after the first starts).
 * @param {string[]} sentences
 */
export function documentOf(sentences) {
  /** @type {number[]} */
  const boundaries = [];
  let offset = 0;
  for (const [i, s] of sentences.entries()) {
    if (i > 0) boundaries.push(offset);
    offset += s.length + 1;
  }
  return { text: sentences.join(' '), boundaries };
}

/**
 * The splitters, each giving the start offsets of a text's sentences (leading whitespace skipped).
 * @returns {{ id: string; label: string; starts: (text: string) => number[] }[]}
 */
export function splitters() {
  const { sentences } = loadProject();
  const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
  const splitter = /** @type {typeof import('sentence-splitter')} */ (requireFromRepo('sentence-splitter'));
  /** @param {string} text @param {number} at */
  const skipSpace = (text, at) => {
    while (at < text.length && /\s/.test(text[at])) at++;
    return at;
  };
  return [
    { id: 'native-ner', label: 'native-ner sentences()', starts: (text) => sentences(text).map((s) => s.start) },
    {
      id: 'intl-segmenter',
      label: 'Intl.Segmenter (sentence)',
      starts: (text) => [...segmenter.segment(text)].map((s) => skipSpace(text, s.index)),
    },
    {
      id: 'sentence-splitter',
      label: 'sentence-splitter',
      starts: (text) => splitter.split(text).filter((n) => n.type === 'Sentence').map((n) => skipSpace(text, n.range[0])),
    },
  ];
}

/**
 * Boundary counts of one splitter over documents.
 * @param {(text: string) => number[]} starts
 * @param {{ text: string; boundaries: number[] }[]} documents
 */
export function scoreBoundaries(starts, documents) {
  let tp = 0;
  let predicted = 0;
  let gold = 0;
  for (const { text, boundaries } of documents) {
    const found = new Set(starts(text).filter((s) => s > 0 && s < text.length));
    predicted += found.size;
    gold += boundaries.length;
    for (const b of boundaries) if (found.has(b)) tp++;
  }
  const precision = predicted ? tp / predicted : 0;
  const recall = gold ? tp / gold : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { tp, predicted, gold, precision, recall, f1 };
}

/**
 * Splits every document over and over for at least MIN_SECONDS; MB/s of UTF-8 text.
 * @param {(text: string) => number[]} starts
 * @param {string[]} texts
 */
function speedOf(starts, texts) {
  const bytes = texts.reduce((sum, t) => sum + Buffer.byteLength(t, 'utf8'), 0);
  for (const t of texts) starts(t);
  let passes = 0;
  let seconds = 0;
  const begin = performance.now();
  while (seconds < MIN_SECONDS) {
    for (const t of texts) starts(t);
    passes++;
    seconds = (performance.now() - begin) / 1000;
  }
  return { bytes: bytes * passes, seconds };
}

/**
 * @param {import('../lib/measure.mjs').Progress} progress
 * @returns {Promise<{ rows: import('../lib/types.js').SegmentationRow[] }>}
 */
export async function measureSegmentation(progress) {
  /** @type {import('../lib/types.js').SegmentationRow[]} */
  const rows = [];
  const all = splitters();
  for (const [d, dataset] of SEGMENTATION_DATASETS.entries()) {
    const documents = dataset.read(dataset.file).map(documentOf);
    for (const [s, splitter] of all.entries()) {
      progress((d * all.length + s) / (SEGMENTATION_DATASETS.length * all.length), `${dataset.name}: ${splitter.label}`);
      const scores = scoreBoundaries(splitter.starts, documents);
      const speed = speedOf(splitter.starts, documents.map((doc) => doc.text));
      rows.push({ dataset: dataset.name, documents: documents.length, splitter: splitter.id, label: splitter.label, ...scores, ...speed });
    }
  }
  return { rows };
}
