// NativeNer: the public model class. Validates arguments, hands plain data to the binding, and turns the
// binding's columnar result into entity objects.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { callNative, fromNative, NerError } from './errors';
import { modelIdentity, modelIdentitySync, type ModelIdentity } from './identity';
import {
  chooseOrtLibrary,
  getBinding,
  type NativeColumns,
  type NativeModel,
  type NativeModelInfo,
  type NativeModelParams,
  type NativeRedactionPolicy,
  type NativeStats,
} from './native';
import {
  checkBoolean,
  checkExtractOptions,
  checkRedactOptions,
  checkStreamOptions,
  checkModelOptions,
  checkOptionsForHead,
  checkSentenceOptions,
  type ExtractOptions,
  type LoadOptions,
  type ModelHead,
  type ModelOptions,
  type RedactOptions,
  type RedactStreamOptions,
  type SentenceOptions,
  type StreamOptions,
} from './options';
import { PseudonymMap, toNativePolicy, toRedactedTexts, type RedactedText, type Redaction } from './redaction';
import { monitorHandle } from './monitoring';
import { Rules, rulesHandle, type RulesInput } from './rules';
import { extractStream, streamInChunks, type StreamResult } from './stream';
import { sentences, type Sentence } from './segmentation';
import { toTokenizedText, type TokenizedText } from './tokenizer';

export interface Entity {
  /** Entity type, e.g. 'PER'; with aggregation 'none', the token's tag, e.g. 'B-PER'. */
  label: string;
  /** Offset of the first character, in JavaScript string indices (UTF-16 code units). */
  start: number;
  /** Offset one past the last character. */
  end: number;
  /** text.slice(start, end). */
  text: string;
  /**
   * Probability of the label: for grouped entities the mean over their tokens or words; for a span model the
   * span's own (sigmoid) probability.
   */
  score: number;
  /** With aggregation 'none' only: the token's position in the model input ([CLS] is 0). */
  index?: number;
  /** With rules only: 'model', or the name of the rule that found it or decided its label. */
  source?: string;
  /** With rules only: the canonical id of the phrase that found it, when it has one. */
  id?: string;
  /**
   * With confidence only (docs/api.md "Confidence signals"): the lowest top-1 probability of its tokens, their
   * smallest top-1 minus top-2 margin, their mean entropy (nats). Absent for an entity a rule made.
   */
  minProb?: number;
  margin?: number;
  entropy?: number;
}

/** The model's raw scores of one text's tokens (ner.tokenScores). */
export interface TokenScores {
  /** Each token's span in the text, UTF-16 offsets (template tokens such as [CLS] excluded). */
  starts: Uint32Array;
  ends: Uint32Array;
  /** Row t, logits[t × labels.length ..], is token t's logit per label of `labels` (id2label), before calibration. */
  logits: Float32Array;
  labels: readonly string[];
}

/** One text of redactStream: its position in the input, the redacted text and what was replaced. */
export interface RedactStreamResult {
  index: number;
  text: string;
  items: Redaction[];
}

/** What ner.stats() returns; every field a plain number. */
export type EngineStats = NativeStats;

export interface ModelInfo {
  /** id2label of config.json, in id order. */
  labels: string[];
  /** Entity types the model can return. */
  entityTypes: string[];
  /** Tokens one text may take, special tokens included. */
  maxTokens: number;
  modelPath: string;
  ortVersion: string;
  ortLibraryPath: string;
  /** 'span' for models with a span head (config.json "ner_head": "span"), else 'token'. */
  head: ModelHead;
  /** Span models only: the most subwords one span may cover (config.json span_max_width). */
  spanMaxWidth?: number;
  /** Span models only: the default spanThreshold (config.json span_threshold). */
  spanThreshold?: number;
  /** Where the model runs. */
  device: 'cpu' | 'cuda';
  /** With device 'auto' on the CPU: why CUDA was not used. */
  deviceNote?: string;
  /** The temperature scaling applied to every call (`native-ner calibrate`): its file, or undefined for none. */
  calibration?: string;
  /** SHA-256 of the ONNX file, tokenizer.json and config.json, and of the three combined (lib/identity.ts). */
  identity: ModelIdentity;
  /**
   * What is suspect about this model directory although it loads (for example a tokenizer.json without a
   * post_processor, so no [CLS]/[SEP]); empty for a sound model. The CLI prints them.
   */
  warnings: string[];
}

/** The binding's load parameters: `options` are the checked load options (checkModelOptions' `model`). */
function toParams(modelDir: unknown, options: LoadOptions): NativeModelParams {
  if (typeof modelDir !== 'string') throw new TypeError('modelDir must be a string');
  if (modelDir.length === 0) throw new NerError('ERR_INVALID_ARGUMENT', 'modelDir must not be empty');
  const { calibration, ...load } = options;
  const directory = resolve(modelDir);
  return { ...load, directory, calibrationPath: calibrationPathOf(directory, calibration), ...chooseOrtLibrary(options.device, options.ortLibraryPath) };
}

/** The calibration file a load applies: the one given, none for 'none', else calibration.json beside the model. */
function calibrationPathOf(directory: string, given: string | undefined): string {
  if (given === 'none') return '';
  if (given !== undefined) return resolve(given);
  const beside = join(directory, 'calibration.json');
  return existsSync(beside) ? beside : '';
}

function toModelInfo(raw: NativeModelInfo): Omit<ModelInfo, 'identity'> {
  const info: Omit<ModelInfo, 'identity'> = {
    labels: raw.labels,
    entityTypes: raw.types.filter((t) => t !== 'O'),
    maxTokens: raw.maxTokens,
    modelPath: raw.modelPath,
    ortVersion: raw.ortVersion,
    ortLibraryPath: raw.ortLibraryPath,
    device: raw.device as ModelInfo['device'],
    deviceNote: raw.deviceNote || undefined,
    head: raw.head,
    warnings: raw.warnings,
    calibration: raw.calibrationPath || undefined,
  };
  if (raw.head === 'span') {
    info.spanMaxWidth = raw.spanMaxWidth;
    info.spanThreshold = raw.spanThreshold;
  }
  return info;
}

/** UTF-8 input for extractColumns: text i is utf8[offsets[i], offsets[i + 1]). */
export interface Utf8Texts {
  utf8: Uint8Array;
  offsets: Uint32Array;
}

/** The confidence columns (docs/api.md "Confidence signals"), as the binding gives them. */
const SIGNAL_COLUMNS = ['minProbs', 'margins', 'entropies', 'textEntropy', 'unkRate', 'textWindows', 'textTokens'] as const;

/**
 * Entities as columns: row k is one entity; the rows of text i are offsets[i] .. offsets[i + 1]. starts/ends are
 * UTF-16 indices for string input and byte offsets within the text for UTF-8 input; labels index labelNames. With
 * confidence, also each entity's signals and each text's (SIGNAL_COLUMNS).
 */
export interface EntityColumns
  extends Pick<NativeColumns, 'offsets' | 'textIndex' | 'starts' | 'ends' | 'labels' | 'scores' | (typeof SIGNAL_COLUMNS)[number]> {
  count: number;
  labelNames: readonly string[];
  /** With rules only: each entity's source (indexing sourceNames: 0 is 'model') and id (indexing idNames; -1 none). */
  sources?: Int32Array;
  ids?: Int32Array;
  sourceNames?: readonly string[];
  idNames?: readonly string[];
}

/** Packs strings as UTF-8 with text boundaries, the input form extractColumns also takes. */
export function packUtf8(texts: readonly string[]): Utf8Texts {
  const encoder = new TextEncoder();
  const parts = texts.map((t) => encoder.encode(t));
  const offsets = new Uint32Array(parts.length + 1);
  parts.forEach((p, i) => (offsets[i + 1] = offsets[i] + p.length));
  const utf8 = new Uint8Array(offsets[parts.length]);
  parts.forEach((p, i) => utf8.set(p, offsets[i]));
  return { utf8, offsets };
}

// Inputs are read once, into values of our own: a getter or Proxy cannot then show the check one text, the
// model another and the result slicing a third.
function readUtf8Texts(input: unknown): Utf8Texts {
  const what = 'input must be an array of strings or { utf8: Uint8Array, offsets: Uint32Array }';
  if (input === null || typeof input !== 'object') throw new TypeError(what);
  const { utf8, offsets } = input as Partial<Utf8Texts>;
  if (!(utf8 instanceof Uint8Array) || !(offsets instanceof Uint32Array)) throw new TypeError(what);
  return { utf8, offsets };
}

function readTextArray(texts: unknown): string[] {
  if (!Array.isArray(texts)) throw new TypeError('texts must be an array of strings (or one string)');
  const length = texts.length;
  if (!Number.isSafeInteger(length) || length < 0 || length > 2 ** 32 - 1) {
    throw new TypeError('texts must be an array of strings with a valid length');
  }
  const copy = new Array<string>(length);
  for (let i = 0; i < length; i++) {
    const text: unknown = texts[i];
    if (typeof text !== 'string') throw new TypeError(`texts[${i}] must be a string, got ${text === null ? 'null' : typeof text}`);
    copy[i] = text;
  }
  return copy;
}

export class NativeNer {
  private native: NativeModel | null;
  private readonly defaults: ExtractOptions;
  private readonly pending = new Set<Promise<unknown>>();
  /** What the model is: read once at load, it stays readable after dispose(). */
  readonly info: ModelInfo;
  private readonly typeNames: readonly string[];  // the binding's type ids index this list ('O' included)
  private rules: Rules | undefined;  // the model's rules; each call takes the set current when it is made

  /**
   * Loads a model directory synchronously (this blocks the thread for the load, about a second for a small
   * BERT, and for hashing its files into info.identity, about 0.2 s per 100 MB of ONNX file). Servers should
   * prefer `await NativeNer.load(dir)`, which loads on a worker thread and reads the files asynchronously.
   */
  constructor(modelDir: string, options?: ModelOptions);
  /** @internal used by load() */
  constructor(modelDir: string, options: ModelOptions | undefined, loaded: NativeModel, identity: ModelIdentity);
  constructor(modelDir: string, options?: ModelOptions, loaded?: NativeModel, identity?: ModelIdentity) {
    const { model, defaults: { rules, ...defaults } } = checkModelOptions(options);
    if (rules !== undefined && !(rules instanceof Rules)) {
      throw new TypeError('the constructor takes loaded rules (await loadRules(...)); NativeNer.load takes a path or object too');
    }
    this.rules = rules;
    this.defaults = defaults;
    let native = loaded;
    if (!native) {
      const params = toParams(modelDir, model);
      const binding = getBinding();
      native = callNative(() => new binding.NativeModel(params));
    }
    this.native = native;
    const raw = callNative(() => (native as NativeModel).info());
    this.typeNames = raw.types;
    this.info = { ...toModelInfo(raw), identity: identity ?? modelIdentitySync(resolve(modelDir), raw.modelPath) };
    try {
      checkOptionsForHead(defaults, this.info.head, 'model option');
    } catch (error) {
      native.dispose();
      throw error;
    }
  }

  /** Loads a model directory on a worker thread. */
  static async load(modelDir: string, options?: ModelOptions): Promise<NativeNer> {
    const { model, defaults } = checkModelOptions(options);
    const rules = defaults.rules === undefined ? undefined : await Rules.load(defaults.rules);
    const params = toParams(modelDir, model);
    const binding = getBinding();
    let native: NativeModel;
    try {
      native = await binding.loadModel(params);
    } catch (error) {
      throw fromNative(error);
    }
    const identity = await modelIdentity(params.directory, native.info().modelPath).catch((error: unknown) => {
      native.dispose();
      throw error;
    });
    return new NativeNer(modelDir, rules ? { ...options, rules } : options, native, identity);
  }

  /**
   * Replaces the model's rules (null: none), loading them first on a worker thread; calls already made finish
   * with the rules they started with. Invalid rules reject and the current ones stay.
   */
  async setRules(rules: RulesInput | null): Promise<void> {
    this.rules = rules === null ? undefined : await Rules.load(rules);
  }

  /** The model's current rules, if any. */
  get currentRules(): Rules | undefined {
    return this.rules;
  }

  /** Entities of each text, in input order. Tokenization, inference and decoding run off the JS thread. */
  extract(texts: string[], options?: ExtractOptions): Promise<Entity[][]>;
  /** Entities of one text. */
  extract(text: string, options?: ExtractOptions): Promise<Entity[]>;
  async extract(input: string | string[], options?: ExtractOptions): Promise<Entity[][] | Entity[]> {
    const single = typeof input === 'string';
    const texts = single ? [input] : readTextArray(input);
    const { columns, labelNames, rules } = await this.run(texts, options);
    const result = toEntities(texts, columns, labelNames, rules);
    return single ? result[0] : result;
  }

  /**
   * The bulk form: entities of all texts as typed arrays over native memory, without an object per entity.
   * Takes strings (offsets are then UTF-16 indices, as extract's) or UTF-8 bytes with text boundaries
   * (offsets are then byte offsets within each text), so a corpus can go from a file to entities without
   * becoming JS strings. Same options and decoding as extract.
   */
  async extractColumns(input: string[] | Utf8Texts, options?: ExtractOptions): Promise<EntityColumns> {
    const { columns, labelNames, rules } = await this.run(Array.isArray(input) ? readTextArray(input) : readUtf8Texts(input), options);
    const { offsets, textIndex, starts, ends, labels, scores } = columns;
    const out: EntityColumns = { count: starts.length, offsets, textIndex, starts, ends, labels, scores, labelNames };
    if (rules && columns.sources && columns.ids) {
      Object.assign(out, { sources: columns.sources, ids: columns.ids, sourceNames: rules.sourceNames, idNames: rules.idNames });
    }
    if (columns.minProbs) for (const name of SIGNAL_COLUMNS) Object.assign(out, { [name]: columns[name] });
    return out;
  }

  /**
   * Rewrites each text's entities (and, with rules, rule matches) by the options' operators, after the model and
   * the rules, on the engine's threads (docs/api.md "Redaction"). Overlapping detections are rewritten once, as their
   * outermost; each result lists what was replaced, with offsets in both texts.
   */
  redact(texts: string[], options?: RedactOptions): Promise<RedactedText[]>;
  /** The redaction of one text. */
  redact(text: string, options?: RedactOptions): Promise<RedactedText>;
  async redact(input: string | string[], options?: RedactOptions): Promise<RedactedText[] | RedactedText> {
    const single = typeof input === 'string';
    const texts = single ? [input] : readTextArray(input);
    const result = await this.redactTexts(texts, options);
    return single ? result[0] : result;
  }

  /**
   * Streams the redaction of every text of `source`, in input order, with extractStream's bounded memory. With
   * pseudonyms 'call', one numbering runs through the whole stream (the same value keeps its number; numbers follow
   * the order chunks are processed in).
   */
  redactStream(source: Iterable<string> | AsyncIterable<string>, options: RedactStreamOptions = {}): AsyncGenerator<RedactStreamResult> {
    const { chunkSize, concurrency, extract: rest } = checkStreamOptions(options);
    const streamPseudonyms = rest.pseudonyms === 'call' ? new PseudonymMap() : undefined;
    const chunks = streamInChunks(source, { chunkSize, concurrency }, (texts) => this.redactTexts(texts, rest, streamPseudonyms));
    return (async function* () {
      for await (const { index, result } of chunks) yield { index, text: result.text, items: result.items };
    })();
  }

  private async redactTexts(texts: string[], options: RedactOptions | undefined, streamPseudonyms?: PseudonymMap): Promise<RedactedText[]> {
    const { extract, redact } = checkRedactOptions(options);
    const { columns, labelNames, rules } = await this.run(texts, extract, (known) => toNativePolicy(redact, known, streamPseudonyms));
    if (!columns.redacted) throw new NerError('ERR_INTERNAL', 'the binding returned no redaction');
    return toRedactedTexts(texts, columns.redacted, labelNames, rules, redact.includeOriginal ?? false);
  }

  /**
   * The model's raw logits for each token of each text (a token classifier's, before calibration and softmax), each
   * token once however many windows saw it: what `native-ner calibrate` fits temperatures on, and a way to inspect
   * the model. Takes extract's windowing and segmentation options.
   */
  async tokenScores(texts: string[], options?: ExtractOptions): Promise<TokenScores[]> {
    if (this.info.head !== 'token') {
      throw new NerError('ERR_INVALID_ARGUMENT', `tokenScores needs a token classifier; this is a ${this.info.head} model`);
    }
    const copy = readTextArray(texts);
    const { rules, ...given } = checkExtractOptions(options);
    if (rules !== undefined) throw new NerError('ERR_INVALID_ARGUMENT', 'tokenScores gives the model\'s own scores; rules do not apply');
    const { tokenRows, tokenSpans, tokenLogits } = await this.callExtract((native) =>
      native.extract(copy, { ...this.defaults, ...given, tokenLogits: true }),
    );
    if (!tokenRows || !tokenSpans || !tokenLogits) throw new NerError('ERR_INTERNAL', 'the binding returned no token scores');
    const width = this.info.labels.length;
    return copy.map((_, i) => {
      const [from, to] = [tokenRows[i], tokenRows[i + 1]];
      const spans = tokenSpans.subarray(2 * from, 2 * to);
      return {
        starts: spans.filter((_, k) => k % 2 === 0),
        ends: spans.filter((_, k) => k % 2 === 1),
        logits: tokenLogits.subarray(from * width, to * width),
        labels: this.info.labels,
      };
    });
  }

  /**
   * Checks options, runs the native extract and names the label table its label ids index. `policyFor`, given the
   * labels the model and the call's rules can give, makes the call a redaction.
   */
  private async run(
    input: string[] | Utf8Texts,
    options: ExtractOptions | undefined,
    policyFor?: (known: readonly string[]) => NativeRedactionPolicy,
  ): Promise<{ columns: NativeColumns; labelNames: readonly string[]; rules: Rules | undefined }> {
    const { rules: callRules, ...given } = checkExtractOptions(options);
    checkOptionsForHead(given, this.info.head, 'extract option');
    const merged = { ...this.defaults, ...given };
    // Taken now: a setRules() after this call was made does not change it.
    const rules = callRules === undefined ? this.rules : await Rules.load(callRules);
    const known = rules ? [...this.info.entityTypes, ...rules.labels] : this.info.entityTypes;
    const unknownLabels = merged.labels?.filter((l) => !known.includes(l)) ?? [];
    if (unknownLabels.length > 0) {
      throw new NerError(
        'ERR_INVALID_ARGUMENT',
        `unknown entity type ${unknownLabels.join(', ')} in labels; this model${rules ? ' and its rules have' : ' has'} ${known.join(', ')}`,
      );
    }
    const policy = policyFor?.(known);
    const monitor = merged.monitor === undefined ? undefined : monitorHandle(merged.monitor);  // a TypeError for a non-Monitor
    const columns = await this.callExtract((native) =>
      native.extract(input, merged, rules ? rulesHandle(rules) : undefined, policy, monitor),
    );
    const labelNames = columns.labelNames ?? (columns.labelsAreTags ? this.info.labels : this.typeNames);
    return { columns, labelNames, rules };
  }

  /**
   * Streams entities of every text of `source` (any iterable or async iterable of strings, e.g. readTexts(file)),
   * in input order, holding at most chunkSize × (concurrency + 1) texts beyond those taken; the source is read only
   * as results are taken.
   */
  extractStream(source: Iterable<string> | AsyncIterable<string>, options?: StreamOptions): AsyncGenerator<StreamResult> {
    return extractStream(this, source, options);
  }

  /**
   * The sentences of `text` as `segment: 'sentences'` splits it before this model (the model's lineBreaks default
   * applies): `{ start, end, text }` with UTF-16 offsets. The same as the package's `sentences` function.
   */
  sentences(text: string, options?: SentenceOptions): Sentence[] {
    return sentences(text, { lineBreaks: this.defaults.lineBreaks, ...checkSentenceOptions(options) });
  }

  /** The model's tokenization of `text`: ids, tokens and UTF-16 offsets ([CLS]/[SEP] included by default). */
  tokenize(text: string, options?: { addSpecialTokens?: boolean }): TokenizedText {
    if (typeof text !== 'string') throw new TypeError('text must be a string');
    const native = this.requireNative();
    return toTokenizedText(callNative(() => native.tokenize(text, options?.addSpecialTokens ?? true)));
  }

  /**
   * Counters of this model's engine since load or resetStats(): calls, texts, windows (model inputs; a long text
   * has several), batches, tokens (real) and paddedTokens (rows × longest row), and seconds spent tokenizing,
   * in inference, decoding, and waiting in the queue (summed over threads, so they can exceed wall time).
   */
  stats(): EngineStats {
    const native = this.requireNative();
    return callNative(() => native.stats());
  }

  /** Sets every stats() counter back to zero. */
  resetStats(): void {
    const native = this.requireNative();
    callNative(() => native.resetStats());
  }

  /**
   * Releases the model. Calls already running (some of their texts are in the model) finish; queued calls are
   * not run and fail with ERR_DISPOSED, as do later calls. With `abortRunning`, running calls fail with
   * ERR_DISPOSED too, after the batch at hand, so the promise resolves at once (a server past its shutdown grace
   * period). Resolves once every call has settled and the engine's threads are released.
   */
  async dispose(options?: { abortRunning?: boolean }): Promise<void> {
    const abortRunning = checkBoolean(options?.abortRunning, 'abortRunning') ?? false;
    const native = this.native;
    if (!native) return;
    this.native = null;
    native.dispose(abortRunning);  // in-flight calls hold their own reference to the native model
    await Promise.allSettled([...this.pending]);
  }

  get disposed(): boolean {
    return this.native === null;
  }

  /** Starts a native extract call, tracked so dispose() waits for it, and gives its columns (failures as NerError). */
  private async callExtract(start: (native: NativeModel) => Promise<NativeColumns>): Promise<NativeColumns> {
    const native = this.requireNative();
    const work = callNative(() => start(native));
    this.track(work);
    try {
      return await work;
    } catch (error) {
      throw fromNative(error);
    }
  }

  private requireNative(): NativeModel {
    if (!this.native) throw new NerError('ERR_DISPOSED', 'this model was disposed; load it again to use it');
    return this.native;
  }

  private track(work: Promise<unknown>): void {
    this.pending.add(work);
    const forget = () => this.pending.delete(work);
    work.then(forget, forget);
  }
}

/** Builds entity objects from the binding's columns; `names` maps label ids to names. */
function toEntities(texts: string[], columns: NativeColumns, names: readonly string[], rules?: Rules): Entity[][] {
  const { offsets, starts, ends, labels, scores, tokens, sources, ids, minProbs, margins, entropies } = columns;
  const out: Entity[][] = new Array(texts.length);
  for (let i = 0; i < texts.length; i++) {
    const entities: Entity[] = [];
    for (let k = offsets[i]; k < offsets[i + 1]; k++) {
      const start = starts[k];
      const end = ends[k];
      const entity: Entity = { label: names[labels[k]], start, end, text: texts[i].slice(start, end), score: scores[k] };
      if (tokens[k] >= 0) entity.index = tokens[k];
      if (rules && sources && ids) {
        entity.source = rules.sourceNames[sources[k]];
        if (ids[k] >= 0) entity.id = rules.idNames[ids[k]];
      }
      if (minProbs && margins && entropies && !Number.isNaN(minProbs[k])) {
        entity.minProb = minProbs[k];
        entity.margin = margins[k];
        entity.entropy = entropies[k];
      }
      entities.push(entity);
    }
    out[i] = entities;
  }
  return out;
}
