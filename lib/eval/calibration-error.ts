// Calibration of entity scores against correctness: the expected calibration error (ECE) and maximum calibration
// error (MCE) over equal-width score bins, and the bins themselves for a reliability diagram (reliability-svg.ts).
//
// Each predicted entity (each (start, end, label) once per sentence, as scoring counts it) with a numeric score is
// one sample: its score is the confidence, and it is correct when it exactly matches a gold entity's span and label.
// Scores fall into `bins` equal-width bins of [0, 1] (bin b holds [b/B, (b+1)/B), the last also holds 1). Then
//   ECE = Σ_b (n_b / N) · |accuracy_b − mean score_b|,   MCE = max over non-empty bins of |accuracy_b − mean score_b|,
// so ECE is the average gap a user of the scores meets, MCE the worst bin's. Entities that rules found (a source
// other than 'model') are left out: their scores are set by the rules, not the model.
import type { Span } from './dataset';
import { uniqueSpans, type PredictedSpan } from './metrics';

/** A predicted span with the model's score, as extract gives it. */
export interface ScoredSpan extends PredictedSpan {
  score?: number;
}

export interface ReliabilityBin {
  /** The bin's score range [lower, upper) (the last bin includes 1). */
  lower: number;
  upper: number;
  /** Entities whose score falls in the bin, and how many of them are correct. */
  count: number;
  correct: number;
  /** Their mean score (the bin's confidence) and correct share (its accuracy); 0 for an empty bin. */
  meanScore: number;
  accuracy: number;
}

export interface CalibrationError {
  /** Entities counted (the model's, with a score). */
  entities: number;
  /** Their correct share, and their mean score. */
  accuracy: number;
  meanScore: number;
  /** Expected calibration error: the bins' |accuracy − mean score| weighted by their share of entities. */
  ece: number;
  /** Maximum calibration error: the largest |accuracy − mean score| of a non-empty bin. */
  mce: number;
  bins: ReliabilityBin[];
}

export const DEFAULT_CALIBRATION_BINS = 10;

/** ECE, MCE and the reliability bins of confidences (each in [0, 1]) against whether each was right. */
export function binnedCalibration(
  confidences: readonly number[],
  correct: readonly boolean[],
  bins = DEFAULT_CALIBRATION_BINS,
): CalibrationError {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`);
  if (confidences.length !== correct.length) {
    throw new RangeError(`${confidences.length} confidences but ${correct.length} correctness values`);
  }
  const table: ReliabilityBin[] = Array.from({ length: bins }, (_, b) => ({
    lower: b / bins,
    upper: (b + 1) / bins,
    count: 0,
    correct: 0,
    meanScore: 0,
    accuracy: 0,
  }));
  let scoreTotal = 0;
  let correctTotal = 0;
  confidences.forEach((confidence, i) => {
    if (!(confidence >= 0 && confidence <= 1)) throw new RangeError(`confidence ${confidence} (sample ${i}) is outside [0, 1]`);
    const bin = table[Math.min(bins - 1, Math.floor(confidence * bins))];
    bin.count++;
    bin.meanScore += confidence; // a sum until divided below
    scoreTotal += confidence;
    if (correct[i]) {
      bin.correct++;
      correctTotal++;
    }
  });
  const entities = confidences.length;
  let ece = 0;
  let mce = 0;
  for (const bin of table) {
    if (bin.count === 0) continue;
    bin.meanScore /= bin.count;
    bin.accuracy = bin.correct / bin.count;
    const gap = Math.abs(bin.accuracy - bin.meanScore);
    ece += (bin.count / entities) * gap;
    mce = Math.max(mce, gap);
  }
  return {
    entities,
    accuracy: entities > 0 ? correctTotal / entities : 0,
    meanScore: entities > 0 ? scoreTotal / entities : 0,
    ece,
    mce,
    bins: table,
  };
}

/**
 * The calibration of predicted entities' scores against exact correctness, sentence by sentence (`gold[i]` and
 * `pred[i]` belong to the same text). Entities without a numeric score or found by rules are not counted.
 */
export function entityCalibration(
  gold: readonly (readonly Span[])[],
  pred: readonly (readonly ScoredSpan[])[],
  bins = DEFAULT_CALIBRATION_BINS,
): CalibrationError {
  if (gold.length !== pred.length) throw new RangeError(`gold has ${gold.length} sentences but predictions have ${pred.length}`);
  const confidences: number[] = [];
  const correct: boolean[] = [];
  const key = ({ start, end, label }: Span) => `${start}:${end}:${label}`;
  for (let i = 0; i < gold.length; i++) {
    const goldKeys = new Set(gold[i].map(key));
    for (const span of uniqueSpans(pred[i])) {
      if (typeof span.score !== 'number' || (span.source !== undefined && span.source !== 'model')) continue;
      confidences.push(span.score);
      correct.push(goldKeys.has(key(span)));
    }
  }
  return binnedCalibration(confidences, correct, bins);
}
