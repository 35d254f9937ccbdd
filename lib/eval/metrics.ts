// Strict span scoring: a prediction is right only when its start, end and type all equal a gold entity's.
import type { Span } from './dataset';

export interface Score {
  /** Predictions that equal a gold entity. */
  tp: number;
  pred: number;
  gold: number;
  /** tp / pred, 0 when nothing was predicted. */
  precision: number;
  /** tp / gold, 0 when there is no gold entity. */
  recall: number;
  f1: number;
}

/** A predicted span and, with rules (docs/api.md "Rules"), what found it: 'model' or a rule's name. */
export interface PredictedSpan extends Span {
  source?: string;
}

export interface SpanScores {
  overall: Score;
  /** One entry per type seen in gold or predictions, in alphabetical order. */
  byType: Record<string, Score>;
}

/** Scores of the entities inside another (inner) and of those around another (outer), for nested data. */
export interface NestedScores {
  inner: SpanScores;
  outer: SpanScores;
}

interface Counts {
  tp: number;
  pred: number;
  gold: number;
}

export function toScore({ tp, pred, gold }: Counts): Score {
  const precision = pred > 0 ? tp / pred : 0;
  const recall = gold > 0 ? tp / gold : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { tp, pred, gold, precision, recall, f1 };
}

function keyOf({ start, end, label }: Span): string {
  return `${start}:${end}:${label}`;
}

/** The spans with each (start, end, label) once, first occurrence kept: a repeated entity is one entity. */
export function uniqueSpans<T extends Span>(spans: readonly T[]): T[] {
  const seen = new Set<string>();
  return spans.filter((span) => {
    const key = keyOf(span);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** a lies within b and is not the same stretch of text (a span of another type over the same words is not inside). */
function strictlyInside(a: Span, b: Span): boolean {
  return b.start <= a.start && a.end <= b.end && (a.start !== b.start || a.end !== b.end);
}

/** Entities strictly contained in another entity of the same list (the GENIA "inner" subset). */
export function innerSpans<T extends Span>(spans: readonly T[]): T[] {
  const unique = uniqueSpans(spans);
  return unique.filter((a) => unique.some((b) => strictlyInside(a, b)));
}

/** Entities that strictly contain another entity of the same list. */
export function outerSpans<T extends Span>(spans: readonly T[]): T[] {
  const unique = uniqueSpans(spans);
  return unique.filter((a) => unique.some((b) => strictlyInside(b, a)));
}

/**
 * Strict precision, recall and F1 of predicted spans against gold spans, sentence by sentence (`gold[i]` and
 * `pred[i]` belong to the same text), overall and per type. Repeats of a span count once on either side.
 */
export function scoreSpans(gold: readonly (readonly Span[])[], pred: readonly (readonly Span[])[]): SpanScores {
  if (gold.length !== pred.length) {
    throw new RangeError(`gold has ${gold.length} sentences but predictions have ${pred.length}`);
  }
  const perType = new Map<string, Counts>();
  const countsOf = (label: string) => {
    let counts = perType.get(label);
    if (!counts) perType.set(label, (counts = { tp: 0, pred: 0, gold: 0 }));
    return counts;
  };
  for (let i = 0; i < gold.length; i++) {
    const goldKeys = new Set<string>();
    for (const span of uniqueSpans(gold[i])) {
      goldKeys.add(keyOf(span));
      countsOf(span.label).gold++;
    }
    for (const span of uniqueSpans(pred[i])) {
      const counts = countsOf(span.label);
      counts.pred++;
      if (goldKeys.has(keyOf(span))) counts.tp++;
    }
  }
  const total: Counts = { tp: 0, pred: 0, gold: 0 };
  const byType: Record<string, Score> = {};
  for (const label of [...perType.keys()].sort()) {
    const counts = perType.get(label) as Counts;
    total.tp += counts.tp;
    total.pred += counts.pred;
    total.gold += counts.gold;
    byType[label] = toScore(counts);
  }
  return { overall: toScore(total), byType };
}

/** Strict scores restricted to inner entities and to outer entities, each side's subset taken within itself. */
export function scoreNested(gold: readonly (readonly Span[])[], pred: readonly (readonly Span[])[]): NestedScores {
  return {
    inner: scoreSpans(gold.map(innerSpans), pred.map(innerSpans)),
    outer: scoreSpans(gold.map(outerSpans), pred.map(outerSpans)),
  };
}

/**
 * Strict scores of each source's predictions ('model' for spans without one): precision over that source's
 * entities, recall as the share of all gold entities it found (gold is not attributed to sources, so the sources'
 * recalls add up to the overall recall). `sources` (a rule set's sourceNames) come first, in their order, each
 * even when it found nothing; other sources follow in order of first appearance.
 */
export function scoreBySource(
  gold: readonly (readonly Span[])[],
  pred: readonly (readonly PredictedSpan[])[],
  sources: readonly string[] = ['model'],
): Record<string, Score> {
  if (gold.length !== pred.length) {
    throw new RangeError(`gold has ${gold.length} sentences but predictions have ${pred.length}`);
  }
  const perSource = new Map<string, Counts>(sources.map((source) => [source, { tp: 0, pred: 0, gold: 0 }]));
  let goldTotal = 0;
  for (let i = 0; i < gold.length; i++) {
    const goldKeys = new Set(uniqueSpans(gold[i]).map(keyOf));
    goldTotal += goldKeys.size;
    for (const span of uniqueSpans(pred[i])) {
      const source = span.source ?? 'model';
      let counts = perSource.get(source);
      if (!counts) perSource.set(source, (counts = { tp: 0, pred: 0, gold: 0 }));
      counts.pred++;
      if (goldKeys.has(keyOf(span))) counts.tp++;
    }
  }
  return Object.fromEntries([...perSource].map(([source, counts]) => [source, toScore({ ...counts, gold: goldTotal })]));
}
