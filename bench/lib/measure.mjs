// The measurement every entity-producing system gets alike, once per round: a warm-up, one timed pass over all
// the sentences, then this round's share of the single-sentence requests, one at a time.
import { evenlySpaced } from './dataset.mjs';
import { msSince } from './stats.mjs';

/** @typedef {import('../../dist/eval/index.js').Span} Span */
/** @typedef {import('./types.js').BatchTrial} BatchTrial */
/** @typedef {import('./types.js').BatchSetting} BatchSetting */
/** @typedef {(fraction: number, step: string) => void} Progress */

/**
 * A system ready to run: indices point into the harness's list of texts, so a system can look up whatever it
 * prepared per text (token ids, word offsets) without the lookup being timed.
 * @typedef {object} Subject
 * @property {(indices: number[]) => Promise<Span[][] | null>} runAll entities per text in `indices` order; null
 *   when the system produces none (the bare model loop)
 * @property {(index: number) => Promise<unknown>} runOne one request holding one text
 * @property {(sets: { all: number[]; latency: number[] }) => void} [prepare] untimed work on the exact inputs
 * @property {(indices: number[], progress: Progress) => Promise<{ trials: BatchTrial[]; chosen: BatchSetting }>} [tune]
 *   picks the system's fastest batch setting on `indices` (offered in the first round only)
 * @property {string[]} notes
 * @property {() => import('./types.js').ChildResult['engineStats']} [engineStats] native-ner: its stats() of the timed pass
 */

const WARM_UP_TEXTS = 64;
const LATENCY_WARM_UP = 20;

/** The single-sentence requests of one round: every rounds-th of the evenly spread samples. */
export function latencyIndicesOf(/** @type {number} */ texts, /** @type {import('./types.js').Settings} */ settings, /** @type {number} */ round) {
  return evenlySpaced(texts, settings.latencySamples).filter((_, k) => k % settings.rounds === round);
}

/**
 * @param {Subject} subject
 * @param {{ texts: string[]; latencyIndices: number[]; progress: Progress }} context
 */
export async function measureSubject(subject, { texts, latencyIndices, progress }) {
  const all = texts.map((_, i) => i);
  subject.prepare?.({ all, latency: latencyIndices });

  progress(0.1, 'warm-up');
  await subject.runAll(all.slice(0, WARM_UP_TEXTS));

  /** @type {Awaited<ReturnType<NonNullable<Subject['tune']>>> | undefined} */
  let batchSearch;
  if (subject.tune) {
    // Tuning on a quarter of the sentences keeps the search cheap; the chosen setting then runs on all.
    const subset = evenlySpaced(texts.length, Math.max(WARM_UP_TEXTS, Math.ceil(texts.length / 4)));
    batchSearch = await subject.tune(subset, (f, step) => progress(0.15 + 0.45 * f, step));
  }

  progress(subject.tune ? 0.6 : 0.2, 'timed pass');
  const start = performance.now();
  const predictions = await subject.runAll(all);
  const runSeconds = [msSince(start) / 1000];

  // Single requests after large batches start cold (thread pools, caches): a few untimed ones first.
  for (const index of latencyIndices.slice(0, LATENCY_WARM_UP)) await subject.runOne(index);
  const latencyMs = [];
  for (let k = 0; k < latencyIndices.length; k++) {
    if (k % 25 === 0) progress(0.8 + (0.2 * k) / latencyIndices.length, `single requests ${k}/${latencyIndices.length}`);
    const requestStart = performance.now();
    await subject.runOne(latencyIndices[k]);
    latencyMs.push(msSince(requestStart));
  }
  return { runSeconds, latencyMs, predictions, batchSearch };
}
