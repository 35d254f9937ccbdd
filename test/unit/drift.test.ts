// Drift statistics and the comparison of profiles (lib/drift), on synthetic counts with known answers; no addon.
import { describe, expect, it } from 'vitest';
import { compareProfiles, compareSignal, DEFAULT_THRESHOLDS, formatDriftReport, signalsOf, type SignalCounts } from '../../lib/drift/compare';
import { checkBaseline, checkProfile, mergeProfiles, shareSpread, type BinnedCounts, type Profile } from '../../lib/drift/profile';
import {
  binLocations,
  jensenShannonDistance,
  kolmogorovSmirnov,
  kolmogorovTail,
  populationStabilityIndex,
  PSI_FLOOR,
  wasserstein,
} from '../../lib/drift/statistics';

describe('population stability index', () => {
  it('is 0 for equal shares and Σ (c − b) ln(c / b) otherwise, whatever the sample sizes', () => {
    expect(populationStabilityIndex([10, 30], [100, 300])).toBe(0);
    const expected = (0.25 - 0.5) * Math.log(0.25 / 0.5) + (0.75 - 0.5) * Math.log(0.75 / 0.5); // 0.2747
    expect(populationStabilityIndex([50, 50], [25, 75])).toBeCloseTo(expected, 12);
    expect(populationStabilityIndex([25, 75], [50, 50])).toBeCloseTo(expected, 12); // symmetric
  });

  it('floors an empty bin at PSI_FLOOR instead of dividing by zero, and ignores bins empty on both sides', () => {
    const floored = (0.5 - PSI_FLOOR) * Math.log(0.5 / PSI_FLOOR) + (0.5 - 1) * Math.log(0.5 / 1);
    expect(populationStabilityIndex([10, 0, 0], [5, 5, 0])).toBeCloseTo(floored, 10);
    expect(Number.isNaN(populationStabilityIndex([0, 0], [1, 2]))).toBe(true);
  });
});

describe('Jensen–Shannon distance', () => {
  it('is 0 for equal distributions, 1 for disjoint ones, and the square root of the divergence in bits between', () => {
    expect(jensenShannonDistance([3, 1], [30, 10])).toBe(0);
    expect(jensenShannonDistance([1, 0], [0, 1])).toBe(1);
    expect(jensenShannonDistance([50, 50], [25, 75])).toBeCloseTo(0.220895768849, 10);
  });
});

describe('Kolmogorov–Smirnov from binned counts', () => {
  it('takes the largest gap between the cumulative shares at the bin bounds', () => {
    // CDFs 0.1, 0.3, 0.6, 1 and 0.4, 0.7, 0.9, 1: the gap is 0.4 at the second bound.
    expect(kolmogorovSmirnov([10, 20, 30, 40], [40, 30, 20, 10]).statistic).toBeCloseTo(0.4, 12);
    expect(kolmogorovSmirnov([5, 5], [50, 50]).statistic).toBe(0);
  });

  it("has the Kolmogorov distribution's tail at its known critical values", () => {
    expect(kolmogorovTail(1.3581)).toBeCloseTo(0.05, 4);
    expect(kolmogorovTail(1.6276)).toBeCloseTo(0.01, 4);
    expect(kolmogorovTail(1)).toBeCloseTo(0.27, 3);
    expect(kolmogorovTail(0)).toBe(1);
  });

  it("gives Stephens' asymptotic p-value for the effective sample size", () => {
    const { statistic, pValue } = kolmogorovSmirnov([10, 20, 30, 40], [40, 30, 20, 10]);
    const ne = Math.sqrt((100 * 100) / 200);
    expect(pValue).toBeCloseTo(kolmogorovTail((ne + 0.12 + 0.11 / ne) * statistic), 12);
    expect(pValue).toBeLessThan(1e-6);
    // The same shares from ten times fewer observations are far less surprising.
    expect(kolmogorovSmirnov([1, 2, 3, 4], [4, 3, 2, 1]).pValue).toBeGreaterThan(0.1);
  });
});

describe('Wasserstein distance from binned counts', () => {
  it('places values at bin midpoints, the first bin at its bound and +Inf at the last bound', () => {
    expect(binLocations([1, 2, 4])).toEqual([1, 1.5, 3, 4]);
  });

  it('is the distance the mass moves: everything moved from 1 to 4 is 3; half of it, 1.5', () => {
    const at = binLocations([1, 2, 4]);
    expect(wasserstein([8, 0, 0, 0], [0, 0, 0, 2], at)).toBeCloseTo(3, 12);
    expect(wasserstein([8, 0, 0, 0], [1, 0, 0, 1], at)).toBeCloseTo(1.5, 12);
    expect(wasserstein([1, 2, 3, 4], [10, 20, 30, 40], at)).toBe(0);
  });

  it('refuses counts over different bins', () => {
    expect(() => wasserstein([1, 2], [1, 2, 3], [0, 1])).toThrow(/same bins/);
  });
});

// ---- profiles

const LE = { score: [0.5, 0.9, 1], length: [1, 2, 4, 8], perText: [0, 1, 2, 4], textLength: [0, 1, 10, 100], entropy: [0.01, 0.1, 1], unk: [0, 0.1, 1] };

function bins(le: number[], counts: number[]): BinnedCounts {
  return { le, counts: [...counts, ...new Array(le.length + 1 - counts.length).fill(0)], sum: 0 };
}

/** A profile of `texts` texts, each with the given label counts; scores and lengths per label as counts over LE. */
function profile(texts: number, labels: Record<string, { entities: number; score: number[]; length?: number[]; rule?: number }>, options: { entropy?: number[]; multi?: number } = {}): Profile {
  const entities = Object.values(labels).reduce((s, l) => s + l.entities, 0);
  const rules = Object.values(labels).reduce((s, l) => s + (l.rule ?? 0), 0);
  return {
    format: 'native-ner-profile/1',
    texts,
    signalTexts: texts,
    multiWindowTexts: options.multi ?? 0,
    tokens: texts * 10,
    unknownTokens: 0,
    entities,
    ruleEntities: rules,
    entitiesPerText: bins(LE.perText, [0, texts]),
    textLength: bins(LE.textLength, [0, 0, texts]),
    tokenEntropy: bins(LE.entropy, options.entropy ?? [texts]),
    unkRate: bins(LE.unk, [texts]),
    labels: Object.fromEntries(
      Object.entries(labels).map(([name, l]) => [
        name,
        { entities: l.entities, ruleEntities: l.rule ?? 0, score: bins(LE.score, l.score), length: bins(LE.length, l.length ?? [0, l.entities]) },
      ]),
    ),
  };
}

const BASE = profile(1000, { PER: { entities: 600, score: [0, 60, 540] }, LOC: { entities: 400, score: [0, 40, 360] } });

describe('comparing profiles', () => {
  it('finds no drift between a profile and one with the same shares at another size', () => {
    const same = profile(500, { PER: { entities: 300, score: [0, 30, 270] }, LOC: { entities: 200, score: [0, 20, 180] } });
    const report = compareProfiles(BASE, same);
    expect(report.status).toBe('ok');
    for (const s of report.signals) {
      if (s.status === 'too few') continue;
      expect(s.psi, s.signal).toBeCloseTo(0, 12);
      expect(s.js, s.signal).toBeCloseTo(0, 6);
    }
  });

  it('alerts on the entity-type mix by PSI and JS when a type takes over, naming the test that decided', () => {
    const shifted = profile(1000, { PER: { entities: 200, score: [0, 20, 180] }, LOC: { entities: 800, score: [0, 80, 720] } });
    const mix = compareProfiles(BASE, shifted).signals.find((s) => s.signal === 'entity_type_mix');
    // shares 0.6/0.4 against 0.2/0.8
    const psi = (0.2 - 0.6) * Math.log(0.2 / 0.6) + (0.8 - 0.4) * Math.log(0.8 / 0.4);
    expect(mix?.psi).toBeCloseTo(psi, 12);
    expect(mix?.status).toBe('alert');
    expect(mix?.reason).toMatch(/^PSI 0\.717 >= 0\.25, JS 0\.\d+ >= 0\.2$/);
  });

  it('alerts on a numeric signal only when the KS p-value and statistic both pass their marks', () => {
    const numericSignal = (counts: number[]): SignalCounts => ({ name: 'x', kind: 'numeric', unit: 'texts', bins: ['1', '2', '+Inf'], counts, locations: [1, 1.5, 2] });
    // 1,000 against 1,000: a CDF gap of 0.3 is an alert, 0.15 a watch (p 3e-10), 0.05 nothing (p 0.16), and a
    // gap of 0.12 from 100 each side is not significant (p 0.44).
    expect(compareSignal(numericSignal([500, 500, 0]), numericSignal([200, 800, 0])).status).toBe('alert');
    expect(compareSignal(numericSignal([500, 500, 0]), numericSignal([350, 650, 0])).status).toBe('watch');
    expect(compareSignal(numericSignal([500, 500, 0]), numericSignal([450, 550, 0])).status).toBe('ok');
    expect(compareSignal(numericSignal([50, 50, 0]), numericSignal([38, 62, 0])).status).toBe('ok');
    // A gap of 0.3 from 150 observations each side is still judged (p ≈ 2e-6)...
    expect(compareSignal(numericSignal([75, 75, 0]), numericSignal([30, 120, 0])).status).toBe('alert');
    // ...but not below the minimum count.
    const few = compareSignal(numericSignal([40, 40, 0]), numericSignal([0, 80, 0]));
    expect(few.status).toBe('too few');
    expect(few.reason).toBe(`needs ${DEFAULT_THRESHOLDS.minCount} texts each side`);
  });

  it('judges scores pooled and per label, and the rule share only when a side has rule entities', () => {
    const lower = profile(1000, { PER: { entities: 600, score: [300, 60, 240] }, LOC: { entities: 400, score: [0, 40, 360] } });
    const report = compareProfiles(BASE, lower);
    const status = Object.fromEntries(report.signals.map((s) => [s.signal, s.status]));
    expect(status['entity_score:PER']).toBe('alert');
    expect(status['entity_score:LOC']).toBe('ok');
    expect(status.entity_score).toBe('alert');
    expect(status.entity_type_mix).toBe('ok');
    expect(status.rule_share).toBeUndefined();
    const ruled = profile(1000, { PER: { entities: 600, score: [0, 60, 540], rule: 300 }, LOC: { entities: 400, score: [0, 40, 360] } });
    const rules = compareProfiles(BASE, ruled).signals.find((s) => s.signal === 'rule_share');
    expect(rules?.status).toBe('alert');
  });

  it('counts a label only one side has: a new type is drift in the mix, with empty score counts on the other side', () => {
    const novel = profile(1000, { PER: { entities: 300, score: [0, 30, 270] }, LOC: { entities: 200, score: [0, 20, 180] }, DRUG: { entities: 500, score: [500] } });
    const report = compareProfiles(BASE, novel);
    const mix = report.signals.find((s) => s.signal === 'entity_type_mix');
    expect(mix?.status).toBe('alert');
    const drug = report.signals.find((s) => s.signal === 'entity_score:DRUG');
    expect(drug?.baselineCount).toBe(0);
    expect(drug?.status).toBe('too few');
  });

  it('says too few when no signal has enough observations, and prints the table with the verdict', () => {
    const tiny = profile(10, { PER: { entities: 6, score: [0, 0, 6] } });
    expect(compareProfiles(BASE, tiny).status).toBe('too few');
    const shifted = profile(1000, { PER: { entities: 200, score: [0, 20, 180] }, LOC: { entities: 800, score: [0, 80, 720] } });
    const table = formatDriftReport(compareProfiles(BASE, shifted));
    expect(table.split('\n')[0]).toMatch(/^signal\s+baseline\s+current/);
    expect(table).toMatch(/entity_type_mix\s+LOC 0\.400\s+LOC 0\.800\s/); // the category that moved most (a tie: the first)
    expect(table.trimEnd().split('\n').pop()).toBe('drift: ALERT on entity_type_mix');
  });

  it('signals of both profiles line up bin for bin', () => {
    const other = profile(10, { MISC: { entities: 3, score: [3] } });
    const a = signalsOf(BASE, other);
    const b = signalsOf(other, BASE);
    expect(a.map((s) => s.name)).toEqual(b.map((s) => s.name));
    a.forEach((s, i) => expect(s.bins).toEqual(b[i].bins));
  });
});

describe('profiles', () => {
  it('merge by adding every count, labels of either side included', () => {
    const a = profile(10, { PER: { entities: 4, score: [1, 1, 2] } }, { multi: 1 });
    const b = profile(5, { LOC: { entities: 2, score: [0, 0, 2] }, PER: { entities: 1, score: [0, 0, 1] } });
    const m = mergeProfiles(a, b);
    expect(m.texts).toBe(15);
    expect(m.multiWindowTexts).toBe(1);
    expect(m.entities).toBe(7);
    expect(m.labels.PER.score.counts).toEqual([1, 1, 3, 0]);
    expect(m.labels.LOC.entities).toBe(2);
    expect(m.tokenEntropy.counts[0]).toBe(15);
    expect(a.labels.PER.score.counts).toEqual([1, 1, 2, 0]); // inputs untouched
  });

  it('refuse to merge counts over different bins', () => {
    const a = profile(10, {});
    const b = { ...profile(10, {}), textLength: bins([0, 2, 20, 200], [0, 0, 10]) };
    expect(() => mergeProfiles(a, b)).toThrow(/textLength: the profiles were counted over different bins/);
  });

  it('are checked when read: counts, histogram shapes, the format', () => {
    expect(checkProfile(JSON.parse(JSON.stringify(BASE)), 'p')).toEqual(BASE);
    expect(() => checkProfile({ ...BASE, texts: -1 }, 'p.json')).toThrow(/p.json: texts must be a count, got -1/);
    expect(() => checkProfile({ ...BASE, unkRate: bins([0, 1], [1]) && { le: [0, 1], counts: [1], sum: 0 } }, 'p')).toThrow(/unkRate.counts must have 3 entries/);
    expect(() => checkProfile({ ...BASE, format: 'x' }, 'p')).toThrow(/not a native-ner profile/);
    expect(() => checkBaseline({ format: 'native-ner-baseline/1', profile: BASE }, 'b.json')).toThrow(/b.json: shares must hold/);
  });

  it("give each label's share spread over chunks, leaving out a short last chunk", () => {
    const chunks = [
      profile(100, { PER: { entities: 50, score: [50] }, LOC: { entities: 50, score: [50] } }),
      profile(100, { PER: { entities: 70, score: [70] }, LOC: { entities: 30, score: [30] } }),
      profile(100, { PER: { entities: 90, score: [90] }, LOC: { entities: 10, score: [10] } }),
      profile(3, { LOC: { entities: 3, score: [3] } }),
    ];
    const spread = shareSpread(chunks, 100);
    expect(spread.chunks).toBe(3);
    expect(spread.chunkEntities).toBe(100);
    expect(spread.labels.PER.mean).toBeCloseTo(0.7, 12);
    expect(spread.labels.PER.stddev).toBeCloseTo(0.2, 12); // shares 0.5, 0.7, 0.9
    expect(spread.labels.LOC.stddev).toBeCloseTo(0.2, 12);
  });
});
