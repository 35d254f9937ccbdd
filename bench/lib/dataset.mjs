// The test set every system is measured on: CoNLL-2003 eng.testb through the project's own reader, so the
// texts (words joined by single spaces) and gold spans are those of `native-ner eval`.
import { loadEval, testFile } from './paths.mjs';

/** Sentences used by a --quick run: few enough for a one-minute smoke test. */
export const QUICK_SENTENCES = 300;

/** `count` indices spread evenly over 0..n-1, so a subset keeps the set's mix of sentence lengths. */
export function evenlySpaced(/** @type {number} */ n, /** @type {number} */ count) {
  const take = Math.min(n, count);
  return Array.from({ length: take }, (_, i) => Math.floor((i * n) / take));
}

/**
 * The test set, or `sentences` of it spread evenly; `texts[i]` and `dataset.sentences[i]` belong together.
 * @param {number} [sentences]
 */
export function loadTestSet(sentences) {
  const { readConll } = loadEval();
  const full = readConll(testFile);
  const kept =
    sentences === undefined || sentences >= full.sentences.length
      ? full.sentences
      : evenlySpaced(full.sentences.length, sentences).map((i) => full.sentences[i]);
  const dataset = { ...full, sentences: kept };
  return { dataset, texts: kept.map((s) => s.text) };
}
