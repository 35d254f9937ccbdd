// Option checking in one place: wrong types are TypeErrors, unknown names and out-of-range values NerErrors.
import { availableParallelism } from 'node:os';
import { NerError } from './errors';

/** How token predictions are grouped into entities (Hugging Face pipeline semantics). */
export type Aggregation = 'none' | 'simple' | 'first' | 'average' | 'max';
export const AGGREGATIONS: readonly Aggregation[] = ['none', 'simple', 'first', 'average', 'max'];

/** How each token or word gets its tag: its own most probable one, or the best sequence the tagging scheme allows. */
export type Decoding = 'argmax' | 'viterbi';
export const DECODINGS: readonly Decoding[] = ['argmax', 'viterbi'];

/** Tagging schemes of token-classifier labels; 'bilou' is read as 'bioes'. */
export type TaggingScheme = 'iob2' | 'iob1' | 'bioes' | 'bilou';
export const TAGGING_SCHEMES: readonly TaggingScheme[] = ['iob2', 'iob1', 'bioes', 'bilou'];

/** Which spans a span model may return together: nesting ones, or only ones that do not overlap. */
export type SpanMode = 'nested' | 'flat';
export const SPAN_MODES: readonly SpanMode[] = ['nested', 'flat'];

/** What a model's output holds: one score per token and tag, or one per span of subwords and type. */
export type ModelHead = 'token' | 'span';

/** Per-call settings; each may also be given to the model as its default. */
export interface ExtractOptions {
  /**
   * Grouping of token predictions into entities, as the Hugging Face pipeline's aggregation_strategy:
   * 'none' (each tagged token, labelled with its tag and carrying `index`), 'simple' (B-/I- grouping of tokens),
   * 'first' / 'average' / 'max' (each word takes one tag from its subwords, then words are grouped). Default 'average'.
   */
  aggregation?: Aggregation;
  /** Most texts in one model batch. Default 64. */
  batchSize?: number;
  /** Most padded tokens (texts × longest text) in one model batch. Default 8192. */
  batchTokens?: number;
  /**
   * Texts longer than the model window are cut into windows sharing this many tokens with the previous one
   * (the reference pipeline's `stride`); entities are merged across windows. Default 128.
   */
  stride?: number;
  /** Longest text accepted, in UTF-16 units; longer ones fail with ERR_TEXT_TOO_LONG. Default 16,777,216. */
  maxTextLength?: number;
  /**
   * Most model windows the whole call may need (a text needs one per window of the model, more with a large
   * stride); a call needing more fails with ERR_TOO_MANY_WINDOWS as soon as that is known, and its queued work is
   * dropped. Bounds the work one caller can cause. Default: no bound.
   */
  maxWindows?: number;
  /**
   * Milliseconds the call may take from submission; once they pass, its windows not yet run are dropped and the
   * call fails with ERR_TIMEOUT. Default: no deadline.
   */
  timeoutMs?: number;
  /**
   * 'viterbi': the most probable tag sequence the tagging scheme allows (never an I-X after O or after another
   * type), over the units the aggregation defines (tokens for none/simple, words for first/average/max, whose
   * probabilities are the first subword's, the subwords' mean, or the most confident subword's).
   * 'argmax': each unit's most probable tag, exactly as the Hugging Face pipeline. Default 'viterbi'.
   */
  decoding?: Decoding;
  /** With argmax: read entities off the tags by the tagging scheme, so invalid sequences still give sensible entities. */
  repair?: boolean;
  /** The labels' tagging scheme. Default: detected from id2label (BIOES when E-/S- tags exist, else IOB2). */
  scheme?: TaggingScheme;
  /** Report only entities of these types (e.g. ['PER', 'ORG']). */
  labels?: string[];
  /** Report only entities whose score is at least this (0 to 1). */
  minScore?: number;
  /**
   * Span models only: 'nested' keeps a span unless it crosses (partly overlaps) a more confident one, so
   * entities may contain one another; 'flat' keeps it only if it overlaps no more confident one. Default 'nested'.
   */
  spanMode?: SpanMode;
  /** Span models only: spans scoring above this (0 < t < 1) are candidates. Default: config.json span_threshold. */
  spanThreshold?: number;
}

export interface ModelOptions extends ExtractOptions {
  /** The ONNX file inside the model directory (e.g. 'model_int8.onnx'). Default model.onnx, then onnx/model.onnx. */
  modelFile?: string;
  /** ONNX Runtime threads inside one operator. Default: ONNX Runtime's (one per physical core). */
  intraOpThreads?: number;
  /** ONNX Runtime threads across operators. Default: ONNX Runtime's. */
  interOpThreads?: number;
  /** Apply ONNX Runtime's graph optimisations. Default true. */
  optimizeGraph?: boolean;
  /**
   * Native threads that tokenize new calls and decode finished batches while ONNX Runtime runs the next one.
   * Default: half the cores, 1 to 4 (0 also means the default).
   */
  workerThreads?: number;
  /**
   * Milliseconds a model batch waits for concurrent calls' texts to join it (micro-batching), when calls overlap;
   * a lone caller awaiting each call never waits. 0 never waits; calls that arrive while a batch runs share the
   * next one anyway. Default 2.
   */
  maxWaitMs?: number;
  /**
   * Where the model runs: 'cpu' (default); 'cuda' (the CUDA execution provider; fails with ERR_RUNTIME_UNAVAILABLE
   * saying what is missing); 'auto' (CUDA when it can be used, else the CPU; info.device says which).
   */
  device?: 'cpu' | 'cuda' | 'auto';
  /** The CUDA device ordinal. Default 0. */
  deviceId?: number;
  /** libonnxruntime to load. Default $NATIVE_NER_ORT_LIBRARY, else the one onnxruntime-node ships. */
  ortLibraryPath?: string;
}

const EXTRACT_KEYS = [
  'aggregation',
  'decoding',
  'repair',
  'scheme',
  'labels',
  'minScore',
  'spanMode',
  'spanThreshold',
  'batchSize',
  'batchTokens',
  'stride',
  'maxTextLength',
  'maxWindows',
  'timeoutMs',
] as const;
const MODEL_KEYS = [...EXTRACT_KEYS, 'modelFile', 'intraOpThreads', 'interOpThreads', 'optimizeGraph', 'workerThreads', 'maxWaitMs', 'ortLibraryPath', 'device', 'deviceId'];

export function checkObject(value: unknown, what: string, known: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${what} must be an object`);
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new NerError('ERR_INVALID_ARGUMENT', `unknown ${what} '${key}'; known: ${known.join(', ')}`);
    }
  }
  return value as Record<string, unknown>;
}

export function checkInteger(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new NerError('ERR_INVALID_ARGUMENT', `${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** A number that `inRange` accepts; `range` says which in the error, e.g. 'from 0 to 1'. */
export function checkNumber(value: unknown, name: string, inRange: (n: number) => boolean, range: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number`);
  if (!inRange(value)) throw new NerError('ERR_INVALID_ARGUMENT', `${name} must be ${range}, got ${value}`);
  return value;
}

export function checkBoolean(value: unknown, name: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean`);
  return value;
}

function checkString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string`);
  if (value.length === 0) throw new NerError('ERR_INVALID_ARGUMENT', `${name} must not be empty`);
  return value;
}

function checkChoice<T extends string>(value: unknown, name: string, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string`);
  if (!choices.includes(value as T)) {
    throw new NerError('ERR_INVALID_ARGUMENT', `unknown ${name} '${value}'; expected one of ${choices.join(', ')}`);
  }
  return value as T;
}

/** Checks per-call options and returns only the ones that were given. */
export function checkExtractOptions(value: unknown): ExtractOptions {
  const o = checkObject(value, 'extract option', EXTRACT_KEYS);
  const out: ExtractOptions = {};
  const aggregation = checkChoice(o.aggregation, 'aggregation', AGGREGATIONS);
  if (aggregation !== undefined) out.aggregation = aggregation;
  const decoding = checkChoice(o.decoding, 'decoding', DECODINGS);
  if (decoding !== undefined) out.decoding = decoding;
  const scheme = checkChoice(o.scheme, 'scheme', TAGGING_SCHEMES);
  if (scheme !== undefined) out.scheme = scheme;
  const repair = checkBoolean(o.repair, 'repair');
  if (repair !== undefined) out.repair = repair;
  if (o.labels !== undefined) {
    if (!Array.isArray(o.labels) || o.labels.some((l) => typeof l !== 'string')) {
      throw new TypeError('labels must be an array of strings');
    }
    out.labels = [...(o.labels as string[])];
  }
  const minScore = checkNumber(o.minScore, 'minScore', (n) => n >= 0 && n <= 1, 'from 0 to 1');
  if (minScore !== undefined) out.minScore = minScore;
  const spanMode = checkChoice(o.spanMode, 'spanMode', SPAN_MODES);
  if (spanMode !== undefined) out.spanMode = spanMode;
  const spanThreshold = checkNumber(o.spanThreshold, 'spanThreshold', (n) => n > 0 && n < 1, 'between 0 and 1, exclusive');
  if (spanThreshold !== undefined) out.spanThreshold = spanThreshold;
  const batchSize = checkInteger(o.batchSize, 'batchSize', 1, 4096);
  if (batchSize !== undefined) out.batchSize = batchSize;
  const batchTokens = checkInteger(o.batchTokens, 'batchTokens', 1, 1 << 24);
  if (batchTokens !== undefined) out.batchTokens = batchTokens;
  // The model's window bounds the stride further; the native side checks that against the loaded model.
  const stride = checkInteger(o.stride, 'stride', 0, 1 << 20);
  if (stride !== undefined) out.stride = stride;
  const maxTextLength = checkInteger(o.maxTextLength, 'maxTextLength', 1, 2 ** 31 - 1);
  if (maxTextLength !== undefined) out.maxTextLength = maxTextLength;
  const maxWindows = checkInteger(o.maxWindows, 'maxWindows', 1, 2 ** 31 - 1);
  if (maxWindows !== undefined) out.maxWindows = maxWindows;
  const timeoutMs = checkInteger(o.timeoutMs, 'timeoutMs', 1, 2 ** 31 - 1);
  if (timeoutMs !== undefined) out.timeoutMs = timeoutMs;
  return out;
}

/**
 * ONNX Runtime threads: more than the machine's CPUs never helps and makes loading slow (1,024 took 15 s), so
 * the machine bounds them.
 */
function checkThreads(value: unknown, name: string): number | undefined {
  const cpus = availableParallelism();
  if (typeof value === 'number' && Number.isInteger(value) && value > cpus) {
    throw new NerError('ERR_INVALID_ARGUMENT', `${name} must be at most this machine's ${cpus} CPUs (0: ONNX Runtime's default), got ${value}`);
  }
  return checkInteger(value, name, 0, cpus);
}

/** Checks model options; the extract options among them become the model's per-call defaults. */
export function checkModelOptions(value: unknown): { model: ModelOptions; defaults: ExtractOptions } {
  const o = checkObject(value, 'model option', MODEL_KEYS);
  const defaults = checkExtractOptions(
    Object.fromEntries(EXTRACT_KEYS.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])),
  );
  const model: ModelOptions = {
    modelFile: checkString(o.modelFile, 'modelFile'),
    ortLibraryPath: checkString(o.ortLibraryPath, 'ortLibraryPath'),
    intraOpThreads: checkThreads(o.intraOpThreads, 'intraOpThreads'),
    interOpThreads: checkThreads(o.interOpThreads, 'interOpThreads'),
  };
  const workerThreads = checkInteger(o.workerThreads, 'workerThreads', 0, 64);
  if (workerThreads !== undefined) model.workerThreads = workerThreads;
  const maxWaitMs = checkNumber(o.maxWaitMs, 'maxWaitMs', (n) => n >= 0 && n <= 1000, 'from 0 to 1000');
  if (maxWaitMs !== undefined) model.maxWaitMs = maxWaitMs;
  const device = checkChoice(o.device, 'device', ['cpu', 'cuda', 'auto'] as const);
  if (device !== undefined) model.device = device;
  const deviceId = checkInteger(o.deviceId, 'deviceId', 0, 1024);
  if (deviceId !== undefined) model.deviceId = deviceId;
  const optimizeGraph = checkBoolean(o.optimizeGraph, 'optimizeGraph');
  if (optimizeGraph !== undefined) model.optimizeGraph = optimizeGraph;
  return { model, defaults };
}

// Options that mean something for one kind of model only; giving one to the other kind is a mistake to report.
const TOKEN_ONLY_KEYS = ['aggregation', 'decoding', 'repair', 'scheme'] as const;
const SPAN_ONLY_KEYS = ['spanMode', 'spanThreshold'] as const;

/** Rejects options the model's head cannot honour; `what` says where they came from ("extract option"). */
export function checkOptionsForHead(options: ExtractOptions, head: ModelHead, what: string): void {
  const misplaced = head === 'span' ? TOKEN_ONLY_KEYS : SPAN_ONLY_KEYS;
  const given = misplaced.filter((key) => options[key] !== undefined);
  if (given.length === 0) return;
  const why =
    head === 'span'
      ? 'this is a span model (ner_head "span"): it scores whole spans, so token aggregation and tag decoding ' +
        'do not apply; use spanMode and spanThreshold'
      : 'this is a token classifier: spanMode and spanThreshold apply only to span models (ner_head "span")';
  throw new NerError('ERR_INVALID_ARGUMENT', `${what} ${given.join(', ')}: ${why}`);
}
