// Plain-text table of an evaluation, for people (the CLI's --json gives the same numbers for programs).
import type { CalibrationError } from './calibration-error';
import type { Evaluation, RulesEvaluation } from './evaluate';
import type { Score } from './metrics';

const HEADER = ['type', 'precision', 'recall', 'f1', 'tp', 'pred', 'gold'];

const SOURCE_HEADER = ['source', ...HEADER.slice(1)];

function row(name: string, s: Score): string[] {
  return [name, s.precision.toFixed(4), s.recall.toFixed(4), s.f1.toFixed(4), `${s.tp}`, `${s.pred}`, `${s.gold}`];
}

/** Lays rows out in columns: the first left-aligned, numbers right-aligned; `null` draws a rule. */
function layout(rows: (string[] | null)[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r ? r[c].length : 0))));
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return rows
    .map((r) => {
      if (!r) return rule;
      return r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
    })
    .join('\n');
}

export function formatEvaluation(evaluation: Evaluation): string {
  const { source, sentences, aggregation, decoding, seconds, overall, byType, inner, outer } = evaluation;
  const { spanMode, spanThreshold } = evaluation;
  // A span model has no aggregation or tag decoding: its run is described by its span settings.
  const settings =
    spanMode !== null || spanThreshold !== null
      ? `span mode ${spanMode ?? 'default'}, threshold ${spanThreshold ?? 'default'}`
      : `aggregation ${aggregation ?? 'default'}, decoding ${decoding ?? 'default'}`;
  const title = `${source}: ${sentences} sentences, ${overall.gold} gold entities, ${settings}, ${seconds.toFixed(1)} s`;
  const rows: (string[] | null)[] = [HEADER, null];
  for (const [label, score] of Object.entries(byType)) rows.push(row(label, score));
  rows.push(null, row('overall', overall));
  // Only the entities inside (around) another of their own set, gold and predictions alike.
  if (inner) rows.push(row('inner', inner.overall));
  if (outer) rows.push(row('outer', outer.overall));
  let report = `${title}\nstrict spans (exact start, end and type)\n\n${layout(rows)}`;
  if (evaluation.calibration) report += `\n\n${formatCalibrationError(evaluation.calibration)}`;
  return evaluation.rules ? `${report}\n\n${formatRules(evaluation.rules, overall)}` : report;
}

/** One line: the model's entity scores against exact correctness. */
export function formatCalibrationError(calibration: CalibrationError): string {
  const { ece, mce, entities, accuracy, meanScore, bins } = calibration;
  return (
    `calibration of entity scores (${bins.length} equal-width bins, ${entities} model entities, ` +
    `${(accuracy * 100).toFixed(1)}% exactly correct, mean score ${meanScore.toFixed(4)}): ECE ${ece.toFixed(4)}, MCE ${mce.toFixed(4)}`
  );
}

const signed = (x: number, digits: number) => `${x >= 0 ? '+' : '-'}${Math.abs(x).toFixed(digits)}`;

/** What the rules changed: each source's entities, then the overall scores with and without the rules. */
function formatRules(rules: RulesEvaluation, withRules: Score): string {
  const { bySource, modelAlone, difference } = rules;
  const rows: (string[] | null)[] = [SOURCE_HEADER, null];
  for (const [source, score] of Object.entries(bySource)) rows.push(row(source, score));
  rows.push(null, row('with rules', withRules), row('model alone', modelAlone.overall));
  const alone = modelAlone.overall;
  rows.push([
    'difference',
    signed(difference.precision, 4),
    signed(difference.recall, 4),
    signed(difference.f1, 4),
    signed(withRules.tp - alone.tp, 0),
    signed(withRules.pred - alone.pred, 0),
    `${withRules.gold}`,
  ]);
  const title = `rules${rules.file ? ` ${rules.file}` : ''}: by source (precision of its entities; recall: its share of all gold entities), model alone ${modelAlone.seconds.toFixed(1)} s`;
  return `${title}\n\n${layout(rows)}`;
}
