// Measures one system in a process of its own, so that its peak memory is its own. bench/run.mjs starts it with
// the system's spec as JSON (argv[2]); progress and the result go back over the IPC channel.
import { loadedAddons } from './lib/addon.mjs';
import { loadTestSet } from './lib/dataset.mjs';
import { loadEval } from './lib/paths.mjs';
import { latencyIndicesOf, measureSubject } from './lib/measure.mjs';
import { currentRssMB, ownCpuSeconds, peakRssMB } from './lib/stats.mjs';
import { measureConcurrency, openNativeNer } from './systems/native-ner.mjs';
import { openOrtLoop } from './systems/ort-loop.mjs';
import { openTransformers } from './systems/transformers-js.mjs';
import { openCrf, trainCrf } from './systems/crf.mjs';
import { measurePii } from './systems/pii.mjs';
import { measureCascade } from './systems/cascade.mjs';
import { measureRules } from './systems/rules.mjs';
import { measureSegmentation } from './systems/segmentation.mjs';
import { measureTokenizer } from './systems/tokenizer.mjs';

/** @typedef {import('./lib/types.js').ChildMessage} ChildMessage */
/** @typedef {import('./lib/types.js').ChildResult} ChildResult */
/** @typedef {import('./lib/types.js').SystemSpec} SystemSpec */

const OPENERS = { native: openNativeNer, 'ort-loop': openOrtLoop, transformers: openTransformers, crf: openCrf };

/** @param {ChildMessage} message */
function send(message) {
  return new Promise((resolve) => {
    if (process.send) process.send(message, undefined, undefined, () => resolve(undefined));
    else resolve(undefined);
  });
}

/** @type {import('./lib/measure.mjs').Progress} */
function progress(fraction, step) {
  void send({ type: 'progress', fraction, step });
}

/** @param {SystemSpec} spec */
async function measure(spec) {
  const { settings } = spec;
  const { dataset, texts } = loadTestSet(settings.sentences);
  const baselineRssMB = currentRssMB();
  /** @type {Omit<ChildResult, 'loadSeconds' | 'peakRssMB' | 'cpuSeconds'>} */
  const base = { id: spec.id, kind: spec.kind, baselineRssMB, notes: [] };
  progress(0, 'loading');

  if (spec.kind === 'crf-train') {
    const training = await trainCrf(spec, progress);
    return { ...base, loadSeconds: 0, peakRssMB: peakRssMB(), training };
  }
  if (spec.kind === 'tokenizer') {
    const tokenizer = await measureTokenizer(texts, progress);
    return { ...base, loadSeconds: 0, peakRssMB: peakRssMB(), tokenizer };
  }
  if (spec.kind === 'segmentation') {
    const segmentation = await measureSegmentation(progress);
    return { ...base, loadSeconds: 0, peakRssMB: peakRssMB(), segmentation };
  }
  if (spec.kind === 'rules') {
    const rules = await measureRules(texts, settings, progress);
    return { ...base, loadSeconds: 0, peakRssMB: peakRssMB(), rules };
  }
  if (spec.kind === 'pii') {
    const pii = await measurePii(settings, progress);
    return { ...base, loadSeconds: 0, peakRssMB: peakRssMB(), pii };
  }
  if (spec.kind === 'cascade') {
    const cascade = await measureCascade(spec, texts, dataset, progress);
    return { ...base, loadSeconds: 0, peakRssMB: peakRssMB(), cascade };
  }
  if (spec.kind === 'concurrency') {
    const concurrency = await measureConcurrency(spec, texts, progress);
    return { ...base, loadSeconds: 0, peakRssMB: peakRssMB(), concurrency };
  }

  const loadStart = performance.now();
  const subject = await OPENERS[spec.kind](spec, texts);
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const { runSeconds, latencyMs, predictions, batchSearch } = await measureSubject(subject, {
    texts,
    latencyIndices: latencyIndicesOf(texts.length, settings, spec.round),
    progress,
  });
  const peak = peakRssMB();  // before scoring, which is the harness's work, not the system's
  /** @type {Omit<ChildResult, 'cpuSeconds'>} */
  const result = { ...base, loadSeconds, peakRssMB: peak, runSeconds, latencyMs, notes: subject.notes };
  if (predictions) {
    const { overall, byType } = loadEval().scoreDataset(dataset, predictions);
    result.scores = { overall, byType };
  }
  if (batchSearch) result.batchSearch = batchSearch;
  const engineStats = subject.engineStats?.();
  if (engineStats) result.engineStats = engineStats;
  return result;
}

const spec = /** @type {SystemSpec} */ (JSON.parse(process.argv[2] ?? '{}'));
try {
  const result = await measure(spec);
  await send({ type: 'result', result: { ...result, cpuSeconds: ownCpuSeconds(), addons: loadedAddons() } });
  process.exit(0);
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
}
