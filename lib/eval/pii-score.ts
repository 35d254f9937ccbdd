// Scoring of redactions against the PII set: detection precision and recall per type (exact spans, and overlapping
// spans of the same label), the share of gold PII characters no redaction covers, gold values still present
// verbatim in the rewritten text, and the hard negatives that were redacted. Pure functions over plain data.
import type { PiiRecord, PiiSpan } from './pii-dataset';

/** What scoring needs of a redaction item: its label, its span of the input text (UTF-16 offsets), what found it. */
export interface RedactionSpan {
  label: string;
  start: number;
  end: number;
  /** With rules: 'model' or the rule's name (a built-in's is its label); taken as 'model' when absent. */
  source?: string;
}

/** What scoring needs of a redacted text: the rewritten text and its items (docs/api.md, RedactedText). */
export interface RedactedLike {
  text: string;
  items: readonly RedactionSpan[];
}

export interface PiiTypeScore {
  /** Gold values of the type. */
  gold: number;
  /** Redaction items with the type's label. */
  predicted: number;
  /** Items equal to a gold value of the type: same start, end and label. */
  exact: number;
  precision: number;
  recall: number;
  /** Overlap matching: items of the label sharing a character with a gold value of it, and gold values sharing one with such an item. */
  overlapPredicted: number;
  overlapGold: number;
  overlapPrecision: number;
  overlapRecall: number;
  /** Gold characters (UTF-16 units) of the type, and those that no item (of any label) covers. */
  goldChars: number;
  charsLeft: number;
  /** charsLeft / goldChars, 0 when there is no gold character. */
  charsLeftShare: number;
  /** Gold values whose text still appears verbatim in the rewritten text. */
  verbatim: number;
}

/** One hard negative that was redacted, or one gold value missed or item wrong, for the report. */
export interface PiiExample {
  text: string;
  /** What the set says: a gold value, a negative's kind, or 'none' for an item over no gold value. */
  expected: string;
  /** What the redaction gave: the items over the span, or 'nothing'. */
  got: string;
}

export interface PiiScores {
  /** By type, in the order of PII_LABELS for the set's labels, then other predicted labels alphabetically. */
  byType: Record<string, PiiTypeScore>;
  overall: PiiTypeScore;
  negatives: {
    total: number;
    /** Negatives that an item overlaps. */
    redacted: number;
    /** Negatives that an item of a rule (a source other than 'model') overlaps. */
    redactedByRules: number;
    byKind: Record<string, { total: number; redacted: number }>;
    /** Negatives overlapped by each source's items (one negative counts once per source). */
    bySource: Record<string, number>;
  };
  /** A few errors of each type and negative kind (at most `examplesPerType`), for reading, in record order. */
  examples: Record<string, PiiExample[]>;
}

function emptyScore(): PiiTypeScore {
  return {
    gold: 0, predicted: 0, exact: 0, precision: 0, recall: 0,
    overlapPredicted: 0, overlapGold: 0, overlapPrecision: 0, overlapRecall: 0,
    goldChars: 0, charsLeft: 0, charsLeftShare: 0, verbatim: 0,
  };
}

/** Fills the ratios of a score from its counts. */
function withRatios(s: PiiTypeScore): PiiTypeScore {
  const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
  return {
    ...s,
    precision: ratio(s.exact, s.predicted),
    recall: ratio(s.exact, s.gold),
    overlapPrecision: ratio(s.overlapPredicted, s.predicted),
    overlapRecall: ratio(s.overlapGold, s.gold),
    charsLeftShare: ratio(s.charsLeft, s.goldChars),
  };
}

/** The fields that are counts (the others are ratios of them). */
const COUNTS = ['gold', 'predicted', 'exact', 'overlapPredicted', 'overlapGold', 'goldChars', 'charsLeft', 'verbatim'] as const;

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;

/** Characters of [start, end) that none of `covers` covers. */
export function uncoveredChars(span: { start: number; end: number }, covers: readonly { start: number; end: number }[]): number {
  let left = 0;
  for (let i = span.start; i < span.end; i++) if (!covers.some((c) => c.start <= i && i < c.end)) left++;
  return left;
}

function describeItems(text: string, items: readonly RedactionSpan[]): string {
  if (items.length === 0) return 'nothing';
  return items
    .map((i) => `${i.label} ${JSON.stringify(text.slice(i.start, i.end))} [${i.start}, ${i.end}) from ${i.source ?? 'model'}`)
    .join('; ');
}

const spanKey = (s: RedactionSpan) => `${s.start}:${s.end}:${s.label}`;

/**
 * Scores `redactions[i]` against `records[i]`. Detection is over the items' labels and input spans; "chars left"
 * counts gold characters outside every item whatever its label (a value redacted under another label is still
 * gone); "verbatim" looks for each gold value's text in the rewritten text.
 */
export function scorePii(
  records: readonly PiiRecord[],
  redactions: readonly RedactedLike[],
  options: { labels?: readonly string[]; examplesPerType?: number } = {},
): PiiScores {
  if (records.length !== redactions.length) {
    throw new RangeError(`the set has ${records.length} records but there are ${redactions.length} redactions`);
  }
  const { examplesPerType = 3 } = options;
  const byType = new Map<string, PiiTypeScore>((options.labels ?? []).map((label) => [label, emptyScore()]));
  const scoreOf = (label: string) => {
    let score = byType.get(label);
    if (!score) byType.set(label, (score = emptyScore()));
    return score;
  };
  const negatives: PiiScores['negatives'] = { total: 0, redacted: 0, redactedByRules: 0, byKind: {}, bySource: {} };
  const examples: Record<string, PiiExample[]> = {};
  const addExample = (key: string, example: PiiExample) => {
    const list = (examples[key] ??= []);
    if (list.length < examplesPerType) list.push(example);
  };

  records.forEach((record, r) => {
    const { text } = record;
    const { items, text: rewritten } = redactions[r];
    for (const gold of record.pii) {
      const score = scoreOf(gold.label);
      score.gold++;
      const value = text.slice(gold.start, gold.end);
      if (items.some((i) => spanKey(i) === spanKey(gold))) {
        score.exact++;
      } else {
        addExample(gold.label, {
          text,
          expected: `${gold.label} ${JSON.stringify(value)} [${gold.start}, ${gold.end})`,
          got: describeItems(text, items.filter((i) => overlaps(i, gold))),
        });
      }
      if (items.some((i) => i.label === gold.label && overlaps(i, gold))) score.overlapGold++;
      score.goldChars += gold.end - gold.start;
      score.charsLeft += uncoveredChars(gold, items);
      if (value !== '' && rewritten.includes(value)) score.verbatim++;
    }
    for (const item of items) {
      const score = scoreOf(item.label);
      score.predicted++;
      if (record.pii.some((g: PiiSpan) => g.label === item.label && overlaps(g, item))) score.overlapPredicted++;
      if (!record.pii.some((g) => overlaps(g, item))) {
        addExample(item.label, { text, expected: 'none', got: describeItems(text, [item]) });
      }
    }
    for (const negative of record.negatives) {
      const kind = (negatives.byKind[negative.kind] ??= { total: 0, redacted: 0 });
      kind.total++;
      negatives.total++;
      const over = items.filter((i) => overlaps(i, negative));
      if (over.length === 0) continue;
      kind.redacted++;
      negatives.redacted++;
      const sources = new Set(over.map((i) => i.source ?? 'model'));
      for (const source of sources) negatives.bySource[source] = (negatives.bySource[source] ?? 0) + 1;
      if ([...sources].some((source) => source !== 'model')) negatives.redactedByRules++;
      addExample(`negative: ${negative.kind}`, {
        text,
        expected: `not PII: ${negative.kind} ${JSON.stringify(text.slice(negative.start, negative.end))} [${negative.start}, ${negative.end})`,
        got: describeItems(text, over),
      });
    }
  });

  const known = options.labels ?? [];
  const labels = [...known.filter((l) => byType.has(l)), ...[...byType.keys()].filter((l) => !known.includes(l)).sort()];
  const result: Record<string, PiiTypeScore> = {};
  const total = emptyScore();
  for (const label of labels) {
    const score = byType.get(label) as PiiTypeScore;
    result[label] = withRatios(score);
    for (const key of COUNTS) total[key] += score[key];
  }
  return { byType: result, overall: withRatios(total), negatives, examples };
}
