// One system's rounds, each a fresh process, merged into the figures the report shows.
import { median, percentile } from './stats.mjs';

/** @typedef {import('./types.js').ChildResult} ChildResult */
/** @typedef {import('./types.js').Measured} Measured */

/**
 * Timings of all rounds pooled; memory the worst round's; scores and the batch search from the first round,
 * with each round's F1 kept, since int8 results can differ from run to run.
 * @param {ChildResult[]} rounds at least one
 * @returns {Measured}
 */
export function mergeRounds(rounds) {
  const { latencyMs: _firstLatency, ...first } = rounds[0];
  /** @type {Measured} */
  const merged = {
    ...first,
    loadSeconds: median(rounds.map((r) => r.loadSeconds)),
    baselineRssMB: Math.min(...rounds.map((r) => r.baselineRssMB)),
    peakRssMB: Math.max(...rounds.map((r) => r.peakRssMB)),
    cpuSeconds: rounds.reduce((sum, r) => sum + r.cpuSeconds, 0),
    addons: [...new Set(rounds.flatMap((r) => r.addons ?? []))],
  };
  if (first.runSeconds) merged.runSeconds = rounds.flatMap((r) => r.runSeconds ?? []);
  const latencyMs = rounds.flatMap((r) => r.latencyMs ?? []);
  if (latencyMs.length > 0) {
    merged.latency = { samples: latencyMs.length, p50: percentile(latencyMs, 50), p95: percentile(latencyMs, 95) };
  }
  if (first.scores) merged.f1ByRound = rounds.map((r) => r.scores?.overall.f1 ?? NaN);
  if (first.concurrency) {
    const all = (/** @type {keyof Omit<import('./types.js').ConcurrencyResult, 'callers'>} */ key) =>
      /** @type {any[]} */ (rounds.flatMap((r) => /** @type {any[]} */ (r.concurrency?.[key] ?? [])));
    merged.concurrency = {
      callers: first.concurrency.callers,
      sequentialSeconds: all('sequentialSeconds'),
      concurrentSeconds: all('concurrentSeconds'),
      wavesSeconds: all('wavesSeconds'),
      oneCallSeconds: all('oneCallSeconds'),
      cappedSeconds: all('cappedSeconds'),
      cappedRows: all('cappedRows'),
      concurrentStats: all('concurrentStats'),
      oneCallStats: all('oneCallStats'),
    };
  }
  if (first.tokenizer) merged.tokenizer = { rounds: rounds.flatMap((r) => r.tokenizer?.rounds ?? []) };
  if (first.segmentation) merged.segmentation = { rows: rounds.flatMap((r) => r.segmentation?.rows ?? []) };
  if (first.rules) {
    merged.rules = {
      ...first.rules,
      loads: rounds.flatMap((r) => r.rules?.loads ?? []),
      withoutSeconds: rounds.flatMap((r) => r.rules?.withoutSeconds ?? []),
      withSeconds: rounds.flatMap((r) => r.rules?.withSeconds ?? []),
    };
  }
  if (first.cascade) {
    // Scores from the first round; every round's seconds, for medians.
    const secondsOf = (
      /** @type {number} */ p,
      /** @type {'alone' | 'rows'} */ part,
      /** @type {number} */ i,
      /** @type {'seconds' | 'cpuSeconds'} */ which = 'seconds',
    ) => rounds.flatMap((r) => r.cascade?.pairs[p]?.[part][i]?.[which] ?? []);
    merged.cascade = {
      ...first.cascade,
      pairs: first.cascade.pairs.map((pair, p) => ({
        ...pair,
        alone: pair.alone.map((a, i) => ({ ...a, seconds: secondsOf(p, 'alone', i), cpuSeconds: secondsOf(p, 'alone', i, 'cpuSeconds') })),
        rows: pair.rows.map((row, i) => ({ ...row, seconds: secondsOf(p, 'rows', i), cpuSeconds: secondsOf(p, 'rows', i, 'cpuSeconds') })),
      })),
    };
  }
  if (first.pii) {
    merged.pii = {
      ...first.pii,
      extractSeconds: rounds.flatMap((r) => r.pii?.extractSeconds ?? []),
      redactSeconds: rounds.flatMap((r) => r.pii?.redactSeconds ?? []),
    };
  }
  return merged;
}
