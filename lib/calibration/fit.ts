// Fitting temperature scaling on a labelled dataset, as `native-ner calibrate` does: the dataset's sentences go
// through the model as `native-ner eval` gives them (each sentence's words joined by single spaces, in chunks, with
// the same extract options), ner.tokenScores gives each model token's raw logits and span, each token gets its gold
// tag, and temperature.ts fits the temperatures. The model is any object with tokenScores (NativeNer fits), so this
// module loads no addon.
import { NerError } from '../errors';
import type { Dataset, Span } from '../eval/dataset';
import type { TokenScores } from '../ner';
import type { ExtractOptions } from '../options';
import {
  fitLabelTemperatures,
  fitTemperature,
  type LabelledLogits,
  type LabelTemperaturesFit,
  type SingleTemperatureFit,
} from './temperature';

/** What the fit needs of a model: its labels and raw token logits. */
export interface TokenScorer {
  info: { labels: readonly string[]; head: string };
  tokenScores(texts: string[], options?: ExtractOptions): Promise<TokenScores[]>;
}

/** How gold entities become token tags: the model's tagging scheme (its labels' prefixes). */
export type TokenTagScheme = 'iob2' | 'iob1' | 'bioes' | 'bilou';

/** The scheme of a label set, as the engine detects it: BIOES with E-/S- labels, BILOU with L-/U-, else IOB2. */
export function detectScheme(labels: readonly string[]): TokenTagScheme {
  if (labels.some((label) => /^[ES]-/.test(label))) return 'bioes';
  if (labels.some((label) => /^[LU]-/.test(label))) return 'bilou';
  return 'iob2';
}

/**
 * Each token's gold tag. A token belongs to the gold entity whose character span holds its start (tokens never
 * cross words, so an entity's tokens are its words' tokens, in order). In IOB2 an entity's first token is B- and
 * the rest I-: the first word's tag for its first token and the I- form for every later subword and word. IOB1
 * uses B- only for an entity right after another of the same type; BIOES/BILOU end an entity with E-/L- and give a
 * one-token entity S-/U-. `entities` must not overlap (CoNLL data).
 */
export function goldTokenTags(entities: readonly Span[], starts: ArrayLike<number>, scheme: TokenTagScheme): string[] {
  const sorted = [...entities].sort((a, b) => a.start - b.start);
  const owner = new Int32Array(starts.length).fill(-1);
  let e = 0;
  for (let t = 0; t < starts.length; t++) {
    while (e < sorted.length && sorted[e].end <= starts[t]) e++;
    if (e < sorted.length && sorted[e].start <= starts[t]) owner[t] = e;
  }
  const [begin, last, single] = scheme === 'bilou' ? ['B', 'L', 'U'] : ['B', 'E', 'S'];
  const tags: string[] = new Array(starts.length);
  for (let t = 0; t < starts.length; t++) {
    const entity = owner[t];
    if (entity < 0) {
      tags[t] = 'O';
      continue;
    }
    const { label } = sorted[entity];
    const first = t === 0 || owner[t - 1] !== entity;
    const final = t === starts.length - 1 || owner[t + 1] !== entity;
    let prefix = 'I';
    if (scheme === 'iob2') prefix = first ? 'B' : 'I';
    else if (scheme === 'iob1') prefix = first && t > 0 && owner[t - 1] >= 0 && sorted[owner[t - 1]].label === label ? 'B' : 'I';
    else prefix = first && final ? single : first ? begin : final ? last : 'I';
    tags[t] = `${prefix}-${label}`;
  }
  return tags;
}

export interface CollectOptions extends ExtractOptions {
  /** Texts per tokenScores call. Default 256. */
  chunkSize?: number;
  /** The model's tagging scheme. Default: detected from its labels (detectScheme). */
  scheme?: TokenTagScheme;
  onProgress?: (done: number, total: number) => void;
}

/** The dataset's tokens with their raw logits and gold label indices, ready for temperature.ts. */
export interface DatasetTokens extends LabelledLogits {
  labelNames: readonly string[];
  sentences: number;
}

/**
 * Runs the model over every sentence of `dataset` and labels each token. A gold tag the model has no label for
 * (an entity type it does not know) is an ERR_INVALID_ARGUMENT naming it; so is nested data, which no single tag
 * per token can describe.
 */
export async function collectTokens(model: TokenScorer, dataset: Dataset, options: CollectOptions = {}): Promise<DatasetTokens> {
  if (model.info.head !== 'token') {
    throw new NerError('ERR_INVALID_ARGUMENT', `temperature scaling needs a token classifier; this is a ${model.info.head} model`);
  }
  if (dataset.nested) throw new NerError('ERR_INVALID_ARGUMENT', `${dataset.source}: nested entities have no single tag per token`);
  const { chunkSize = 256, scheme: given, onProgress, ...rest } = options;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  // Options left undefined (a CLI flag not given) are dropped, as the evaluator drops them.
  const extractOptions = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as ExtractOptions;
  const labelNames = model.info.labels;
  const scheme = given ?? detectScheme(labelNames);
  const indexOf = new Map(labelNames.map((label, i) => [label, i]));
  const width = labelNames.length;

  const logitChunks: Float32Array[] = [];
  const gold: number[] = [];
  const sentences = dataset.sentences;
  for (let from = 0; from < sentences.length; from += chunkSize) {
    const chunk = sentences.slice(from, from + chunkSize);
    const scores = await model.tokenScores(chunk.map((s) => s.text), extractOptions);
    scores.forEach((tokens, i) => {
      if (tokens.logits.length !== tokens.starts.length * width) {
        throw new NerError('ERR_INTERNAL', `sentence ${from + i}: ${tokens.logits.length} logits for ${tokens.starts.length} tokens`);
      }
      for (const tag of goldTokenTags(chunk[i].entities, tokens.starts, scheme)) {
        const id = indexOf.get(tag);
        if (id === undefined) {
          throw new NerError('ERR_INVALID_ARGUMENT', `${dataset.source}: gold tag ${tag} (sentence ${from + i + 1}) is not one of the model's labels (${labelNames.join(', ')})`);
        }
        gold.push(id);
      }
      logitChunks.push(tokens.logits);
    });
    onProgress?.(Math.min(from + chunkSize, sentences.length), sentences.length);
  }
  const logits = new Float32Array(gold.length * width);
  let offset = 0;
  for (const part of logitChunks) {
    logits.set(part, offset);
    offset += part.length;
  }
  return { logits, gold: Int32Array.from(gold), labels: width, labelNames, sentences: sentences.length };
}

/** A fitted calibration: the single temperature always, the per-label ones when asked for. */
export interface CalibrationFit {
  labels: readonly string[];
  sentences: number;
  tokens: number;
  single: SingleTemperatureFit;
  perLabel?: LabelTemperaturesFit;
}

/** Fits one temperature (and, with `perLabel`, one per label starting from it) on the dataset's tokens. */
export async function fitCalibration(
  model: TokenScorer,
  dataset: Dataset,
  options: CollectOptions & { perLabel?: boolean } = {},
): Promise<CalibrationFit> {
  const { perLabel = false, ...collect } = options;
  const tokens = await collectTokens(model, dataset, collect);
  return fitTokens(tokens, perLabel);
}

/** The fit on tokens already collected. */
export function fitTokens(tokens: DatasetTokens, perLabel: boolean): CalibrationFit {
  const single = fitTemperature(tokens);
  const fit: CalibrationFit = { labels: tokens.labelNames, sentences: tokens.sentences, tokens: tokens.gold.length, single };
  if (perLabel) fit.perLabel = fitLabelTemperatures(tokens, { start: single.temperature });
  return fit;
}

/** A calibration file's contents (native/core/decode/calibration.h reads temperature and temperatures). */
export interface CalibrationDocument {
  /** The single temperature; with per-label temperatures, what a label not listed would get. */
  temperature: number;
  /** Per label (by id2label name), with --per-label. */
  temperatures?: Record<string, number>;
  method: 'single' | 'per-label';
  fitted_on: string;
  sentences: number;
  tokens: number;
  /** Mean NLL of the gold tags per token, uncalibrated and with the temperatures written here. */
  nll_before: number;
  nll_after: number;
}

/** The file to write for `fit`; `fittedOn` names the data (the CoNLL file's path). */
export function calibrationDocument(fit: CalibrationFit, fittedOn: string): CalibrationDocument {
  const { single, perLabel } = fit;
  const document: CalibrationDocument = {
    temperature: single.temperature,
    method: perLabel ? 'per-label' : 'single',
    fitted_on: fittedOn,
    sentences: fit.sentences,
    tokens: fit.tokens,
    nll_before: single.nllBefore,
    nll_after: perLabel ? perLabel.nllAfter : single.nllAfter,
  };
  if (perLabel) document.temperatures = Object.fromEntries(fit.labels.map((label, k) => [label, perLabel.temperatures[k]]));
  return document;
}

/** The command's summary: data, NLL before and after, the temperatures. */
export function formatCalibration(fit: CalibrationFit, fittedOn: string, written: string): string {
  const { single, perLabel } = fit;
  const lines = [
    `${fittedOn}: ${fit.sentences} sentences, ${fit.tokens} tokens`,
    `mean NLL per token: ${single.nllBefore.toFixed(4)} uncalibrated`,
    `  one temperature  T = ${single.temperature.toFixed(4)}: NLL ${single.nllAfter.toFixed(4)}`,
  ];
  if (perLabel) {
    const state = perLabel.converged ? 'converged' : `stopped, gradient ${perLabel.gradientNorm.toExponential(1)}`;
    lines.push(`  per label (${perLabel.iterations} steps, ${state}): NLL ${perLabel.nllAfter.toFixed(4)}`);
    const width = Math.max(...fit.labels.map((label) => label.length));
    fit.labels.forEach((label, k) => lines.push(`    ${label.padEnd(width)}  T = ${perLabel.temperatures[k].toFixed(4)}`));
  }
  lines.push(`wrote ${written}`);
  return lines.join('\n');
}
