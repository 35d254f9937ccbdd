// native-ner itself, through its public API as compiled in dist/.
import { relative } from 'node:path';
import { loadProject, modelDir, repoRoot } from '../lib/paths.mjs';
import { ortLibraryOf } from './ort-loop.mjs';

/** @typedef {import('../lib/types.js').SystemSpec} SystemSpec */
/** @typedef {import('../../dist/index.js').ExtractOptions} ExtractOptions */

/** @param {SystemSpec} spec */
async function load(spec) {
  const { NativeNer } = loadProject();
  // The previous pin runs through ortLibraryPath; the project's is native-ner's own choice for the CPU.
  const ortLibraryPath = spec.ortPackage === 'previous' ? ortLibraryOf('previous') : undefined;
  const ner = await NativeNer.load(modelDir, { modelFile: spec.modelFile, ortLibraryPath });
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

/** Callers in flight in the concurrency measurement. */
export const CALLERS = 64;

/**
 * One sentence per call over all texts, four ways in this one process (so the ratios compare like with like):
 * awaited one by one; CALLERS callers each sending its next sentence as soon as its last returns, as a server's
 * requests arrive; CALLERS calls at a time awaited together (Promise.all waves, where the engine drains between
 * waves); and, for comparison, all sentences in one call, also with its batches capped at the concurrent pass's mean.
 * @param {SystemSpec} spec
 * @param {string[]} texts
 * @param {import('../lib/measure.mjs').Progress} progress
 * @returns {Promise<import('../lib/types.js').ConcurrencyResult>}
 */
export async function measureConcurrency(spec, texts, progress) {
  const { ner, options } = await load(spec);
  // Warm-up: every batch shape the passes meet, so none of them pays for first-time allocations.
  await Promise.all(texts.slice(0, CALLERS).map((text) => ner.extract(text, options)));
  await ner.extract(texts, options);

  /** @param {() => Promise<unknown>} pass */
  const timed = async (pass) => {
    ner.resetStats();
    const start = performance.now();
    await pass();
    const seconds = (performance.now() - start) / 1000;
    const { batches, windows, tokens, paddedTokens, inferenceSeconds, decodeSeconds } = ner.stats();
    return { seconds, stats: { batches, windows, tokens, paddedTokens, inferenceSeconds, decodeSeconds } };
  };

  progress(0.05, 'one call of every sentence');
  const oneCall = await timed(() => ner.extract(texts, options));
  progress(0.2, 'sequential calls');
  const sequential = await timed(async () => {
    for (const text of texts) await ner.extract(text, options);
  });
  progress(0.55, `${CALLERS} concurrent callers`);
  const concurrent = await timed(async () => {
    let next = 0;
    const caller = async () => {
      while (next < texts.length) await ner.extract(texts[next++], options);
    };
    await Promise.all(Array.from({ length: CALLERS }, caller));
  });
  // The control: one call again, its batches capped at the concurrent pass's mean size. When this runs as slowly as
  // the concurrent callers, what they lose is the smaller batches, not the engine's per-call work.
  const cappedRows = Math.max(1, Math.round(concurrent.stats.windows / concurrent.stats.batches));
  progress(0.7, `one call in batches of ${cappedRows}`);
  const capped = await timed(() => ner.extract(texts, { ...options, batchSize: cappedRows }));
  progress(0.8, `waves of ${CALLERS} calls`);
  const waves = await timed(async () => {
    for (let from = 0; from < texts.length; from += CALLERS) {
      await Promise.all(texts.slice(from, from + CALLERS).map((text) => ner.extract(text, options)));
    }
  });
  await ner.dispose();
  return {
    callers: CALLERS,
    sequentialSeconds: [sequential.seconds],
    concurrentSeconds: [concurrent.seconds],
    wavesSeconds: [waves.seconds],
    oneCallSeconds: [oneCall.seconds],
    cappedSeconds: [capped.seconds],
    cappedRows: [cappedRows],
    concurrentStats: [concurrent.stats],
    oneCallStats: [oneCall.stats],
  };
}
