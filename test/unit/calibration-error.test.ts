// Expected and maximum calibration error of entity scores (lib/eval/calibration-error.ts) and the reliability
// diagram drawn from them, on hand-made scores whose bins and gaps are known.
import { describe, expect, it } from 'vitest';
import { binnedCalibration, entityCalibration, formatCalibrationError, reliabilitySvg, type ScoredSpan } from '../../lib/eval';

describe('binned calibration error', () => {
  it('weights each bin’s |accuracy − mean score| by its share (ECE) and keeps the largest (MCE)', () => {
    // Bin [0.9, 1]: scores 0.95 × 4, 3 correct → gap 0.2. Bin [0.5, 0.6): 0.55 × 2, 1 correct → gap 0.05.
    const scores = [0.95, 0.95, 0.95, 0.95, 0.55, 0.55];
    const correct = [true, true, true, false, true, false];
    const result = binnedCalibration(scores, correct);
    expect(result.entities).toBe(6);
    expect(result.ece).toBeCloseTo((4 / 6) * 0.2 + (2 / 6) * 0.05, 12);
    expect(result.mce).toBeCloseTo(0.2, 12);
    expect(result.accuracy).toBeCloseTo(4 / 6, 12);
    expect(result.meanScore).toBeCloseTo((4 * 0.95 + 2 * 0.55) / 6, 12);
    expect(result.bins).toHaveLength(10);
    expect(result.bins[9]).toMatchObject({ lower: 0.9, upper: 1, count: 4, correct: 3, accuracy: 0.75 });
    expect(result.bins[5]).toMatchObject({ count: 2, correct: 1, accuracy: 0.5 });
    expect(result.bins.filter((b) => b.count === 0)).toHaveLength(8);
  });

  it('puts a score of exactly 1 in the last bin and a bin edge in the bin above it', () => {
    const result = binnedCalibration([1, 0.3, 0], [true, false, false], 10);
    expect(result.bins[9].count).toBe(1);
    expect(result.bins[3].count).toBe(1);
    expect(result.bins[0].count).toBe(1);
  });

  it('is zero when every bin’s accuracy equals its mean score', () => {
    const scores = [0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75];
    const correct = [true, false, false, false, true, true, true, false];
    const result = binnedCalibration(scores, correct, 4);
    expect(result.ece).toBeCloseTo(0, 12);
    expect(result.mce).toBeCloseTo(0, 12);
  });

  it('is zero for no samples, and refuses scores outside [0, 1] and mismatched lengths', () => {
    expect(binnedCalibration([], [])).toMatchObject({ entities: 0, ece: 0, mce: 0 });
    expect(() => binnedCalibration([1.2], [true])).toThrow(RangeError);
    expect(() => binnedCalibration([0.5], [])).toThrow(RangeError);
    expect(() => binnedCalibration([0.5], [true], 0)).toThrow(RangeError);
  });
});

describe('entity calibration', () => {
  it('counts an entity correct only on an exact span and type match, each span once, the model’s entities only', () => {
    const gold = [[{ start: 0, end: 4, label: 'PER' }], [{ start: 3, end: 9, label: 'LOC' }]];
    const pred: ScoredSpan[][] = [
      [
        { start: 0, end: 4, label: 'PER', score: 0.9 },
        { start: 0, end: 4, label: 'PER', score: 0.9 }, // a repeat counts once
        { start: 0, end: 4, label: 'ORG', score: 0.6 }, // wrong type
      ],
      [
        { start: 3, end: 8, label: 'LOC', score: 0.8 }, // wrong end
        { start: 3, end: 9, label: 'LOC', score: 1, source: 'cities' }, // a rule's: left out
        { start: 10, end: 12, label: 'MISC' }, // no score: left out
      ],
    ];
    const result = entityCalibration(gold, pred);
    expect(result.entities).toBe(3);
    expect(result.accuracy).toBeCloseTo(1 / 3, 12);
    expect(result.ece).toBeCloseTo((0.1 + 0.6 + 0.8) / 3, 12);
    expect(() => entityCalibration(gold, [[]])).toThrow(RangeError);
  });

  it('reports ECE and MCE in one line', () => {
    const line = formatCalibrationError(binnedCalibration([0.95, 0.55], [true, false]));
    expect(line).toMatch(/ECE 0\.3000, MCE 0\.5500/);
    expect(line).toMatch(/10 equal-width bins, 2 model entities/);
  });
});

describe('the reliability diagram', () => {
  it('draws one bar per non-empty bin with its count, the diagonal, and the ECE in the header', () => {
    const calibration = binnedCalibration([0.95, 0.95, 0.95, 0.55], [true, true, false, true]);
    const svg = reliabilitySvg(calibration, 'eng.testb <test> & more');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('eng.testb &lt;test&gt; &amp; more');
    expect(svg).toContain(`ECE ${calibration.ece.toFixed(4)}`);
    expect(svg.match(/<rect [^>]*fill-opacity="0.85"><title>/g)).toHaveLength(2);
    expect(svg).toContain('2 of 3 correct');
    expect(svg).toMatch(/stroke-dasharray="5 4"/);
    const twoLines = reliabilitySvg(calibration, 'first\nsecond');
    expect(twoLines).toMatch(/<text x="16" y="44"[^>]*>first<\/text>\n<text x="16" y="62"[^>]*>second<\/text>/);
  });
});
