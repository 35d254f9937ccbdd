// The CRF baseline (CRFsuite through the `crfsuite` package): training, cached by content, and tagging.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { cacheDir, loadEval, packageVersion, trainFile } from '../lib/paths.mjs';
import { FULL_TRAINING, loadCrfsuite, readTaggedSentences, sentenceFeatures, TRAINING_PARAMS } from './crf-model.mjs';

/** @typedef {import('../lib/types.js').SystemSpec} SystemSpec */

const MODEL_SOURCE = fileURLToPath(new URL('./crf-model.mjs', import.meta.url));

/**
 * The cached model file for a training size: its name hashes the features code, the training data, the
 * settings and the crfsuite version, so any change trains a new one.
 * @param {{ sentences?: number; maxIterations: number }} training
 */
export function crfModelPath(training) {
  const hash = createHash('sha256');
  hash.update(readFileSync(MODEL_SOURCE));
  hash.update(readFileSync(trainFile));
  hash.update(JSON.stringify({ TRAINING_PARAMS, training: [training.sentences ?? 'all', training.maxIterations] }));
  hash.update(String(packageVersion('crfsuite')));
  return join(cacheDir, 'crf', `conll03-${hash.digest('hex').slice(0, 16)}.crfsuite`);
}

/**
 * Trains on CoNLL-2003 train (IOB2 tags) and writes the model. CRFsuite reports each iteration on stdout (the
 * harness follows it for its progress bar); the write goes through a temporary name so a cut-off run leaves
 * no half model behind.
 * @param {SystemSpec} spec
 * @param {import('../lib/measure.mjs').Progress} progress
 */
export async function trainCrf(spec, progress) {
  const training = spec.crfTraining ?? FULL_TRAINING;
  const path = spec.crfModelPath ?? crfModelPath(training);
  const sentences = readTaggedSentences(trainFile, training.sentences);
  const { Trainer } = loadCrfsuite();
  const trainer = new Trainer({ debug: true });
  const params = { ...TRAINING_PARAMS, max_iterations: training.maxIterations };
  trainer.set_params(Object.fromEntries(Object.entries(params).map(([key, value]) => [key, String(value)])));
  const start = performance.now();
  for (let i = 0; i < sentences.length; i++) {
    trainer.append(sentenceFeatures(sentences[i].words), sentences[i].tags);
    if (i % 1000 === 999) {
      progress(0.1 * (i / sentences.length), `features ${i + 1}/${sentences.length}`);
      await new Promise((resolve) => setImmediate(resolve));  // lets the progress message out
    }
  }
  progress(0.1, 'L-BFGS');
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  const status = trainer.train(temporary);
  if (status !== 0 || !existsSync(temporary)) throw new Error(`CRFsuite training failed (status ${status})`);
  renameSync(temporary, path);
  return { sentences: sentences.length, iterations: training.maxIterations, seconds: (performance.now() - start) / 1000 };
}

/**
 * Tagging measured like the other systems: the text split back into its words, features, Viterbi in CRFsuite,
 * IOB2 tags to character spans with the evaluator's own conventions.
 * @param {SystemSpec} spec
 * @param {string[]} texts
 * @returns {Promise<import('../lib/measure.mjs').Subject>}
 */
export async function openCrf(spec, texts) {
  const path = spec.crfModelPath;
  if (!path || !existsSync(path)) throw new Error(`no trained CRF model at ${path}`);
  const { Tagger } = loadCrfsuite();
  const tagger = new Tagger();
  if (!tagger.open(path)) throw new Error(`crfsuite could not open ${path}`);
  const { tagsToSpans, toSentence } = loadEval();
  const tag = (/** @type {string} */ text) => {
    const words = text.split(' ');
    return toSentence(words, tagsToSpans(tagger.tag(sentenceFeatures(words)))).entities;
  };
  return {
    runAll: async (indices) => indices.map((i) => tag(texts[i])),
    runOne: async (index) => tag(texts[index]),
    notes: [`crfsuite ${packageVersion('crfsuite')} (CRFsuite, single-threaded), words split on spaces, IOB2 tags`],
  };
}
