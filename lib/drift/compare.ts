// Comparing a window's profile with a baseline, signal by signal: the distances of lib/drift/statistics.ts, judged
// against documented thresholds once both sides have enough observations (docs/monitoring.md "Thresholds"). Pure: no
// addon, so the server's metrics and the unit tests use it without a model.
import type { BinnedCounts, Profile } from './profile';
import { binLocations, jensenShannonDistance, kolmogorovSmirnov, populationStabilityIndex, wasserstein } from './statistics';

export interface DriftThresholds {
  /** PSI at or above this: watch; at or above `alert`: alert (categorical signals). */
  psi: { watch: number; alert: number };
  /** Jensen–Shannon distance (bits, 0..1) at or above this: watch; at or above `alert`: alert (categorical signals). */
  js: { watch: number; alert: number };
  /** Numeric signals: a KS p-value below `pValue` with a statistic at or above `watch` / `alert`. */
  ks: { pValue: number; watch: number; alert: number };
  /** Observations each side needs (texts or entities, as the signal counts) before a signal is judged. */
  minCount: number;
}

/**
 * The defaults. PSI 0.1 / 0.25 are the usual "some shift" / "major shift" marks. For small shifts the Jensen–Shannon
 * distance d and PSI relate as PSI ≈ 8 ln2 · d² ≈ 5.5 d², so JS 0.1 / 0.2 sit near PSI 0.06 / 0.22: the JS marks
 * agree with PSI's, and JS stays finite where a category is new or gone. KS: with thousands of observations any
 * difference is significant, so a p-value below 0.01 also needs the CDFs 0.1 (watch) or 0.2 (alert) apart. Two
 * samples of the same news source differ by about 0.1: CoNLL-2003 dev and test (other days, other sections) are
 * 0.12 apart in text length and token entropy, a real difference the model copes with, so it is a watch; a model out
 * of its domain moves its signals 0.2 to 0.7 (docs/monitoring.md "Validation").
 */
export const DEFAULT_THRESHOLDS: DriftThresholds = {
  psi: { watch: 0.1, alert: 0.25 },
  js: { watch: 0.1, alert: 0.2 },
  ks: { pValue: 0.01, watch: 0.1, alert: 0.2 },
  minCount: 100,
};

export type SignalKind = 'categorical' | 'numeric';
export type DriftStatus = 'ok' | 'watch' | 'alert' | 'too few';

/** One signal of a profile as the comparison reads it: counts over categories or ordered bins. */
export interface SignalCounts {
  name: string;
  kind: SignalKind;
  /** Category names (categorical) or bin upper bounds, the last +Inf (numeric). */
  bins: string[];
  counts: number[];
  /** Numeric: where each bin's values are taken to sit (statistics.ts binLocations). */
  locations?: number[];
  /** What is counted, for the table: 'texts' or 'entities'. */
  unit: 'texts' | 'entities';
}

export interface SignalDrift {
  signal: string;
  kind: SignalKind;
  unit: 'texts' | 'entities';
  baselineCount: number;
  currentCount: number;
  psi: number;
  js: number;
  /** Numeric signals only (NaN otherwise). */
  ksStatistic: number;
  ksPValue: number;
  wasserstein: number;
  /** The baseline's and the window's mean (numeric), or the share of the category that moved most (categorical). */
  baselineSummary: string;
  currentSummary: string;
  status: DriftStatus;
  /** Which test decided an alert or watch, e.g. 'PSI 0.31 >= 0.25'. */
  reason: string;
}

export interface DriftReport {
  status: Exclude<DriftStatus, 'too few'> | 'too few';
  signals: SignalDrift[];
  thresholds: DriftThresholds;
}

function numeric(name: string, unit: SignalCounts['unit'], bins: BinnedCounts): SignalCounts {
  return {
    name,
    kind: 'numeric',
    unit,
    bins: [...bins.le.map(String), '+Inf'],
    counts: [...bins.counts],
    locations: binLocations(bins.le),
  };
}

function addBins(into: BinnedCounts | undefined, bins: BinnedCounts): BinnedCounts {
  return into ? { le: into.le, counts: into.counts.map((c, i) => c + bins.counts[i]), sum: into.sum + bins.sum } : { ...bins, counts: [...bins.counts] };
}

function pooled(profile: Profile, which: 'score' | 'length', labels: readonly string[]): BinnedCounts | undefined {
  let out: BinnedCounts | undefined;
  for (const name of labels) {
    const label = profile.labels[name];
    if (label) out = addBins(out, label[which]);
  }
  return out;
}

/**
 * The signals of a profile, over the categories of both profiles (so a label only one side has still counts):
 * entity_type_mix, multi_window_share, rule_share (when either side has rule entities) are categorical;
 * entity_rate, entity_score, entity_length, token_entropy, unk_rate, text_length numeric; then entity_score:L and
 * entity_length:L per label L.
 */
export function signalsOf(profile: Profile, other: Profile): SignalCounts[] {
  const labels = [...new Set([...Object.keys(profile.labels), ...Object.keys(other.labels)])].sort();
  const signals: SignalCounts[] = [
    {
      name: 'entity_type_mix',
      kind: 'categorical',
      unit: 'entities',
      bins: labels,
      counts: labels.map((l) => profile.labels[l]?.entities ?? 0),
    },
    {
      name: 'multi_window_share',
      kind: 'categorical',
      unit: 'texts',
      bins: ['one window', 'several'],
      counts: [profile.signalTexts - profile.multiWindowTexts, profile.multiWindowTexts],
    },
  ];
  if (profile.ruleEntities > 0 || other.ruleEntities > 0) {
    signals.push({
      name: 'rule_share',
      kind: 'categorical',
      unit: 'entities',
      bins: ['model', 'rules'],
      counts: [profile.entities - profile.ruleEntities, profile.ruleEntities],
    });
  }
  signals.push(numeric('entity_rate', 'texts', profile.entitiesPerText));
  // Pooled over every label either side has; a side without entities gives empty counts over the same bins.
  const empty = (template: BinnedCounts | undefined): BinnedCounts | undefined =>
    template && { le: template.le, counts: template.counts.map(() => 0), sum: 0 };
  const anyLabel = Object.values(profile.labels)[0] ?? Object.values(other.labels)[0];
  const score = pooled(profile, 'score', labels) ?? empty(anyLabel?.score);
  const length = pooled(profile, 'length', labels) ?? empty(anyLabel?.length);
  if (score) signals.push(numeric('entity_score', 'entities', score));
  if (length) signals.push(numeric('entity_length', 'entities', length));
  signals.push(numeric('token_entropy', 'texts', profile.tokenEntropy));
  signals.push(numeric('unk_rate', 'texts', profile.unkRate));
  signals.push(numeric('text_length', 'texts', profile.textLength));
  for (const label of labels) {
    const mine = profile.labels[label];
    const template = mine ?? other.labels[label];
    signals.push(numeric(`entity_score:${label}`, 'entities', mine ? mine.score : (empty(template.score) as BinnedCounts)));
    signals.push(numeric(`entity_length:${label}`, 'entities', mine ? mine.length : (empty(template.length) as BinnedCounts)));
  }
  return signals;
}

function total(counts: readonly number[]): number {
  return counts.reduce((s, c) => s + c, 0);
}

function format(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '-';
}

/**
 * For the table: a numeric signal's mean at its bin locations; a categorical one's share of `category` (the one whose
 * share moved most, the same on both sides).
 */
function summary(signal: SignalCounts, category: number): string {
  const n = total(signal.counts);
  if (n === 0) return '-';
  if (signal.kind === 'numeric' && signal.locations) {
    const mean = signal.counts.reduce((s, c, i) => s + c * (signal.locations as number[])[i], 0) / n;
    return `mean ${format(mean, mean < 1 ? 4 : 2)}`;
  }
  return `${signal.bins[category]} ${format(signal.counts[category] / n, 3)}`;
}

/** The category whose share differs most between the two sides (the first when a side is empty). */
function mostMoved(baseline: SignalCounts, current: SignalCounts): number {
  const nb = total(baseline.counts);
  const nc = total(current.counts);
  if (nb === 0 || nc === 0) return 0;
  let best = 0;
  let gap = -1;
  baseline.counts.forEach((b, i) => {
    const d = Math.abs(current.counts[i] / nc - b / nb);
    if (d > gap) [best, gap] = [i, d];
  });
  return best;
}

/** Judges one signal: counts each side, then the thresholds of its kind. */
export function compareSignal(baseline: SignalCounts, current: SignalCounts, thresholds: DriftThresholds = DEFAULT_THRESHOLDS): SignalDrift {
  const baselineCount = total(baseline.counts);
  const currentCount = total(current.counts);
  const psi = populationStabilityIndex(baseline.counts, current.counts);
  const js = jensenShannonDistance(baseline.counts, current.counts);
  const isNumeric = baseline.kind === 'numeric';
  const ks = isNumeric ? kolmogorovSmirnov(baseline.counts, current.counts) : { statistic: Number.NaN, pValue: Number.NaN };
  const w = isNumeric && baseline.locations ? wasserstein(baseline.counts, current.counts, baseline.locations) : Number.NaN;
  let status: DriftStatus = 'ok';
  let reason = '';
  if (baselineCount < thresholds.minCount || currentCount < thresholds.minCount) {
    status = 'too few';
    reason = `needs ${thresholds.minCount} ${baseline.unit} each side`;
  } else if (!isNumeric) {
    const level = (x: number, t: { watch: number; alert: number }) => (x >= t.alert ? 2 : x >= t.watch ? 1 : 0);
    const byPsi = level(psi, thresholds.psi);
    const byJs = level(js, thresholds.js);
    const worst = Math.max(byPsi, byJs);
    status = worst === 2 ? 'alert' : worst === 1 ? 'watch' : 'ok';
    if (worst > 0) {
      const which = worst === 2 ? 'alert' : 'watch';
      const parts: string[] = [];
      if (byPsi === worst) parts.push(`PSI ${format(psi)} >= ${thresholds.psi[which]}`);
      if (byJs === worst) parts.push(`JS ${format(js)} >= ${thresholds.js[which]}`);
      reason = parts.join(', ');
    }
  } else if (ks.pValue < thresholds.ks.pValue && ks.statistic >= thresholds.ks.watch) {
    status = ks.statistic >= thresholds.ks.alert ? 'alert' : 'watch';
    reason = `KS ${format(ks.statistic)} >= ${status === 'alert' ? thresholds.ks.alert : thresholds.ks.watch}, p ${ks.pValue.toExponential(1)}`;
  }
  return {
    signal: baseline.name,
    kind: baseline.kind,
    unit: baseline.unit,
    baselineCount,
    currentCount,
    psi,
    js,
    ksStatistic: ks.statistic,
    ksPValue: ks.pValue,
    wasserstein: w,
    baselineSummary: summary(baseline, mostMoved(baseline, current)),
    currentSummary: summary(current, mostMoved(baseline, current)),
    status,
    reason,
  };
}

const SEVERITY: Record<DriftStatus, number> = { 'too few': 0, ok: 1, watch: 2, alert: 3 };

/** Every signal of `current` against `baseline`, and the worst status among them ('too few' when none was judged). */
export function compareProfiles(baseline: Profile, current: Profile, thresholds: DriftThresholds = DEFAULT_THRESHOLDS): DriftReport {
  const base = signalsOf(baseline, current);
  const now = signalsOf(current, baseline);
  const signals = base.map((signal, i) => compareSignal(signal, now[i], thresholds));
  const worst = signals.reduce<DriftStatus>((w, s) => (SEVERITY[s.status] > SEVERITY[w] ? s.status : w), 'too few');
  return { status: worst, signals, thresholds };
}

/** The report as a table: one row per signal, then the verdict. */
export function formatDriftReport(report: DriftReport): string {
  const header = ['signal', 'baseline', 'current', 'n base', 'n now', 'PSI', 'JS', 'KS', 'KS p', 'W1', 'status'];
  const rows = report.signals.map((s) => [
    s.signal,
    s.baselineSummary,
    s.currentSummary,
    String(s.baselineCount),
    String(s.currentCount),
    format(s.psi),
    format(s.js),
    format(s.ksStatistic),
    Number.isFinite(s.ksPValue) ? s.ksPValue.toExponential(1) : '-',
    format(s.wasserstein, 4),
    s.reason ? `${s.status} (${s.reason})` : s.status,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 || c === cells.length - 1 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd();
  const t = report.thresholds;
  const alerts = report.signals.filter((s) => s.status === 'alert').map((s) => s.signal);
  const verdict =
    report.status === 'alert'
      ? `drift: ALERT on ${alerts.join(', ')}`
      : report.status === 'too few'
        ? `drift: not judged: no signal has ${t.minCount} observations on both sides`
        : `drift: ${report.status}`;
  return [
    line(header),
    ...rows.map(line),
    '',
    `thresholds: categorical PSI ${t.psi.watch}/${t.psi.alert} or JS ${t.js.watch}/${t.js.alert} (watch/alert); ` +
      `numeric KS p < ${t.ks.pValue} with statistic ${t.ks.watch}/${t.ks.alert}; at least ${t.minCount} observations each side`,
    verdict,
  ].join('\n');
}
