// Drift over a sliding window, for `native-ner serve --baseline FILE`: every request is counted into one native
// Monitor; as time buckets end, its counts are taken (one step: no call lost or counted twice) into a ring of bucket
// profiles; the window is the ring's last buckets plus the live counts, merged, and /metrics compares it with the
// baseline. Everything rendered is counts, distances and model label names: never a client's text. Pure apart from
// the monitor it is given, so the unit tests drive it with a stand-in and a clock of their own.
import { compareProfiles, DEFAULT_THRESHOLDS, type DriftReport, type DriftThresholds } from './compare';
import { mergeProfiles, type Baseline, type BinnedCounts, type Profile } from './profile';

/** What the window needs of a Monitor (lib/monitoring.ts). */
export interface MonitorLike {
  snapshot(): Profile;
  take(): Profile;
}

export interface DriftWindowOptions {
  /** How far back the window reaches, in ms. Default one hour. */
  windowMs?: number;
  /** Buckets the window is cut into: it slides by windowMs / buckets. Default 12 (five minutes each for an hour). */
  buckets?: number;
  /** Observations each side needs before a signal is judged (DriftThresholds.minCount). Default 100. */
  minCount?: number;
  /** The clock, in ms. Default Date.now. */
  now?: () => number;
}

export const DEFAULT_WINDOW_MS = 3_600_000;
export const DEFAULT_BUCKETS = 12;

/** A profile with `template`'s bins and labels and no counts. */
function emptyLike(template: Profile): Profile {
  const zero = (b: BinnedCounts): BinnedCounts => ({ le: [...b.le], counts: b.counts.map(() => 0), sum: 0 });
  return {
    format: template.format,
    texts: 0,
    signalTexts: 0,
    multiWindowTexts: 0,
    tokens: 0,
    unknownTokens: 0,
    entities: 0,
    ruleEntities: 0,
    entitiesPerText: zero(template.entitiesPerText),
    textLength: zero(template.textLength),
    tokenEntropy: zero(template.tokenEntropy),
    unkRate: zero(template.unkRate),
    labels: {},
  };
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Prometheus histogram lines of counts over `le` bins (cumulative buckets, +Inf, _sum, _count). */
function histogramLines(name: string, labels: string, bins: BinnedCounts): string[] {
  const lines: string[] = [];
  const prefix = labels === '' ? '' : `${labels},`;
  let cumulative = 0;
  bins.le.forEach((bound, i) => {
    cumulative += bins.counts[i];
    lines.push(`${name}_bucket{${prefix}le="${bound}"} ${cumulative}`);
  });
  cumulative += bins.counts[bins.le.length];
  lines.push(`${name}_bucket{${prefix}le="+Inf"} ${cumulative}`);
  const braces = labels === '' ? '' : `{${labels}}`;
  lines.push(`${name}_sum${braces} ${bins.sum}`, `${name}_count${braces} ${cumulative}`);
  return lines;
}

function gauge(name: string, help: string, rows: [string, number][]): string[] {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`];
  for (const [labels, value] of rows) if (Number.isFinite(value)) lines.push(`${name}${labels} ${value}`);
  return lines;
}

export class DriftWindow<M extends MonitorLike = MonitorLike> {
  readonly windowMs: number;
  readonly bucketMs: number;
  readonly thresholds: DriftThresholds;
  private readonly now: () => number;
  private readonly buckets: number;
  private liveBucket: number;
  private ring: { bucket: number; profile: Profile }[] = [];
  /** Counts of buckets that left the window: the histograms are cumulative since start, as Prometheus expects. */
  private retired: Profile;

  constructor(
    readonly baseline: Baseline,
    readonly monitor: M,
    options: DriftWindowOptions = {},
  ) {
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.buckets = options.buckets ?? DEFAULT_BUCKETS;
    if (!(this.windowMs > 0) || !Number.isInteger(this.buckets) || this.buckets < 1) {
      throw new RangeError('the drift window needs windowMs > 0 and a whole number of buckets from 1');
    }
    this.bucketMs = this.windowMs / this.buckets;
    this.thresholds = { ...DEFAULT_THRESHOLDS, minCount: options.minCount ?? DEFAULT_THRESHOLDS.minCount };
    this.now = options.now ?? Date.now;
    this.liveBucket = Math.floor(this.now() / this.bucketMs);
    this.retired = emptyLike(baseline.profile);
  }

  /**
   * Moves the live counts into the ring once their bucket has ended, and buckets older than the window out of it.
   * Counts of calls that finished after their bucket ended but before this ran go with that bucket: the window's
   * edge is as sharp as requests and scrapes are frequent.
   */
  private rotate(): void {
    const bucket = Math.floor(this.now() / this.bucketMs);
    if (bucket <= this.liveBucket) return;
    this.ring.push({ bucket: this.liveBucket, profile: this.monitor.take() });
    this.liveBucket = bucket;
    while (this.ring.length > 0 && this.ring[0].bucket <= bucket - this.buckets) {
      this.retired = mergeProfiles(this.retired, (this.ring.shift() as { profile: Profile }).profile);
    }
  }

  /** The monitor a request is counted into (rotating first when a bucket has ended). */
  monitorForRequest(): M {
    this.rotate();
    return this.monitor;
  }

  /** The counts of the window: the ring's buckets and the live ones. */
  windowProfile(): Profile {
    this.rotate();
    return this.ring.reduce((sum, { profile }) => mergeProfiles(sum, profile), this.monitor.snapshot());
  }

  /** The window against the baseline. */
  report(): DriftReport {
    return compareProfiles(this.baseline.profile, this.windowProfile(), this.thresholds);
  }

  /**
   * The Prometheus text of the drift gauges (per signal: alert 0/1, PSI, JS distance, KS statistic and p-value,
   * Wasserstein; distances only for signals judged), the window's texts, each label's share against the baseline's,
   * and the cumulative histograms of entity scores and span lengths per label and of per-text mean token entropy.
   */
  render(): string {
    const window = this.windowProfile();
    const report = compareProfiles(this.baseline.profile, window, this.thresholds);
    const cumulative = mergeProfiles(this.retired, window);
    const judged = report.signals.filter((s) => s.status !== 'too few');
    const bySignal = (rows: typeof report.signals, value: (s: (typeof rows)[number]) => number): [string, number][] =>
      rows.map((s) => [`{signal="${escapeLabel(s.signal)}"}`, value(s)]);
    const minutes = +(this.windowMs / 60_000).toFixed(2);
    const lines: string[] = [
      ...gauge('native_ner_drift_window_texts', `Texts in the drift window (the last ${minutes} minutes).`, [['', window.texts]]),
      ...gauge(
        'native_ner_drift_alert',
        `1 when a drift signal alerts against the baseline over the window; 0 when it does not or has fewer than ${this.thresholds.minCount} observations.`,
        bySignal(report.signals, (s) => (s.status === 'alert' ? 1 : 0)),
      ),
      ...gauge('native_ner_drift_psi', 'Population stability index of the window against the baseline, per signal judged.', bySignal(judged, (s) => s.psi)),
      ...gauge('native_ner_drift_js_distance', 'Jensen-Shannon distance (bits, 0 to 1) of the window against the baseline, per signal judged.', bySignal(judged, (s) => s.js)),
      ...gauge('native_ner_drift_ks_statistic', 'Kolmogorov-Smirnov statistic from binned counts, per numeric signal judged.', bySignal(judged, (s) => s.ksStatistic)),
      ...gauge('native_ner_drift_ks_pvalue', 'Kolmogorov-Smirnov asymptotic p-value, per numeric signal judged.', bySignal(judged, (s) => s.ksPValue)),
      ...gauge('native_ner_drift_wasserstein', "Wasserstein-1 distance in the signal's unit, per numeric signal judged.", bySignal(judged, (s) => s.wasserstein)),
      ...this.shareLines(window),
    ];
    lines.push('# HELP native_ner_entity_score Entity scores (0 to 1), by label, since start.', '# TYPE native_ner_entity_score histogram');
    for (const [label, counts] of Object.entries(cumulative.labels)) lines.push(...histogramLines('native_ner_entity_score', `label="${escapeLabel(label)}"`, counts.score));
    lines.push('# HELP native_ner_entity_length Entity span lengths in Unicode code points, by label, since start.', '# TYPE native_ner_entity_length histogram');
    for (const [label, counts] of Object.entries(cumulative.labels)) lines.push(...histogramLines('native_ner_entity_length', `label="${escapeLabel(label)}"`, counts.length));
    lines.push('# HELP native_ner_token_entropy Mean token entropy (nats) of each text, since start.', '# TYPE native_ner_token_entropy histogram');
    lines.push(...histogramLines('native_ner_token_entropy', '', cumulative.tokenEntropy));
    return `${lines.join('\n')}\n`;
  }

  /**
   * Each label's share of the window's entities (once the window has minCount entities), its share in the baseline,
   * and the standard deviation a window of this many entities would show under the baseline: the spread over the
   * baseline's chunks scaled by √(chunk entities / window entities), at least the binomial √(p(1 − p) / n).
   */
  private shareLines(window: Profile): string[] {
    const base = this.baseline.profile;
    const labels = [...new Set([...Object.keys(base.labels), ...Object.keys(window.labels)])].sort();
    const share = (p: Profile, label: string) => (p.entities === 0 ? 0 : (p.labels[label]?.entities ?? 0) / p.entities);
    const judged = window.entities >= this.thresholds.minCount;
    const { chunkEntities, labels: spread } = this.baseline.shares;
    const row = (label: string, value: number): [string, number] => [`{label="${escapeLabel(label)}"}`, value];
    const stddev = (label: string) => {
      const p = share(base, label);
      const chunk = spread[label]?.stddev ?? 0;
      if (window.entities === 0) return chunk;
      const scaled = chunkEntities > 0 ? chunk * Math.sqrt(chunkEntities / window.entities) : chunk;
      return Math.max(scaled, Math.sqrt((p * (1 - p)) / window.entities));
    };
    return [
      ...gauge(
        'native_ner_entity_share',
        `Share of each label among the window's entities (once it has ${this.thresholds.minCount}).`,
        judged ? labels.map((l) => row(l, share(window, l))) : [],
      ),
      ...gauge('native_ner_entity_share_baseline', "Share of each label among the baseline's entities.", labels.map((l) => row(l, share(base, l)))),
      ...gauge(
        'native_ner_entity_share_baseline_stddev',
        "Standard deviation of a label's share over a window of this size under the baseline (its chunks' spread, scaled).",
        labels.map((l) => row(l, stddev(l))),
      ),
    ];
  }
}
