// Temperature scaling (Guo et al., 2017) fitted by maximum likelihood: the numeric part of `native-ner calibrate`,
// pure (no addon), so unit tests run it on synthetic logits. The engine applies what is fitted here as
// native/core/decode/calibration.h describes: label k's logit is divided by T_k before the softmax.
//
// Both fits minimise the mean negative log-likelihood (NLL) of the gold labels,
//   NLL(T) = mean over tokens n of [ log Σ_k exp(z_nk / T_k) − z_n,gold(n) / T_gold(n) ].
// As a function of the inverse temperatures β_k = 1 / T_k it is convex (a log-sum-exp of linear functions of β minus
// a linear one), and β ↦ log T is a one-to-one monotone change of variables per coordinate, so:
// - one temperature: NLL(log T) has a single minimum, which golden-section search over log T finds;
// - one per label: every stationary point in log T is the global minimum, so gradient descent on the log
//   temperatures (Barzilai–Borwein steps with a backtracking safeguard) converges to it.

/** Logits of labelled tokens: row n of `logits` (width `labels`) is token n's, `gold[n]` its label's index. */
export interface LabelledLogits {
  logits: Float32Array;
  gold: Int32Array;
  /** Label count (the row width). */
  labels: number;
}

/** Temperatures are kept within [MIN_TEMPERATURE, MAX_TEMPERATURE]: beyond them a label is all but switched off. */
export const MIN_TEMPERATURE = 0.01;
export const MAX_TEMPERATURE = 100;
const LOG_MIN = Math.log(MIN_TEMPERATURE);
const LOG_MAX = Math.log(MAX_TEMPERATURE);

export interface SingleTemperatureFit {
  temperature: number;
  nllBefore: number;
  nllAfter: number;
  /** Golden-section steps taken. */
  iterations: number;
}

export interface LabelTemperaturesFit {
  /** One temperature per label, in label order. */
  temperatures: number[];
  nllBefore: number;
  nllAfter: number;
  iterations: number;
  /** Whether the gradient fell below the tolerance (else the iteration limit or a stalled line search ended it). */
  converged: boolean;
  /** The largest |∂NLL/∂log T_k| at the end (components pushing a temperature past its bound left out). */
  gradientNorm: number;
}

function checkData({ logits, gold, labels }: LabelledLogits): number {
  if (!Number.isInteger(labels) || labels < 2) throw new RangeError(`labels must be an integer of at least 2, got ${labels}`);
  if (logits.length !== gold.length * labels) {
    throw new RangeError(`logits hold ${logits.length} values, expected ${gold.length} tokens × ${labels} labels`);
  }
  if (gold.length === 0) throw new RangeError('no labelled tokens to fit on');
  for (const g of gold) if (!(g >= 0 && g < labels)) throw new RangeError(`gold label index ${g} is outside 0..${labels - 1}`);
  return gold.length;
}

/**
 * The NLL of token n's gold label with label k's logit multiplied by `inverse[k]`, computed stably (the row's max
 * subtracted). With `exps`, also leaves exp(scaled logit - max) of each label there, whose sum is `sum`.
 */
function tokenNll(data: LabelledLogits, n: number, inverse: ArrayLike<number>, exps?: Float64Array): { nll: number; sum: number } {
  const { logits, gold, labels } = data;
  const row = n * labels;
  let max = -Infinity;
  for (let k = 0; k < labels; k++) max = Math.max(max, logits[row + k] * inverse[k]);
  let sum = 0;
  for (let k = 0; k < labels; k++) {
    const e = Math.exp(logits[row + k] * inverse[k] - max);
    if (exps) exps[k] = e;
    sum += e;
  }
  return { nll: max + Math.log(sum) - logits[row + gold[n]] * inverse[gold[n]], sum };
}

/** Mean NLL of the gold labels with label k's logits multiplied by `inverse[k]` (1 / T_k). */
export function meanNll(data: LabelledLogits, inverse: ArrayLike<number>): number {
  const tokens = checkData(data);
  let total = 0;
  for (let n = 0; n < tokens; n++) total += tokenNll(data, n, inverse).nll;
  return total / tokens;
}

/** The mean NLL at the given temperatures (one per label), and its gradient with respect to each log T_k. */
export function nllAndGradient(data: LabelledLogits, temperatures: ArrayLike<number>): { nll: number; gradient: Float64Array } {
  const tokens = checkData(data);
  const { logits, gold, labels } = data;
  const inverse = Float64Array.from({ length: labels }, (_, k) => 1 / temperatures[k]);
  // ∂NLL/∂β_k = mean (p_nk − [gold = k]) z_nk; then ∂/∂log T_k = −β_k ∂/∂β_k.
  const byInverse = new Float64Array(labels);
  const probabilities = new Float64Array(labels);
  let total = 0;
  for (let n = 0; n < tokens; n++) {
    const row = n * labels;
    const { nll, sum } = tokenNll(data, n, inverse, probabilities);
    const g = gold[n];
    total += nll;
    for (let k = 0; k < labels; k++) byInverse[k] += (probabilities[k] / sum) * logits[row + k];
    byInverse[g] -= logits[row + g];
  }
  const gradient = Float64Array.from(byInverse, (d, k) => (-inverse[k] * d) / tokens);
  return { nll: total / tokens, gradient };
}

/** Mean NLL with every logit divided by `temperature`. */
export function nllAtTemperature(data: LabelledLogits, temperature: number): number {
  return meanNll(data, new Float64Array(data.labels).fill(1 / temperature));
}

const GOLDEN = (Math.sqrt(5) - 1) / 2;

/**
 * One temperature for every label: golden-section search for the minimum of NLL over log T in
 * [log MIN_TEMPERATURE, log MAX_TEMPERATURE], stopped when the bracket is narrower than `tolerance` (in log T; the
 * default 1e-6 is a relative precision of 1e-6 in T).
 */
export function fitTemperature(data: LabelledLogits, tolerance = 1e-6): SingleTemperatureFit {
  const nllBefore = nllAtTemperature(data, 1);
  const f = (logT: number) => nllAtTemperature(data, Math.exp(logT));
  let [lo, hi] = [LOG_MIN, LOG_MAX];
  let a = hi - GOLDEN * (hi - lo);
  let b = lo + GOLDEN * (hi - lo);
  let [fa, fb] = [f(a), f(b)];
  let iterations = 0;
  while (hi - lo > tolerance) {
    iterations++;
    if (fa <= fb) {
      [hi, b, fb] = [b, a, fa];
      a = hi - GOLDEN * (hi - lo);
      fa = f(a);
    } else {
      [lo, a, fa] = [a, b, fb];
      b = lo + GOLDEN * (hi - lo);
      fb = f(b);
    }
  }
  const temperature = Math.exp((lo + hi) / 2);
  const nllAfter = nllAtTemperature(data, temperature);
  // T = 1 is the model as it is: never report a "fit" that does worse than leaving it alone.
  return nllAfter <= nllBefore ? { temperature, nllBefore, nllAfter, iterations } : { temperature: 1, nllBefore, nllAfter: nllBefore, iterations };
}

export interface LabelFitOptions {
  /** Stop when every |∂NLL/∂log T_k| is below this. Default 1e-6. */
  gradientTolerance?: number;
  /** Stop after this many steps. Default 500. */
  maxIterations?: number;
  /** Where to start: one temperature for all labels (default: fitTemperature's). */
  start?: number;
}

/**
 * One temperature per label: gradient descent on u_k = log T_k, from the single temperature's fit. Step sizes are
 * Barzilai–Borwein's (|Δu·Δg| / |Δg|², the first one 1), halved until the Armijo condition
 * NLL(u − ηg) ≤ NLL(u) − 1e-4·η·|g|² holds; each u_k is kept within the temperature bounds. Stops when the largest
 * |∂NLL/∂u_k| is below `gradientTolerance` (converged), after `maxIterations` steps, or when no step of at least
 * 1e-12 decreases NLL (the minimum within floating-point precision). A temperature held at a bound does not count
 * against convergence while the gradient pushes it outward.
 */
export function fitLabelTemperatures(data: LabelledLogits, options: LabelFitOptions = {}): LabelTemperaturesFit {
  const { gradientTolerance = 1e-6, maxIterations = 500 } = options;
  const labels = data.labels;
  const start = options.start ?? fitTemperature(data).temperature;
  const nllBefore = nllAtTemperature(data, 1);
  const clamp = (u: number) => Math.min(LOG_MAX, Math.max(LOG_MIN, u));
  const temperaturesOf = (u: Float64Array) => Float64Array.from(u, Math.exp);
  // The gradient's size ignoring components that push a temperature past its bound (where it stays).
  const largest = (g: Float64Array, at: Float64Array) =>
    g.reduce((m, x, k) => ((at[k] <= LOG_MIN && x > 0) || (at[k] >= LOG_MAX && x < 0) ? m : Math.max(m, Math.abs(x))), 0);

  let u: Float64Array = new Float64Array(labels).fill(clamp(Math.log(start)));
  let { nll, gradient }: { nll: number; gradient: Float64Array } = nllAndGradient(data, temperaturesOf(u));
  let step = 1;
  let iterations = 0;
  let converged = largest(gradient, u) < gradientTolerance;
  while (!converged && iterations < maxIterations) {
    iterations++;
    const squared = gradient.reduce((s, x) => s + x * x, 0);
    let next: { u: Float64Array; nll: number; gradient: Float64Array } | null = null;
    for (let eta = step; eta >= 1e-12; eta /= 2) {
      const candidate = Float64Array.from(u, (x, k) => clamp(x - eta * gradient[k]));
      const tried = nllAndGradient(data, temperaturesOf(candidate));
      if (tried.nll <= nll - 1e-4 * eta * squared) {
        next = { u: candidate, ...tried };
        break;
      }
    }
    if (!next) break;
    // Barzilai–Borwein: the step that fits the curvature seen along the last move.
    let moved = 0;
    let turned = 0;
    for (let k = 0; k < labels; k++) {
      const du = next.u[k] - u[k];
      const dg = next.gradient[k] - gradient[k];
      moved += du * dg;
      turned += dg * dg;
    }
    step = turned > 0 && moved > 0 ? moved / turned : step * 2;
    ({ u, nll, gradient } = next);
    converged = largest(gradient, u) < gradientTolerance;
  }
  const temperatures = Array.from(temperaturesOf(u));
  return { temperatures, nllBefore, nllAfter: nll, iterations, converged, gradientNorm: largest(gradient, u) };
}
