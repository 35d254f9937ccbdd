// The cascade row (issue 14, section 5): the risk–coverage trade-off of cascade() on CoNLL-2003 test. Three pairs of
// tiers: native-ner int8 → fp32 (the same model quantized first), the CRF baseline → BERT fp32 and BERT fp32 → the
// CRF. For each threshold, one timed cascade.run() over every sentence (as a batch job would send them): the share
// escalated, strict F1 (lib/eval's scoring) and sentences/s. BERT tiers are judged by their entities' minProb when
// the addon gives it (the confidence option), else their score. CRFsuite's binding returns no probabilities, so the
// CRF tier's confidence is a proxy: per entity, the share of its words that eng.train has inside an entity of the
// same type (the CRF leans on word identity; an unseen word is where it guesses). Every tier runs with one ONNX
// Runtime intra-op thread (the CRF is single-threaded), so the tiers and their cascades compare like with like and the
// run leaves a core to the machine. Only scores and timings leave the child, never texts (CoNLL's licence).
import { existsSync } from 'node:fs';
import { loadEval, loadProject, modelDir, trainFile } from '../lib/paths.mjs';
import { loadCrfsuite, readTaggedSentences, sentenceFeatures } from './crf-model.mjs';

/** Thresholds swept for BERT first tiers (probabilities) and for the CRF's proxy (shares of words seen). */
const MODEL_THRESHOLDS = [0, 0.5, 0.8, 0.9, 0.95, 0.99, 1];
const CRF_THRESHOLDS = [0, 0.5, 0.99, 1];

/**
 * Words that eng.train has inside an entity, by type ("PER\tSmith"): the CRF proxy's vocabulary.
 * @returns {Set<string>}
 */
function entityWordsOfTraining() {
  const words = new Set();
  for (const sentence of readTaggedSentences(trainFile)) {
    sentence.tags.forEach((tag, i) => {
      if (tag !== 'O') words.add(`${tag.slice(2)}\t${sentence.words[i]}`);
    });
  }
  return words;
}

/**
 * The CRF as a cascade tier: the text split back into its words, CRFsuite's tags to character spans with the
 * evaluator's conventions (as bench/systems/crf.mjs), and the proxy confidence.
 * @param {string} path the trained model
 */
function crfTier(path) {
  const { Tagger } = loadCrfsuite();
  const tagger = new Tagger();
  if (!tagger.open(path)) throw new Error(`crfsuite could not open ${path}`);
  const { tagsToSpans, toSentence } = loadEval();
  const seen = entityWordsOfTraining();
  /** @param {string} text */
  const tag = (text) =>
    toSentence(text.split(' '), tagsToSpans(tagger.tag(sentenceFeatures(text.split(' '))))).entities.map((span) => ({
      ...span,
      text: text.slice(span.start, span.end),
      score: 1, // no probability: the binding returns labels only
    }));
  return {
    name: 'CRF',
    tier: { extract: async (/** @type {string[]} */ texts) => texts.map(tag) },
    /** The lowest share, over the text's entities, of words seen in an entity of the same type in training. */
    confidence: (/** @type {{ label: string; text: string }[]} */ entities) => {
      if (entities.length === 0) return null;
      return Math.min(
        ...entities.map((e) => {
          const words = e.text.split(' ');
          return words.filter((w) => seen.has(`${e.label}\t${w}`)).length / words.length;
        }),
      );
    },
  };
}

/**
 * @param {import('../lib/types.js').SystemSpec} spec
 * @param {string[]} texts
 * @param {import('../../dist/eval/index.js').Dataset} dataset
 * @param {import('../lib/measure.mjs').Progress} progress
 * @returns {Promise<import('../lib/types.js').CascadeBenchResult>}
 */
export async function measureCascade(spec, texts, dataset, progress) {
  const lib = loadProject();
  const { scoreDataset } = loadEval();
  if (!spec.crfModelPath || !existsSync(spec.crfModelPath)) throw new Error(`no trained CRF model at ${spec.crfModelPath}`);
  progress(0.01, 'loading int8, fp32 and the CRF');
  const load = { intraOpThreads: 1 };
  const int8 = await lib.NativeNer.load(modelDir, { ...load, modelFile: 'model_int8.onnx' });
  const fp32 = await lib.NativeNer.load(modelDir, { ...load, modelFile: 'model.onnx' });
  const crf = crfTier(spec.crfModelPath);
  const bert = (/** @type {any} */ ner, /** @type {string} */ name) => ({ tier: ner, name });

  // Does the addon give minProb (the confidence option)? Then BERT tiers are judged by it.
  const probe = await int8.extract(texts.slice(0, 50), { confidence: true });
  const signal = probe.flat().some((e) => typeof e.minProb === 'number') ? 'minProb' : 'score';

  const pairs = [
    { name: 'int8 → fp32', tiers: [bert(int8, 'int8'), bert(fp32, 'fp32')], thresholds: MODEL_THRESHOLDS },
    { name: 'CRF → BERT fp32', tiers: [crf, bert(fp32, 'fp32')], thresholds: CRF_THRESHOLDS },
    { name: 'BERT fp32 → CRF', tiers: [bert(fp32, 'fp32'), crf], thresholds: MODEL_THRESHOLDS },
  ];
  const steps = pairs.reduce((n, p) => n + p.thresholds.length + 2, 0);
  let step = 0;
  // Wall time, and the process's CPU time (every thread's): on a busy machine the second still measures the work.
  const timed = async (/** @type {() => Promise<any>} */ call) => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const value = await call();
    const { user, system } = process.cpuUsage(cpu);
    return { value, seconds: (performance.now() - started) / 1000, cpuSeconds: (user + system) / 1e6 };
  };

  /** @type {import('../lib/types.js').CascadeBenchResult['pairs']} */
  const results = [];
  for (const pair of pairs) {
    // Each tier alone first (a warm-up pass, then the timed one): the ends the cascade lies between.
    /** @type {{ tier: string; f1: number; seconds: number; cpuSeconds: number }[]} */
    const alone = [];
    for (const tier of pair.tiers) {
      progress(step++ / steps, `${pair.name}: ${tier.name} alone`);
      await tier.tier.extract(texts);
      const { value, seconds, cpuSeconds } = await timed(() => tier.tier.extract(texts));
      alone.push({ tier: tier.name, f1: scoreDataset(dataset, value).overall.f1, seconds, cpuSeconds });
    }
    /** @type {{ threshold: number; escalated: number; degraded: number; f1: number; seconds: number; cpuSeconds: number }[]} */
    const rows = [];
    for (const threshold of pair.thresholds) {
      progress(step++ / steps, `${pair.name}: threshold ${threshold}`);
      const cascade = lib.cascade(pair.tiers, { threshold, signal: 'auto' });
      const { value, seconds, cpuSeconds } = await timed(() => cascade.run(texts));
      const stats = cascade.stats();
      rows.push({
        threshold,
        escalated: stats.escalated,
        degraded: stats.degraded,
        f1: scoreDataset(dataset, value.map((/** @type {{ entities: unknown[] }} */ r) => r.entities)).overall.f1,
        seconds,
        cpuSeconds,
      });
    }
    results.push({ name: pair.name, alone, rows });
  }
  await int8.dispose();
  await fp32.dispose();
  return { texts: texts.length, signal, pairs: results };
}
