// native-ner itself, through its public API as compiled in dist/.
import { relative } from 'node:path';
import { loadProject, modelDir, repoRoot } from '../lib/paths.mjs';

/** @typedef {import('../lib/types.js').SystemSpec} SystemSpec */
/** @typedef {import('../../dist/index.js').ExtractOptions} ExtractOptions */

/** @param {SystemSpec} spec */
async function load(spec) {
  const { NativeNer } = loadProject();
  const ner = await NativeNer.load(modelDir, { modelFile: spec.modelFile });
  /** @type {ExtractOptions} */
  const options = { decoding: spec.decoding, aggregation: spec.aggregation };
  return { ner, options };
}

/**
 * All texts go to one extract call, as a batch job would send them: the engine sorts, batches and decodes.
 * @param {SystemSpec} spec
 * @param {string[]} texts
 * @returns {Promise<import('../lib/measure.mjs').Subject>}
 */
export async function openNativeNer(spec, texts) {
  const { ner, options } = await load(spec);
  /** @type {import('../lib/types.js').ChildResult['engineStats']} */
  let passStats;
  return {
    // stats() of the last pass over every text (the timed one): real and padded tokens, for the hardware table.
    runAll: async (indices) => {
      ner.resetStats();
      const entities = await ner.extract(indices.map((i) => texts[i]), options);
      if (indices.length === texts.length) {
        const { texts: count, windows, batches, tokens, paddedTokens } = ner.stats();
        passStats = { texts: count, windows, batches, tokens, paddedTokens };
      }
      return entities;
    },
    engineStats: () => passStats,
    runOne: (index) => ner.extract(texts[index], options),
    notes: [`ONNX Runtime ${ner.info.ortVersion} (${relative(repoRoot, ner.info.ortLibraryPath)}), intra-op threads: its default`],
  };
}

/** Concurrent callers per wave in the concurrency measurement. */
export const CALLERS = 64;

/**
 * Single-sentence calls over all texts: awaited one by one, then 64 callers at a time (Promise.all).
 * @param {SystemSpec} spec
 * @param {string[]} texts
 * @param {import('../lib/measure.mjs').Progress} progress
 */
export async function measureConcurrency(spec, texts, progress) {
  const { ner, options } = await load(spec);
  await Promise.all(texts.slice(0, CALLERS).map((text) => ner.extract(text, options)));

  progress(0.1, 'sequential calls');
  let start = performance.now();
  for (const text of texts) await ner.extract(text, options);
  const sequentialSeconds = [(performance.now() - start) / 1000];

  progress(0.6, `${CALLERS} concurrent callers`);
  start = performance.now();
  for (let from = 0; from < texts.length; from += CALLERS) {
    await Promise.all(texts.slice(from, from + CALLERS).map((text) => ner.extract(text, options)));
  }
  const concurrentSeconds = [(performance.now() - start) / 1000];
  return { callers: CALLERS, sequentialSeconds, concurrentSeconds };
}
