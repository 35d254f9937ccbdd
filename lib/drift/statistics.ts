// Distances between two distributions given as counts over the same bins: population stability index and
// Jensen–Shannon distance for categories (or any bins), and Kolmogorov–Smirnov and Wasserstein-1 for numeric values
// counted in ordered bins. Pure functions on numbers: no addon, no I/O (docs/monitoring.md "Statistics").

/** Shares below this are raised to it before PSI's logarithm, so an empty bin on one side gives a large finite term. */
export const PSI_FLOOR = 1e-4;

function total(counts: readonly number[]): number {
  return counts.reduce((sum, c) => sum + c, 0);
}

function checkSameLength(baseline: readonly number[], current: readonly number[]): void {
  if (baseline.length !== current.length) {
    throw new RangeError(`the two distributions have ${baseline.length} and ${current.length} bins; they must be counted over the same bins`);
  }
}

/**
 * Population stability index: Σ (c_i − b_i) · ln(c_i / b_i) over the shares of each bin in the current (c) and
 * baseline (b) counts, shares floored at PSI_FLOOR. 0 for equal distributions; symmetric; unbounded. NaN when either
 * side has no counts.
 */
export function populationStabilityIndex(baseline: readonly number[], current: readonly number[]): number {
  checkSameLength(baseline, current);
  const nb = total(baseline);
  const nc = total(current);
  if (nb === 0 || nc === 0) return Number.NaN;
  let psi = 0;
  for (let i = 0; i < baseline.length; i++) {
    if (baseline[i] === 0 && current[i] === 0) continue;
    const b = Math.max(baseline[i] / nb, PSI_FLOOR);
    const c = Math.max(current[i] / nc, PSI_FLOOR);
    psi += (c - b) * Math.log(c / b);
  }
  return psi;
}

/**
 * Jensen–Shannon distance: the square root of the Jensen–Shannon divergence in bits, so it lies in [0, 1] (1: no
 * bin in common) and is a metric. Needs no smoothing: the mixture is never 0 where a side is not. NaN when either
 * side has no counts.
 */
export function jensenShannonDistance(baseline: readonly number[], current: readonly number[]): number {
  checkSameLength(baseline, current);
  const nb = total(baseline);
  const nc = total(current);
  if (nb === 0 || nc === 0) return Number.NaN;
  let divergence = 0;
  for (let i = 0; i < baseline.length; i++) {
    const b = baseline[i] / nb;
    const c = current[i] / nc;
    const m = (b + c) / 2;
    if (b > 0) divergence += (b / 2) * Math.log2(b / m);
    if (c > 0) divergence += (c / 2) * Math.log2(c / m);
  }
  return Math.sqrt(Math.max(0, Math.min(1, divergence)));
}

/**
 * The Kolmogorov distribution's tail Q(λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2 j² λ²}: the asymptotic probability that the
 * scaled two-sample statistic exceeds λ when both samples come from one distribution.
 */
export function kolmogorovTail(lambda: number): number {
  if (!(lambda > 0)) return 1;
  // Below about 0.3 the series converges slowly and the tail is 1 to double precision.
  if (lambda < 0.3) return 1;
  let sum = 0;
  let sign = 1;
  for (let j = 1; j <= 100; j++) {
    const term = Math.exp(-2 * j * j * lambda * lambda);
    sum += sign * term;
    if (term < 1e-16) break;
    sign = -sign;
  }
  return Math.max(0, Math.min(1, 2 * sum));
}

export interface KsResult {
  /** The largest difference between the two cumulative distributions, at a bin's upper bound. */
  statistic: number;
  /** Asymptotic p-value of the two-sample test (Stephens' small-sample correction); NaN when a side is empty. */
  pValue: number;
}

/**
 * Two-sample Kolmogorov–Smirnov test from counts over ordered bins. Only the cumulative distributions at bin bounds
 * are known, so the statistic is the largest gap there: never more than the statistic of the raw values (equal to it
 * when values sit on the bounds), so with coarse bins the test misses shifts inside a bin and its p-value errs high
 * (the test is conservative). The p-value is Q((√nₑ + 0.12 + 0.11/√nₑ) · D) with nₑ = n·m/(n+m) (Stephens 1970,
 * as Numerical Recipes' kstwo), which assumes continuous values; binned values are ties, which also make it high.
 */
export function kolmogorovSmirnov(baseline: readonly number[], current: readonly number[]): KsResult {
  checkSameLength(baseline, current);
  const nb = total(baseline);
  const nc = total(current);
  if (nb === 0 || nc === 0) return { statistic: Number.NaN, pValue: Number.NaN };
  let fb = 0;
  let fc = 0;
  let statistic = 0;
  for (let i = 0; i < baseline.length; i++) {
    fb += baseline[i] / nb;
    fc += current[i] / nc;
    statistic = Math.max(statistic, Math.abs(fb - fc));
  }
  const ne = Math.sqrt((nb * nc) / (nb + nc));
  return { statistic, pValue: kolmogorovTail((ne + 0.12 + 0.11 / ne) * statistic) };
}

/**
 * Where the values of each bin are taken to sit, for Wasserstein: bin i holds (le[i−1], le[i]] and sits at its
 * midpoint; the first bin (everything up to le[0]) at le[0]; the +Inf bin (counts has one more entry than le) at the
 * last bound.
 */
export function binLocations(le: readonly number[]): number[] {
  const at = le.map((bound, i) => (i === 0 ? bound : (le[i - 1] + bound) / 2));
  at.push(le[le.length - 1]);
  return at;
}

/**
 * Wasserstein-1 (earth mover's) distance, in the values' own unit, between counts over ordered bins whose values sit
 * at `locations` (ascending; binLocations for Prometheus-style bounds): ∫ |F_b − F_c| dx between the two step CDFs.
 * Exact for values at those locations; for values spread inside bins an approximation whose error is at most the
 * widest bin. NaN when a side is empty.
 */
export function wasserstein(baseline: readonly number[], current: readonly number[], locations: readonly number[]): number {
  checkSameLength(baseline, current);
  checkSameLength(baseline, locations);
  const nb = total(baseline);
  const nc = total(current);
  if (nb === 0 || nc === 0) return Number.NaN;
  let fb = 0;
  let fc = 0;
  let distance = 0;
  for (let i = 0; i + 1 < baseline.length; i++) {
    fb += baseline[i] / nb;
    fc += current[i] / nc;
    distance += Math.abs(fb - fc) * (locations[i + 1] - locations[i]);
  }
  return distance;
}
