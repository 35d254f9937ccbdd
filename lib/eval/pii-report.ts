// Plain-text report of a PII evaluation: the per-type table, the hard negatives, the targets and a few errors.
import { checkPiiTargets, PII_TARGETS, type PiiEvaluation } from './pii-evaluate';
import type { PiiTypeScore } from './pii-score';

const HEADER = ['type', 'gold', 'predicted', 'precision', 'recall', 'overlap P', 'overlap R', 'chars left', 'verbatim'];

function row(name: string, s: PiiTypeScore): string[] {
  return [
    name,
    `${s.gold}`,
    `${s.predicted}`,
    s.precision.toFixed(4),
    s.recall.toFixed(4),
    s.overlapPrecision.toFixed(4),
    s.overlapRecall.toFixed(4),
    s.charsLeftShare.toFixed(4),
    `${s.verbatim}`,
  ];
}

/** Columns: the first left-aligned, the others right-aligned; `null` draws a rule. */
function layout(rows: (string[] | null)[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r ? r[c].length : 0))));
  return rows
    .map((r) => (r ? r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ') : widths.map((w) => '-'.repeat(w)).join('  ')))
    .join('\n');
}

/** The report; `title` says what set and model ran (the caller knows the file and the seed). */
export function formatPiiEvaluation(evaluation: PiiEvaluation, title: string): string {
  const { scores, seconds, records } = evaluation;
  const rows: (string[] | null)[] = [HEADER, null];
  for (const [label, score] of Object.entries(scores.byType)) rows.push(row(label, score));
  rows.push(null, row('overall', scores.overall));
  const kinds = Object.entries(scores.negatives.byKind)
    .map(([kind, { total, redacted }]) => `${kind} ${redacted}/${total}`)
    .join(', ');
  const bySource = Object.entries(scores.negatives.bySource)
    .map(([source, n]) => `${source} ${n}`)
    .join(', ');
  const lines = [
    `${title}; ${records} texts in ${seconds.toFixed(1)} s (${(records / Math.max(seconds, 1e-9)).toFixed(0)} texts/s)`,
    `labels ${evaluation.labels.join(', ')}; sources ${evaluation.sources?.join(', ') ?? 'model only'}`,
    'precision/recall: exact spans (same start, end and label); overlap P/R: the same label sharing a character;',
    'chars left: share of gold PII characters no redaction covers; verbatim: gold values still in the redacted text',
    '',
    layout(rows),
    '',
    `hard negatives redacted: ${scores.negatives.redacted} of ${scores.negatives.total} (${kinds})`,
    `  by source: ${bySource || 'none'}`,
    '',
    'targets:',
    ...checkPiiTargets(scores).map((c) => `  ${c.met ? 'met    ' : 'NOT MET'}  ${c.target}: ${c.measured}`),
  ];
  // Errors of the types with targets and of the negatives: what to look at when a target is missed.
  const watched = Object.entries(scores.examples).filter(([key]) => key in PII_TARGETS.byType || key.startsWith('negative: '));
  if (watched.length > 0) {
    lines.push('', 'errors (first few of each):');
    for (const [key, examples] of watched) {
      for (const { text, expected, got } of examples) lines.push(`  ${key}: ${JSON.stringify(text)}\n    expected ${expected}\n    got ${got}`);
    }
  }
  return lines.join('\n');
}
