// The sliding drift window of serve --baseline (lib/drift/window.ts) with a stand-in monitor and clock: buckets
// rotate, old ones leave the window but stay in the histograms, gauges wait for the minimum count.
import { describe, expect, it } from 'vitest';
import { mergeProfiles, type Baseline, type BinnedCounts, type Profile } from '../../lib/drift/profile';
import { DriftWindow, type MonitorLike } from '../../lib/drift/window';

const LE = { score: [0.5, 0.9, 1], length: [1, 2, 4, 8], perText: [0, 1, 2, 4], textLength: [0, 1, 10, 100], entropy: [0.01, 0.1, 1], unk: [0, 0.1, 1] };

function bins(le: number[], counts: number[], sum = 0): BinnedCounts {
  return { le, counts: [...counts, ...new Array(le.length + 1 - counts.length).fill(0)], sum };
}

/** `texts` texts with `per` PER and `loc` LOC entities, scores in the top bin (or the lowest with `low`). */
function profile(texts: number, per: number, loc: number, low = false): Profile {
  const label = (n: number) => ({ entities: n, ruleEntities: 0, score: bins(LE.score, low ? [n] : [0, 0, n], n * 0.9), length: bins(LE.length, [0, n], n * 2) });
  const labels: Profile['labels'] = {};
  if (per > 0) labels.PER = label(per);
  if (loc > 0) labels.LOC = label(loc);
  return {
    format: 'native-ner-profile/1',
    texts,
    signalTexts: texts,
    multiWindowTexts: 0,
    tokens: texts * 10,
    unknownTokens: 0,
    entities: per + loc,
    ruleEntities: 0,
    entitiesPerText: bins(LE.perText, [0, texts]),
    textLength: bins(LE.textLength, [0, 0, texts]),
    tokenEntropy: bins(LE.entropy, [texts], texts * 0.005),
    unkRate: bins(LE.unk, [texts]),
    labels,
  };
}

class StandInMonitor implements MonitorLike {
  private counts = profile(0, 0, 0);
  add(p: Profile): void {
    this.counts = mergeProfiles(this.counts, p);
  }
  snapshot(): Profile {
    return mergeProfiles(profile(0, 0, 0), this.counts);
  }
  take(): Profile {
    const taken = this.counts;
    this.counts = profile(0, 0, 0);
    return taken;
  }
}

const BASELINE: Baseline = {
  format: 'native-ner-baseline/1',
  created: '2026-01-01T00:00:00Z',
  model: { name: 'm', entityTypes: ['PER', 'LOC'], head: 'token' },
  inputs: ['dev'],
  options: {},
  profile: profile(2000, 1200, 800),
  shares: { chunkTexts: 250, chunks: 8, chunkEntities: 250, labels: { LOC: { mean: 0.4, stddev: 0.05 }, PER: { mean: 0.6, stddev: 0.05 } } },
};

function setup() {
  let now = 1_000_000;
  const monitor = new StandInMonitor();
  const window = new DriftWindow(BASELINE, monitor, { windowMs: 60_000, buckets: 6, minCount: 100, now: () => now });
  return { monitor, window, advance: (ms: number) => (now += ms) };
}

/** The value of a metric line `name{labels}` in Prometheus text, or undefined. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('the drift window', () => {
  it('judges nothing and exports no distances or shares before the minimum count', () => {
    const { monitor, window } = setup();
    monitor.add(profile(50, 30, 20, true));
    const text = window.render();
    expect(value(text, 'native_ner_drift_window_texts')).toBe(50);
    expect(value(text, 'native_ner_drift_alert{signal="entity_score"}')).toBe(0);
    expect(text).not.toMatch(/^native_ner_drift_psi\{/m);
    expect(text).not.toMatch(/^native_ner_entity_share\{/m);
    expect(value(text, 'native_ner_entity_share_baseline{label="PER"}')).toBeCloseTo(0.6, 12);
    expect(value(text, 'native_ner_entity_share_baseline_stddev{label="PER"}')).toBeCloseTo(0.05 * Math.sqrt(250 / 50), 12);
  });

  it('alerts on a shifted signal and not on an unshifted one, exporting every agreed gauge', () => {
    const { monitor, window } = setup();
    monitor.add(profile(1000, 600, 400, true)); // same mix, scores all low
    const text = window.render();
    expect(value(text, 'native_ner_drift_alert{signal="entity_score"}')).toBe(1);
    expect(value(text, 'native_ner_drift_alert{signal="entity_type_mix"}')).toBe(0);
    expect(value(text, 'native_ner_drift_ks_statistic{signal="entity_score"}')).toBe(1);
    expect(value(text, 'native_ner_drift_ks_pvalue{signal="entity_score"}')).toBeLessThan(1e-6);
    expect(value(text, 'native_ner_drift_psi{signal="entity_type_mix"}')).toBeCloseTo(0, 12);
    expect(value(text, 'native_ner_drift_js_distance{signal="entity_type_mix"}')).toBeCloseTo(0, 6);
    expect(value(text, 'native_ner_drift_wasserstein{signal="entity_score"}')).toBeGreaterThan(0.4);
    expect(value(text, 'native_ner_entity_share{label="LOC"}')).toBeCloseTo(0.4, 12);
    // 1,000 window entities: the chunk spread shrinks by √(250/1000), not below the binomial √(0.24/1000).
    expect(value(text, 'native_ner_entity_share_baseline_stddev{label="LOC"}')).toBeCloseTo(0.025, 12);
    for (const name of ['native_ner_entity_score', 'native_ner_entity_length', 'native_ner_token_entropy']) {
      expect(text).toContain(`# TYPE ${name} histogram`);
    }
    expect(value(text, 'native_ner_entity_score_bucket{label="PER",le="0.5"}')).toBe(600);
    expect(value(text, 'native_ner_entity_score_bucket{label="PER",le="+Inf"}')).toBe(600);
    expect(value(text, 'native_ner_entity_score_count{label="PER"}')).toBe(600);
    expect(value(text, 'native_ner_token_entropy_bucket{le="+Inf"}')).toBe(1000);
  });

  it('slides: buckets older than the window leave the gauges but stay in the cumulative histograms', () => {
    const { monitor, window, advance } = setup();
    monitor.add(profile(1000, 600, 400, true));
    advance(10_000); // the next bucket
    expect(window.windowProfile().texts).toBe(1000);
    monitor.add(profile(1000, 600, 400));
    advance(55_000); // the first bucket is now more than a minute old
    const text = window.render();
    expect(value(text, 'native_ner_drift_window_texts')).toBe(1000);
    expect(value(text, 'native_ner_drift_alert{signal="entity_score"}')).toBe(0); // the low scores left the window
    expect(value(text, 'native_ner_entity_score_count{label="PER"}')).toBe(1200); // but not the histograms
    advance(120_000);
    expect(window.windowProfile().texts).toBe(0);
    expect(value(window.render(), 'native_ner_entity_score_count{label="PER"}')).toBe(1200);
  });

  it('keeps counts taken at a rotation: nothing is lost or counted twice across buckets', () => {
    const { monitor, window, advance } = setup();
    for (let i = 0; i < 5; i++) {
      window.monitorForRequest();
      monitor.add(profile(10, 1, 1));
      advance(10_000);
    }
    expect(window.windowProfile().texts).toBe(50);
    expect(monitor.snapshot().texts).toBe(0); // all of it moved into the ring
  });
});
