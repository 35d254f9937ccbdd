// Option checking in one place: wrong types are TypeErrors, unknown names and out-of-range values NerErrors.
import { NerError } from './errors';

/** How token predictions are grouped into entities (Hugging Face pipeline semantics). */
export type Aggregation = 'none' | 'simple' | 'first' | 'average' | 'max';
export const AGGREGATIONS: readonly Aggregation[] = ['none', 'simple', 'first', 'average', 'max'];

/** Per-call settings; each may also be given to the model as its default. */
export interface ExtractOptions {
  /**
   * Grouping of token predictions into entities, as the Hugging Face pipeline's aggregation_strategy:
   * 'none' (each tagged token, labelled with its tag and carrying `index`), 'simple' (B-/I- grouping of tokens),
   * 'first' / 'average' / 'max' (each word takes one tag from its subwords, then words are grouped). Default 'simple'.
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
  /** libonnxruntime to load. Default $NATIVE_NER_ORT_LIBRARY, else the one onnxruntime-node ships. */
  ortLibraryPath?: string;
}

const EXTRACT_KEYS = ['aggregation', 'batchSize', 'batchTokens', 'stride', 'maxTextLength'] as const;
const MODEL_KEYS = [...EXTRACT_KEYS, 'modelFile', 'intraOpThreads', 'interOpThreads', 'optimizeGraph', 'ortLibraryPath'];

function checkObject(value: unknown, what: string, known: readonly string[]): Record<string, unknown> {
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

function checkInteger(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new NerError('ERR_INVALID_ARGUMENT', `${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

function checkString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string`);
  if (value.length === 0) throw new NerError('ERR_INVALID_ARGUMENT', `${name} must not be empty`);
  return value;
}

/** Checks per-call options and returns only the ones that were given. */
export function checkExtractOptions(value: unknown): ExtractOptions {
  const o = checkObject(value, 'extract option', EXTRACT_KEYS);
  const out: ExtractOptions = {};
  if (o.aggregation !== undefined) {
    if (typeof o.aggregation !== 'string') throw new TypeError('aggregation must be a string');
    if (!AGGREGATIONS.includes(o.aggregation as Aggregation)) {
      throw new NerError(
        'ERR_INVALID_ARGUMENT',
        `unknown aggregation '${o.aggregation}'; expected one of ${AGGREGATIONS.join(', ')}`,
      );
    }
    out.aggregation = o.aggregation as Aggregation;
  }
  const batchSize = checkInteger(o.batchSize, 'batchSize', 1, 4096);
  if (batchSize !== undefined) out.batchSize = batchSize;
  const batchTokens = checkInteger(o.batchTokens, 'batchTokens', 1, 1 << 24);
  if (batchTokens !== undefined) out.batchTokens = batchTokens;
  // The model's window bounds the stride further; the native side checks that against the loaded model.
  const stride = checkInteger(o.stride, 'stride', 0, 1 << 20);
  if (stride !== undefined) out.stride = stride;
  const maxTextLength = checkInteger(o.maxTextLength, 'maxTextLength', 1, 2 ** 31 - 1);
  if (maxTextLength !== undefined) out.maxTextLength = maxTextLength;
  return out;
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
    intraOpThreads: checkInteger(o.intraOpThreads, 'intraOpThreads', 0, 1024),
    interOpThreads: checkInteger(o.interOpThreads, 'interOpThreads', 0, 1024),
  };
  if (o.optimizeGraph !== undefined) {
    if (typeof o.optimizeGraph !== 'boolean') throw new TypeError('optimizeGraph must be a boolean');
    model.optimizeGraph = o.optimizeGraph;
  }
  return { model, defaults };
}
