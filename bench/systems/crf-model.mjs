// The CRF baseline's definition: word features, training settings and the training data reader. The cached
// model is keyed by a hash of this file, so changing a feature here retrains it.
import { readFileSync } from 'node:fs';
import { requireFromRepo } from '../lib/paths.mjs';

/** CRFsuite L-BFGS with elastic net (the sklearn-crfsuite CoNLL tutorial's settings). */
export const TRAINING_PARAMS = { c1: 0.1, c2: 0.01, 'feature.possible_transitions': 1 };
/** @type {{ sentences?: number; maxIterations: number }} all training sentences */
export const FULL_TRAINING = { maxIterations: 100 };
/**
 * --quick without a cached full model: a small model, enough to check the harness end to end.
 * @type {{ sentences?: number; maxIterations: number }}
 */
export const QUICK_TRAINING = { sentences: 1000, maxIterations: 25 };

/**
 * The crfsuite binding, typed as it behaves: its index.d.ts says tag() returns { probability, result }, but it
 * returns the label array.
 * @typedef {{ open(path: string): boolean; tag(xseq: string[][]): string[] }} CrfTagger
 * @typedef {{ set_params(params: Record<string, string>): void; append(xseq: string[][], yseq: string[]): void; train(path: string): number }} CrfTrainer
 */
export function loadCrfsuite() {
  const crfsuite = /** @type {{ Tagger: new () => CrfTagger; Trainer: new (options?: { debug?: boolean }) => CrfTrainer }} */ (
    requireFromRepo('crfsuite')
  );
  return crfsuite;
}

/** Short word shape: letters and digits as X, x, d with repeats collapsed ("Smith" → "Xx", "1996-08-22" → "d-d-d"). */
function shapeOf(/** @type {string} */ word) {
  return word
    .replace(/\p{Lu}/gu, 'X')
    .replace(/\p{Ll}/gu, 'x')
    .replace(/\p{Nd}/gu, 'd')
    .replace(/(.)\1+/gu, '$1');
}

/** The features of one word, each a "name=value" attribute. */
function wordFeatures(/** @type {string} */ word) {
  const lower = word.toLowerCase();
  return [
    `w=${word}`,
    `lower=${lower}`,
    `pre1=${word.slice(0, 1)}`,
    `pre2=${word.slice(0, 2)}`,
    `pre3=${word.slice(0, 3)}`,
    `suf1=${word.slice(-1)}`,
    `suf2=${word.slice(-2)}`,
    `suf3=${word.slice(-3)}`,
    `shape=${shapeOf(word)}`,
    `title=${/^\p{Lu}\P{Lu}*$/u.test(word)}`,
    `upper=${/\p{Lu}/u.test(word) && word === word.toUpperCase()}`,
    `digit=${/^\p{Nd}+$/u.test(word)}`,
  ];
}

const WINDOW = 2;

/** CRFsuite items of a sentence: each word's features and those of the words up to two away, position-prefixed. */
export function sentenceFeatures(/** @type {string[]} */ words) {
  const own = words.map(wordFeatures);
  return words.map((_, i) => {
    const attributes = ['bias'];
    for (let offset = -WINDOW; offset <= WINDOW; offset++) {
      const j = i + offset;
      if (j < 0) attributes.push(`${offset}:BOS`);
      else if (j >= words.length) attributes.push(`${offset}:EOS`);
      else for (const feature of own[j]) attributes.push(`${offset}:${feature}`);
    }
    return attributes;
  });
}

/**
 * Words and tags of a CoNLL file (first column the word, last the tag), sentence by sentence.
 * @param {string} path
 * @param {number} [limit] most sentences to read
 */
export function readTaggedSentences(path, limit = Infinity) {
  /** @type {{ words: string[]; tags: string[] }[]} */
  const sentences = [];
  let words = [];
  let tags = [];
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    if (sentences.length >= limit) break;
    const fields = line.trim().split(/\s+/);
    if (fields[0] === '' || fields[0] === '-DOCSTART-') {
      if (words.length > 0) sentences.push({ words, tags });
      words = [];
      tags = [];
      continue;
    }
    words.push(fields[0]);
    tags.push(fields[fields.length - 1]);
  }
  if (words.length > 0 && sentences.length < limit) sentences.push({ words, tags });
  return sentences;
}
