// Runs a model over a labelled dataset and scores what it finds.
import type { ExtractOptions } from '../options';
import { entityCalibration, type CalibrationError } from './calibration-error';
import type { Dataset } from './dataset';
import { scoreBySource, scoreNested, scoreSpans, type NestedScores, type PredictedSpan, type Score, type SpanScores } from './metrics';

/** What the evaluator needs of a model: NativeNer fits, and so does any stand-in with the same extract. */
export interface Extractor {
  extract(texts: string[], options?: ExtractOptions): Promise<PredictedSpan[][]>;
}

/** Extract's options, handed to it untouched (the model's defaults apply to those left out), and the evaluator's own. */
export interface EvaluateOptions extends ExtractOptions {
  /** Texts per extract call. Default 1024: large enough to keep batches full, small enough to bound memory. */
  chunkSize?: number;
  /** Called after each chunk with the number of sentences done so far. */
  onProgress?: (done: number, total: number) => void;
}

export interface Evaluation extends SpanScores, Partial<NestedScores> {
  /** The dataset's source (file path). */
  source: string;
  sentences: number;
  /** The aggregation asked for, or null when the model's default was used. */
  aggregation: string | null;
  /** The decoding asked for, or null when the model's default was used. */
  decoding: string | null;
  /** The span mode and threshold asked for (span models), or null when the model's default was used. */
  spanMode: string | null;
  spanThreshold: number | null;
  /** Wall time of the predictions. */
  seconds: number;
  /**
   * How well the model's entity scores match how often its entities are right (ECE and MCE over 10 equal-width
   * score bins; see calibration-error.ts). Absent only in evaluations made by hand.
   */
  calibration?: CalibrationError;
  /** With the `rules` option only: what the rules change. */
  rules?: RulesEvaluation;
}

/** An evaluation with rules beside the same run without them. */
export interface RulesEvaluation {
  /** The rules file's path, or null for rules given as a document or loaded Rules. */
  file: string | null;
  /** Scores of each source's entities ('model', then each rule's name): see scoreBySource. */
  bySource: Record<string, Score>;
  /** The same evaluation without the `rules` option (the model's own rules, if it was loaded with any, apply). */
  modelAlone: SpanScores & Partial<NestedScores> & { seconds: number };
  /** With rules minus without, overall. */
  difference: { precision: number; recall: number; f1: number };
}

const DEFAULT_CHUNK = 1024;

/** The model's entities for every text, in order, `chunkSize` texts per extract call. */
export async function predictAll(
  ner: Extractor,
  texts: readonly string[],
  options: EvaluateOptions = {},
): Promise<PredictedSpan[][]> {
  const { chunkSize = DEFAULT_CHUNK, onProgress, ...given } = options;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  }
  // Options left undefined (a CLI flag not given) are dropped, so they cannot look like options set.
  const extractOptions = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as ExtractOptions;

  const predictions: PredictedSpan[][] = [];
  for (let from = 0; from < texts.length; from += chunkSize) {
    const chunk = texts.slice(from, from + chunkSize);
    const results = await ner.extract(chunk, extractOptions);
    predictions.push(...results);
    onProgress?.(predictions.length, texts.length);
  }
  return predictions;
}

/** Scores predictions (one list per sentence, in dataset order) against the dataset's gold entities. */
export function scoreDataset(
  dataset: Dataset,
  predictions: readonly (readonly PredictedSpan[])[],
): SpanScores & Partial<NestedScores> {
  const gold = dataset.sentences.map((s) => s.entities);
  const scores = scoreSpans(gold, predictions);
  return dataset.nested ? { ...scores, ...scoreNested(gold, predictions) } : scores;
}

/**
 * Runs `ner` over every sentence of `dataset`; returns strict span scores, and inner/outer ones for nested data.
 * With the `rules` option it runs twice, with and without the rules, and adds `rules`: scores by source and the
 * difference the rules make. A rules path or document is loaded once, not per chunk.
 */
export async function evaluate(ner: Extractor, dataset: Dataset, options: EvaluateOptions = {}): Promise<Evaluation> {
  const texts = dataset.sentences.map((s) => s.text);
  const timed = async (runOptions: EvaluateOptions) => {
    const started = performance.now();
    const predictions = await predictAll(ner, texts, runOptions);
    return { predictions, seconds: (performance.now() - started) / 1000 };
  };
  const { rules: given, ...withoutRules } = options;
  // Loaded only with rules, so the evaluator's module (and its unit tests) does not load the addon's binding.
  const rules = given === undefined ? undefined : await (await import('../rules')).loadRules(given);
  const { predictions, seconds } = await timed(rules ? { ...withoutRules, rules } : withoutRules);
  const scores = scoreDataset(dataset, predictions);
  const evaluation: Evaluation = {
    source: dataset.source,
    sentences: dataset.sentences.length,
    aggregation: options.aggregation ?? null,
    decoding: options.decoding ?? null,
    spanMode: options.spanMode ?? null,
    spanThreshold: options.spanThreshold ?? null,
    seconds,
    ...scores,
    calibration: entityCalibration(dataset.sentences.map((s) => s.entities), predictions),
  };
  if (!rules) return evaluation;
  const alone = await timed(withoutRules);
  const modelAlone = { ...scoreDataset(dataset, alone.predictions), seconds: alone.seconds };
  const gold = dataset.sentences.map((s) => s.entities);
  evaluation.rules = {
    file: typeof given === 'string' ? given : null,
    bySource: scoreBySource(gold, predictions, rules.sourceNames),
    modelAlone,
    difference: {
      precision: scores.overall.precision - modelAlone.overall.precision,
      recall: scores.overall.recall - modelAlone.overall.recall,
      f1: scores.overall.f1 - modelAlone.overall.f1,
    },
  };
  return evaluation;
}
