// Every option of native-ner in one table, OPTIONS: its type, accepted range or choices, documented default, the
// model head it applies to, where it is given (extract call, model load, stream, service) and its CLI flag. The
// option types, the checks (wrong types are TypeErrors, unknown names and out-of-range values NerErrors), the
// token-only/span-only lists, the service's limits and the CLI's flags and help all derive from it; the native
// layer only asserts types and trusts these ranges. A new option is one entry here.
import { availableParallelism } from 'node:os';
import { NerError } from './errors';
import type { Operator, OperatorName, OperatorObject, PseudonymMap, RedactionKeys } from './redaction';
import type { Monitor } from './monitoring';
import type { RulesInput } from './rules';

/** What a model's output holds: one score per token and tag, or one per span of subwords and type. */
export type ModelHead = 'token' | 'span';

/**
 * Where an option is given: extract calls (and model defaults), model loads, extractStream, createService, redact
 * calls, createWorker (the queue worker, lib/worker).
 */
export type OptionScope = 'extract' | 'model' | 'stream' | 'serve' | 'redact' | 'worker';

/** How an option appears on the command line. */
export interface OptionFlag {
  /** The flag, e.g. '--batch-size'. */
  flag: `--${string}`;
  /** Its value's name in the help, e.g. 'N'. Default by type: N (integer), X (number), NAME (choice), VALUE. */
  arg?: string;
  /** One line for `native-ner <command> --help`; the default is appended. */
  help: string;
  /** An extract option that `native-ner serve` also takes, as the served model's default for every request. */
  serve?: true;
}

/** A service limit that bounds an extract option of each request: larger values are refused or lowered. */
export interface RequestBound {
  option: 'stride' | 'maxWindows' | 'timeoutMs';
  over: 'refuse' | 'lower';
}

interface SpecBase {
  /** Extract options: the model head they mean something for; absent, both. */
  head?: ModelHead;
  /** The default, where it is one value (the stream and service options apply it themselves). */
  default?: number | string | boolean;
  /** The default in words, where it is not one value ("ONNX Runtime's", "none"). */
  defaultText?: string;
  cli?: OptionFlag;
  /** Extract options only: also an option of sentences() (lib/segmentation.ts), the sentence splitter on its own. */
  splitter?: true;
  /** Service limits only. */
  bounds?: RequestBound;
}

export interface IntegerSpec extends SpecBase {
  type: 'integer';
  min: number;
  /** 'cpus': this machine's CPU count (os.availableParallelism()). */
  max: number | 'cpus';
}

export interface NumberSpec extends SpecBase {
  type: 'number';
  min: number;
  max: number;
  /** Both bounds excluded. */
  exclusive?: boolean;
}

export interface BooleanSpec extends SpecBase {
  type: 'boolean';
}

/** A non-empty string. */
export interface StringSpec extends SpecBase {
  type: 'string';
}

export interface ChoiceSpec extends SpecBase {
  type: 'choice';
  choices: readonly string[];
}

/** An array of strings. */
export interface StringListSpec extends SpecBase {
  type: 'strings';
}

/** Rules (lib/rules.ts): a rules file's path, a rules document, or loaded Rules; on the command line, the path. */
export interface RulesSpec extends SpecBase {
  type: 'rules';
}

/**
 * Redaction operators by label ('*': every label not listed), each an operator name or an object (lib/redaction.ts
 * Operator); on the command line, repeated LABEL=OP flags in the short form ('mask:#:4', 'hash:12', 'replace:X').
 */
export interface OperatorsSpec extends SpecBase {
  type: 'operators';
}

/** A number from 0 to 1 per label; on the command line LABEL=X,LABEL=X. */
export interface ScoresSpec extends SpecBase {
  type: 'scores';
}

/** Keys of the keyed operators: { hash?: Uint8Array, encrypt?: Uint8Array }, never strings; no flag (key files). */
export interface KeysSpec extends SpecBase {
  type: 'keys';
}

/** 'text', 'call', or a PseudonymMap (lib/redaction.ts) the caller keeps across calls. */
export interface PseudonymsSpec extends SpecBase {
  type: 'pseudonyms';
}

/** A Monitor (lib/monitoring.ts) the call's texts are counted into; no flag (the CLI's profile and drift make their own). */
export interface MonitorSpec extends SpecBase {
  type: 'monitor';
}

export type OptionSpec =
  | IntegerSpec
  | NumberSpec
  | BooleanSpec
  | StringSpec
  | ChoiceSpec
  | StringListSpec
  | RulesSpec
  | OperatorsSpec
  | ScoresSpec
  | KeysSpec
  | PseudonymsSpec
  | MonitorSpec;

const INT32_MAX = 2 ** 31 - 1;
const HOUR_MS = 3_600_000;

/**
 * Every option, by where it is given. The doc comment of an entry documents the option's field in ExtractOptions,
 * LoadOptions (ModelOptions), StreamOptions or ServeOptions: editors show it there.
 */
export const OPTIONS = {
  /** Per call (ner.extract, extractColumns, extractStream, POST /extract), or at load as the model's defaults. */
  extract: {
    /**
     * Grouping of token predictions into entities, as the Hugging Face pipeline's aggregation_strategy:
     * 'none' (each tagged token, labelled with its tag and carrying `index`), 'simple' (B-/I- grouping of tokens),
     * 'first' / 'average' / 'max' (each word takes one tag from its subwords, then words are grouped). Default 'average'.
     */
    aggregation: {
      head: 'token',
      type: 'choice',
      choices: ['none', 'simple', 'first', 'average', 'max'],
      default: 'average',
      cli: { flag: '--aggregation', help: 'token models: none, simple, first, average or max' },
    },
    /**
     * 'viterbi': the most probable tag sequence the tagging scheme allows (never an I-X after O or after another
     * type), over the units the aggregation defines (tokens for none/simple, words for first/average/max, whose
     * probabilities are the first subword's, the subwords' mean, or the most confident subword's).
     * 'argmax': each unit's most probable tag, exactly as the Hugging Face pipeline. Default 'viterbi'.
     */
    decoding: {
      head: 'token',
      type: 'choice',
      choices: ['argmax', 'viterbi'],
      default: 'viterbi',
      cli: { flag: '--decoding', help: "token models: viterbi, or argmax for the reference pipeline's exact output" },
    },
    /** With argmax: read entities off the tags by the tagging scheme, so invalid sequences still give sensible entities. */
    repair: { head: 'token', type: 'boolean', default: false },
    /** The labels' tagging scheme. Default: detected from id2label (BIOES when E-/S- tags exist, else IOB2). */
    scheme: {
      head: 'token',
      type: 'choice',
      choices: ['iob2', 'iob1', 'bioes', 'bilou'],
      defaultText: 'detected from id2label',
    },
    /** Report only entities of these types (e.g. ['PER', 'ORG']). */
    labels: { type: 'strings', defaultText: 'all' },
    /**
     * Phrase lists, patterns, built-in recognizers, overrides and allow-lists run after the model (docs/api.md
     * "Rules"): a rules file's path, a rules document, or Rules from loadRules(). Given at load, the model's rules
     * (ner.setRules() replaces them); given per call, that call's. Entities then carry `source` and `id`.
     */
    rules: {
      type: 'rules',
      defaultText: 'none',
      cli: { flag: '--rules', arg: 'FILE', help: 'a rules JSON file run after the model (lists, patterns, built-ins)', serve: true },
    },
    /** Report only entities whose score is at least this (0 to 1). */
    minScore: { type: 'number', min: 0, max: 1, default: 0 },
    /**
     * Confidence signals (docs/api.md "Confidence signals"): each entity gets `minProb` (its tokens' lowest top-1
     * probability), `margin` (their smallest top-1 minus top-2 probability) and `entropy` (their mean entropy, in
     * nats); extractColumns also gets them as columns and, per text, `textEntropy` (mean token entropy), `unkRate`,
     * `textWindows` and `textTokens`. Default false: results stay as small as without.
     */
    confidence: {
      type: 'boolean',
      default: false,
      cli: { flag: '--confidence', help: 'add minProb, margin and entropy to each entity' },
    },
    /**
     * Drift monitoring (docs/monitoring.md): a Monitor that counts this call's texts and entities (type mix, scores,
     * span lengths, token entropy, [UNK] rate, text lengths, ...) natively once the call is done; given at load, every
     * call's. Results are the same with or without it.
     */
    monitor: { type: 'monitor', defaultText: 'none' },
    /**
     * Span models only: 'nested' keeps a span unless it crosses (partly overlaps) a more confident one, so
     * entities may contain one another; 'flat' keeps it only if it overlaps no more confident one. Default 'nested'.
     */
    spanMode: {
      head: 'span',
      type: 'choice',
      choices: ['nested', 'flat'],
      default: 'nested',
      cli: { flag: '--span-mode', help: 'span models: nested or flat' },
    },
    /** Span models only: spans scoring above this (0 < t < 1) are candidates. Default: config.json span_threshold. */
    spanThreshold: {
      head: 'span',
      type: 'number',
      min: 0,
      max: 1,
      exclusive: true,
      defaultText: "the model's span_threshold",
      cli: { flag: '--span-threshold', arg: 'T', help: 'span models: spans scoring above T (0 < T < 1) are candidates' },
    },
    /** Most texts in one model batch. Default 64. */
    batchSize: {
      type: 'integer',
      min: 1,
      max: 4096,
      default: 64,
      cli: { flag: '--batch-size', help: 'texts per model batch' },
    },
    /** Most padded tokens (texts × longest text) in one model batch. Default 8192. */
    batchTokens: { type: 'integer', min: 1, max: 1 << 24, default: 8192 },
    /**
     * Texts longer than the model window are cut into windows sharing this many tokens with the previous one
     * (the reference pipeline's `stride`); entities are merged across windows. Default 128. The model's window bounds
     * it further (it must be below the window's text tokens); the engine checks that against the loaded model.
     */
    stride: {
      type: 'integer',
      min: 0,
      max: 1 << 20,
      default: 128,
      cli: { flag: '--stride', help: 'tokens shared by consecutive windows of a text longer than the model' },
    },
    /** Longest text accepted, in UTF-16 units; longer ones fail with ERR_TEXT_TOO_LONG. Default 16,777,216. */
    maxTextLength: { type: 'integer', min: 1, max: INT32_MAX, default: 1 << 24 },
    /**
     * Most model windows the whole call may need (a text needs one per window of the model, more with a large
     * stride); a call needing more fails with ERR_TOO_MANY_WINDOWS as soon as that is known, and its queued work is
     * dropped. Bounds the work one caller can cause. Default: no bound.
     */
    maxWindows: { type: 'integer', min: 1, max: INT32_MAX, defaultText: 'none' },
    /**
     * Milliseconds the call may take from submission; once they pass, its windows not yet run are dropped and the
     * call fails with ERR_TIMEOUT. Default: no deadline.
     */
    timeoutMs: { type: 'integer', min: 1, max: INT32_MAX, defaultText: 'none' },
    /**
     * 'sentences': each text is split into sentences in native code (the splitter of sentences()) and each sentence
     * runs through the model as a text of its own, so the entities equal those of the sentences given one by one,
     * with offsets into the whole text. For models trained on sentences, given documents. Each sentence needs at least
     * one model window (maxWindows counts them). Default 'none': each text runs whole.
     */
    segment: {
      type: 'choice',
      choices: ['none', 'sentences'],
      default: 'none',
      cli: { flag: '--segment', help: 'sentences: run each sentence of a text through the model on its own', serve: true },
    },
    /**
     * What a line break means to the sentence splitter (segment 'sentences', and sentences()): 'space' (nothing),
     * 'paragraph' (an empty line ends a sentence; default), 'sentence' (every line break ends one). U+2029 always does.
     */
    lineBreaks: {
      type: 'choice',
      choices: ['space', 'paragraph', 'sentence'],
      default: 'paragraph',
      splitter: true,
      cli: { flag: '--line-breaks', help: 'with --segment: space, paragraph (an empty line ends a sentence) or sentence', serve: true },
    },
  },

  /** How a model is loaded and run (NativeNer.load and the constructor, beside the extract options). */
  model: {
    /** The ONNX file inside the model directory (e.g. 'model_int8.onnx'). Default model.onnx, then onnx/model.onnx. */
    modelFile: {
      type: 'string',
      defaultText: 'model.onnx, then onnx/model.onnx',
      cli: { flag: '--model-file', arg: 'FILE', help: 'ONNX file inside DIR, e.g. model_int8.onnx' },
    },
    /**
     * ONNX Runtime threads inside one operator, at most this machine's CPUs (more never helps and makes loading
     * slow); 0 is ONNX Runtime's default. Default: ONNX Runtime's (one per physical core).
     */
    intraOpThreads: {
      type: 'integer',
      min: 0,
      max: 'cpus',
      defaultText: "ONNX Runtime's, one per physical core",
      cli: { flag: '--threads', help: 'ONNX Runtime intra-op threads, at most the CPUs' },
    },
    /** ONNX Runtime threads across operators, at most this machine's CPUs; 0 is ONNX Runtime's default. */
    interOpThreads: { type: 'integer', min: 0, max: 'cpus', defaultText: "ONNX Runtime's" },
    /** Apply ONNX Runtime's graph optimisations. Default true. */
    optimizeGraph: { type: 'boolean', default: true },
    /**
     * Native threads that tokenize new calls and decode finished batches while ONNX Runtime runs the next one.
     * Default: half the cores, 1 to 4 (0 also means the default).
     */
    workerThreads: { type: 'integer', min: 0, max: 64, defaultText: 'half the cores, 1 to 4' },
    /**
     * Milliseconds a model batch waits for concurrent calls' texts to join it (micro-batching), when calls overlap;
     * a lone caller awaiting each call never waits. 0 never waits; calls that arrive while a batch runs share the
     * next one anyway. Default 2.
     */
    maxWaitMs: { type: 'number', min: 0, max: 1000, default: 2 },
    /**
     * Temperature scaling to apply (`native-ner calibrate` writes it): a calibration file's path, or 'none'. Default:
     * the model directory's calibration.json when there is one. Token classifiers only.
     */
    calibration: {
      type: 'string',
      defaultText: "the model directory's calibration.json, if any",
      cli: { flag: '--calibration', arg: 'FILE', help: "temperature scaling file, or 'none'" },
    },
    /** libonnxruntime to load. Default $NATIVE_NER_ORT_LIBRARY, else the one onnxruntime-node ships. */
    ortLibraryPath: { type: 'string', defaultText: "$NATIVE_NER_ORT_LIBRARY, else onnxruntime-node's" },
    /**
     * Where the model runs: 'cpu' (default); 'cuda' (the CUDA execution provider; fails with ERR_RUNTIME_UNAVAILABLE
     * saying what is missing); 'auto' (CUDA when it can be used, else the CPU; info.device says which).
     */
    device: { type: 'choice', choices: ['cpu', 'cuda', 'auto'], default: 'cpu' },
    /** The CUDA device ordinal. Default 0. */
    deviceId: { type: 'integer', min: 0, max: 1024, default: 0 },
  },

  /** extractStream's own, beside extract's. */
  stream: {
    /** Texts per extract call. Default 256. */
    chunkSize: { type: 'integer', min: 1, max: INT32_MAX, default: 256 },
    /** Chunks in flight at once, so tokenizing one overlaps the model on another. Default 2. */
    concurrency: { type: 'integer', min: 1, max: 1024, default: 2 },
  },

  /** createService's limits, each also a `native-ner serve` flag. */
  serve: {
    /** Largest request body accepted, in bytes; larger ones get 413 ERR_BODY_TOO_LARGE. */
    maxBodyBytes: {
      type: 'integer',
      min: 1,
      max: 1 << 30,
      default: 1 << 20,
      cli: { flag: '--max-body-bytes', help: 'largest request body, in bytes' },
    },
    /** Most texts in one request; more get 413 ERR_TOO_MANY_TEXTS. */
    maxTexts: {
      type: 'integer',
      min: 1,
      max: 1_000_000,
      default: 1000,
      cli: { flag: '--max-texts', help: 'most texts in one request' },
    },
    /**
     * Largest options.stride a request may ask for; larger gets 400 ERR_INVALID_ARGUMENT. A stride near the model
     * window means one window per token, so this bounds how much work a small body can ask for.
     */
    maxStride: {
      type: 'integer',
      min: 0,
      max: 1 << 20,
      default: 256,
      bounds: { option: 'stride', over: 'refuse' },
      cli: { flag: '--max-stride', help: 'largest options.stride a request may ask for' },
    },
    /**
     * Most model windows one request may need (extract's maxWindows); more get 413 ERR_TOO_MANY_WINDOWS. A request's
     * own options.maxWindows applies when smaller; a larger one is lowered to this.
     */
    maxWindows: {
      type: 'integer',
      min: 1,
      max: INT32_MAX,
      default: 512,
      bounds: { option: 'maxWindows', over: 'lower' },
      cli: { flag: '--max-windows', help: 'most model windows one request may need' },
    },
    /**
     * Milliseconds one request's extract call may take (extract's timeoutMs); a later one gets 503 ERR_TIMEOUT with
     * Retry-After. A request's own options.timeoutMs applies when shorter; a longer one is lowered to this.
     */
    extractTimeoutMs: {
      type: 'integer',
      min: 1,
      max: HOUR_MS,
      default: 30_000,
      bounds: { option: 'timeoutMs', over: 'lower' },
      cli: { flag: '--extract-timeout-ms', help: "ms one request's extract call may take" },
    },
    /** Milliseconds a client has to send the request headers (server.headersTimeout); then it gets 408. */
    headersTimeoutMs: {
      type: 'integer',
      min: 100,
      max: HOUR_MS,
      default: 10_000,
      cli: { flag: '--headers-timeout-ms', help: 'ms a client has to send the headers' },
    },
    /** Milliseconds a client has to send a whole request, headers and body (server.requestTimeout); then 408. */
    requestTimeoutMs: {
      type: 'integer',
      min: 100,
      max: HOUR_MS,
      default: 30_000,
      cli: { flag: '--request-timeout-ms', help: 'ms a client has to send a whole request' },
    },
    /**
     * Milliseconds shutdown() lets requests in flight (uploading or being answered) finish before closing their
     * connections.
     */
    shutdownGraceMs: {
      type: 'integer',
      min: 0,
      max: HOUR_MS,
      default: 10_000,
      cli: { flag: '--shutdown-grace-ms', help: 'ms requests in flight get on SIGTERM/SIGINT' },
    },
    /** With a shadow model (serve --shadow): the share of /extract requests it also runs, after they are answered. */
    shadowShare: {
      type: 'number',
      min: 0,
      max: 1,
      default: 0.1,
      cli: { flag: '--shadow-share', help: 'share of /extract requests the --shadow model also runs' },
    },
    /** Most shadow calls running at once; a sampled request beyond them is skipped and counted. */
    shadowMaxCalls: {
      type: 'integer',
      min: 1,
      max: 1024,
      default: 2,
      cli: { flag: '--shadow-max-calls', help: 'most shadow calls running at once; more are skipped' },
    },
    /** Milliseconds a shadow call may take; a later one is dropped and counted as failed. */
    shadowTimeoutMs: {
      type: 'integer',
      min: 1,
      max: HOUR_MS,
      default: 10_000,
      cli: { flag: '--shadow-timeout-ms', help: 'ms a shadow call may take' },
    },
    /**
     * The request log (docs/server.md "Request log"): a file that gets one JSON line per request, appended, or '-'
     * for standard output. Lines hold counts, never texts, unless logTexts. Default: none.
     */
    requestLog: {
      type: 'string',
      defaultText: 'none',
      cli: { flag: '--request-log', arg: 'FILE', help: "append one JSON line per request to FILE ('-': stdout); no texts" },
    },
    /** With requestLog: each line also holds the request's texts and its answer (personal data). Default false. */
    logTexts: {
      type: 'boolean',
      default: false,
      cli: { flag: '--log-texts', help: "with --request-log: also log each request's texts and answer (personal data)" },
    },
  },

  /** redact()'s own, beside extract's (docs/api.md "Redaction"). */
  redact: {
    /**
     * How each label's detections are rewritten: by label, '*' for every label not listed; an operator name or
     * object: 'replace' (`<LABEL>`, or { type: 'replace', with }), 'mask' ({ char: '*', keepLast: 0 }), 'remove',
     * 'hash' (`<LABEL:hex>`, HMAC-SHA256 under keys.hash; { length: 16 } hex digits, 8 to 64), 'pseudonym'
     * (`<LABEL_1>`, numbered per value), 'encrypt' (`<LABEL:enc:token>`, AES-256-GCM under keys.encrypt; restore()
     * reverses it), 'keep'. Default: replace for every label.
     */
    operators: {
      type: 'operators',
      defaultText: "{ '*': 'replace' }",
      cli: {
        flag: '--operator',
        arg: 'LABEL=OP',
        help: 'how to rewrite LABEL (repeatable; * for the rest): replace[:TEXT], mask[:CHAR[:N]], remove, hash[:DIGITS], pseudonym, encrypt, keep',
      },
    },
    /** Per label, the score a detection needs to be rewritten (0 to 1); below it the text stays. Default: none. */
    minScores: { type: 'scores', defaultText: 'none', cli: { flag: '--min-scores', arg: 'LABEL=X,...', help: 'per-label minimum scores to rewrite' } },
    /** Values never rewritten, whatever found them (exact match of the detected text). Default: none. */
    allow: { type: 'strings', defaultText: 'none', cli: { flag: '--allow', help: 'values never rewritten (exact match)' } },
    /** Keys of the keyed operators: hash (HMAC key, at least 32 bytes) and encrypt (AES-256 key, 32 bytes). Never generated. */
    keys: { type: 'keys', defaultText: 'none' },
    /**
     * How far pseudonym numbers reach: 'text' (they restart in each text), 'call' (one numbering for the call's texts,
     * in order; for redactStream, the whole stream), or a PseudonymMap kept across calls. Default 'text'.
     */
    pseudonyms: {
      type: 'pseudonyms',
      default: 'text',
      cli: { flag: '--pseudonyms', arg: 'SCOPE', help: 'text (numbers restart per text) or call (one numbering for all input)' },
    },
    /** Items carry `original`, the value they replaced. Default false: results hold no detected values. */
    includeOriginal: { type: 'boolean', default: false },
  },

  /** createWorker's own (lib/worker, docs/scaling.md), each also a `native-ner worker` flag. */
  worker: {
    /** Messages asked for in one read (XREADGROUP COUNT); the texts of one read go to the engine as one call. */
    readCount: {
      type: 'integer',
      min: 1,
      max: 10_000,
      default: 64,
      cli: { flag: '--read-count', help: 'messages per read (XREADGROUP COUNT), run as one engine call' },
    },
    /**
     * Most messages read and not yet acknowledged; no read is made that could pass it, so memory and work in flight
     * stay bounded while the engine is busy (backpressure).
     */
    maxInFlight: {
      type: 'integer',
      min: 1,
      max: 100_000,
      default: 256,
      cli: { flag: '--max-in-flight', help: 'most messages read and not yet acknowledged' },
    },
    /** Milliseconds one read waits for new messages (XREADGROUP BLOCK); shutdown waits for it. */
    blockMs: {
      type: 'integer',
      min: 1,
      max: 60_000,
      default: 1000,
      cli: { flag: '--block-ms', help: 'ms one read waits for new messages' },
    },
    /** Milliseconds a message may stay unacknowledged by its consumer before another claims it (XAUTOCLAIM min-idle-time). */
    claimIdleMs: {
      type: 'integer',
      min: 1,
      max: 24 * HOUR_MS,
      default: 60_000,
      cli: { flag: '--claim-idle-ms', help: "ms a message may stay pending before another consumer claims it" },
    },
    /** Milliseconds between two looks for stale pending messages to claim. */
    claimIntervalMs: {
      type: 'integer',
      min: 10,
      max: HOUR_MS,
      default: 5000,
      cli: { flag: '--claim-interval-ms', help: 'ms between two looks for stale pending messages' },
    },
    /** Deliveries a message may have; one delivered more often goes to the dead-letter stream, acknowledged. */
    maxDeliveries: {
      type: 'integer',
      min: 1,
      max: 1000,
      default: 5,
      cli: { flag: '--max-deliveries', help: 'deliveries before a message is dead-lettered' },
    },
    /** Most texts in one message; a message with more is dead-lettered at once (ERR_MESSAGE_TOO_LARGE). */
    maxMessageTexts: {
      type: 'integer',
      min: 1,
      max: 100_000,
      default: 100,
      cli: { flag: '--max-message-texts', help: 'most texts in one message; more are dead-lettered' },
    },
    /**
     * Most UTF-16 units of text in one message, its texts together; a longer one is dead-lettered at once
     * (ERR_MESSAGE_TOO_LARGE). With maxInFlight it bounds the text held in memory.
     */
    maxMessageChars: {
      type: 'integer',
      min: 1,
      max: INT32_MAX,
      default: 100_000,
      cli: { flag: '--max-message-chars', help: 'most UTF-16 units of text in one message; longer ones are dead-lettered' },
    },
    /** Milliseconds shutdown (SIGTERM) lets the messages in flight finish and be acknowledged before exiting. */
    shutdownGraceMs: {
      type: 'integer',
      min: 0,
      max: HOUR_MS,
      default: 30_000,
      cli: { flag: '--shutdown-grace-ms', help: 'ms the messages in flight get on SIGTERM/SIGINT' },
    },
    /** Longest wait between two attempts while the queue is unreachable; waits double from 100 ms up to it. */
    reconnectMaxMs: {
      type: 'integer',
      min: 100,
      max: 60_000,
      default: 5000,
      cli: { flag: '--reconnect-max-ms', help: 'longest wait between attempts while the queue is unreachable' },
    },
    /** Serve GET /metrics (Prometheus) and GET /healthz on this port (0 picks a free one). Default: none. */
    metricsPort: {
      type: 'integer',
      min: 0,
      max: 65_535,
      defaultText: 'none',
      cli: { flag: '--metrics-port', help: 'serve GET /metrics and GET /healthz on this port' },
    },
  },
} as const satisfies { [S in OptionScope]: Record<string, OptionSpec> };

// ---- Types, from the table ----

type Table = typeof OPTIONS;

/** The names of the options given at `scope`. */
export type OptionName<S extends OptionScope = OptionScope> = keyof Table[S] & string;

/** The value type an option spec accepts. */
type ValueOf<T> = T extends { type: 'integer' | 'number' }
  ? number
  : T extends { type: 'boolean' }
    ? boolean
    : T extends { type: 'string' }
      ? string
      : T extends { type: 'choice'; choices: readonly (infer C)[] }
        ? C
        : T extends { type: 'strings' }
          ? string[]
          : T extends { type: 'rules' }
            ? RulesInput
            : T extends { type: 'operators' }
              ? Record<string, Operator>
              : T extends { type: 'scores' }
                ? Record<string, number>
                : T extends { type: 'keys' }
                  ? RedactionKeys
                  : T extends { type: 'pseudonyms' }
                    ? 'text' | 'call' | PseudonymMap
                    : T extends { type: 'monitor' }
                      ? Monitor
                      : never;

/** The value of option `name` of `scope`. */
export type OptionValue<S extends OptionScope, K extends OptionName<S>> = ValueOf<Table[S][K]>;

/** Every option of `scope`, optional, typed by the table; each field keeps its entry's documentation. */
export type OptionValues<S extends OptionScope> = { -readonly [K in keyof Table[S]]?: ValueOf<Table[S][K]> };

/** Per-call settings; each may also be given to the model as its default. */
export interface ExtractOptions extends OptionValues<'extract'> {}

/** How a model is loaded and run. */
export interface LoadOptions extends OptionValues<'model'> {}

/** A model's load options, and the extract options that become its per-call defaults. */
export interface ModelOptions extends ExtractOptions, LoadOptions {}

/** extractStream's options: its own and extract's. */
export interface StreamOptions extends ExtractOptions, OptionValues<'stream'> {}

/** redact()'s options: its own and extract's. */
export interface RedactOptions extends ExtractOptions, OptionValues<'redact'> {}

/** redactStream()'s options: its own, extract's and extractStream's. */
export interface RedactStreamOptions extends RedactOptions, OptionValues<'stream'> {}

/** Limits of the service; SERVE_LIMITS holds each one's default, accepted range and `native-ner serve` flag. */
export interface ServeOptions extends OptionValues<'serve'> {}

/** The queue worker's own options (createWorker, `native-ner worker`). */
export interface WorkerOptions extends OptionValues<'worker'> {}

/** How token predictions are grouped into entities (Hugging Face pipeline semantics). */
export type Aggregation = OptionValue<'extract', 'aggregation'>;
/** How each token or word gets its tag: its own most probable one, or the best sequence the tagging scheme allows. */
export type Decoding = OptionValue<'extract', 'decoding'>;
/** Tagging schemes of token-classifier labels; 'bilou' is read as 'bioes'. */
export type TaggingScheme = OptionValue<'extract', 'scheme'>;
/** Which spans a span model may return together: nesting ones, or only ones that do not overlap. */
export type SpanMode = OptionValue<'extract', 'spanMode'>;
/** Where a model runs. */
export type Device = OptionValue<'model', 'device'>;

export const AGGREGATIONS: readonly Aggregation[] = OPTIONS.extract.aggregation.choices;
export const DECODINGS: readonly Decoding[] = OPTIONS.extract.decoding.choices;
export const TAGGING_SCHEMES: readonly TaggingScheme[] = OPTIONS.extract.scheme.choices;
export const SPAN_MODES: readonly SpanMode[] = OPTIONS.extract.spanMode.choices;
/** Whether texts are split into sentences before the model. */
export type Segment = OptionValue<'extract', 'segment'>;
/** What a line break means to the sentence splitter. */
export type LineBreaks = OptionValue<'extract', 'lineBreaks'>;

// ModelOptions and StreamOptions merge two groups: a name in both would be one field with two meanings.
type Overlap<A extends OptionScope, B extends OptionScope> = Extract<OptionName<A>, OptionName<B>>;
const noSharedNames: [Overlap<'extract', 'model'>, Overlap<'extract', 'stream'>, Overlap<'extract', 'redact'>] extends [never, never, never]
  ? true
  : never = true;
void noSharedNames;

/** The names of `scope`'s options, in table order. */
export function optionNames<S extends OptionScope>(scope: S): OptionName<S>[] {
  return Object.keys(OPTIONS[scope]) as OptionName<S>[];
}

/** The spec of option `name` of `scope`. */
export function optionSpec<S extends OptionScope>(scope: S, name: OptionName<S>): OptionSpec {
  return (OPTIONS[scope] as Record<string, OptionSpec>)[name];
}

const EXTRACT_KEYS = optionNames('extract');
const LOAD_KEYS = optionNames('model');
const MODEL_KEYS = [...EXTRACT_KEYS, ...LOAD_KEYS];

// ---- Checks ----

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

/** A number that `inRange` accepts; `range` says which in the error, e.g. 'from 0 to 1'. */
function checkNumber(value: unknown, name: string, inRange: (n: number) => boolean, range: string): number | undefined {
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

function checkChoice(value: unknown, name: string, choices: readonly string[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string`);
  if (!choices.includes(value)) {
    throw new NerError('ERR_INVALID_ARGUMENT', `unknown ${name} '${value}'; expected one of ${choices.join(', ')}`);
  }
  return value;
}

function checkStrings(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new TypeError(`${name} must be an array of strings`);
  }
  return [...(value as string[])];
}

/** The largest value an integer spec accepts on this machine. */
export function maxOf(spec: IntegerSpec | NumberSpec): number {
  return spec.max === 'cpus' ? availableParallelism() : spec.max;
}

/** The range a number must lie in, as error messages word it: 'from 0 to 1', 'between 0 and 1, exclusive'. */
function rangeOf(spec: NumberSpec): string {
  return spec.exclusive ? `between ${spec.min} and ${spec.max}, exclusive` : `from ${spec.min} to ${spec.max}`;
}

/** What a value of `spec` must be, e.g. 'an integer from 1 to 4096'; the CLI's messages say it. */
export function describeValue(spec: OptionSpec): string {
  switch (spec.type) {
    case 'integer':
      return spec.max === 'cpus'
        ? `an integer from ${spec.min} to ${maxOf(spec)} (this machine's CPUs)`
        : `an integer from ${spec.min} to ${spec.max}`;
    case 'number':
      return `a number ${rangeOf(spec)}`;
    case 'boolean':
      return 'true or false';
    case 'string':
      return 'a non-empty string';
    case 'choice':
      return `one of ${spec.choices.join(', ')}`;
    case 'strings':
      return 'a list of strings';
    case 'rules':
      return 'a rules file path, a rules object or Rules';
    case 'operators':
      return `LABEL=OP with OP one of ${OPERATOR_FORMS}`;
    case 'scores':
      return 'LABEL=X pairs with X from 0 to 1';
    case 'keys':
      return '{ hash?: Uint8Array, encrypt?: Uint8Array }';
    case 'pseudonyms':
      return "'text', 'call' or a PseudonymMap";
    case 'monitor':
      return 'a Monitor';
  }
}

/**
 * The checked value of an option (a copy for lists), or undefined when not given: a wrong type is a TypeError,
 * a value out of range or not among the choices a NerError ERR_INVALID_ARGUMENT.
 */
export function checkValue(spec: OptionSpec, name: string, value: unknown): unknown {
  switch (spec.type) {
    case 'integer':
      if (spec.max === 'cpus') {
        // ONNX Runtime threads: more than the machine's CPUs never helps and makes loading slow (1,024 took 15 s).
        const cpus = availableParallelism();
        if (typeof value === 'number' && Number.isInteger(value) && value > cpus) {
          const message = `${name} must be at most this machine's ${cpus} CPUs (0: ONNX Runtime's default), got ${value}`;
          throw new NerError('ERR_INVALID_ARGUMENT', message);
        }
      }
      return checkInteger(value, name, spec.min, maxOf(spec));
    case 'number': {
      const { min, max, exclusive } = spec;
      return checkNumber(value, name, (n) => (exclusive ? n > min && n < max : n >= min && n <= max), rangeOf(spec));
    }
    case 'boolean':
      return checkBoolean(value, name);
    case 'string':
      return checkString(value, name);
    case 'choice':
      return checkChoice(value, name, spec.choices);
    case 'strings':
      return checkStrings(value, name);
    case 'rules':
      if (value === undefined) return undefined;
      if (typeof value === 'string' ? value === '' : value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new TypeError(`${name} must be a rules file path, a rules object or Rules`);
      }
      return value;
    case 'operators':
      return checkOperators(value, name);
    case 'scores':
      return checkScores(value, name);
    case 'keys':
      return checkKeys(value, name);
    case 'pseudonyms':
      if (value === undefined || value === 'text' || value === 'call') return value;
      if (typeof value === 'string') throw new NerError('ERR_INVALID_ARGUMENT', `unknown ${name} '${value}'; expected text, call or a PseudonymMap`);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new TypeError(`${name} must be 'text', 'call' or a PseudonymMap`);
      }
      return value;  // redact() checks that it is a PseudonymMap
    case 'monitor':
      if (value === undefined) return undefined;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`${name} must be a Monitor`);
      return value;  // the model checks that it is a Monitor (this module does not load the binding)
  }
}

// ---- Redaction operators, scores and keys ----

const OPERATOR_NAMES: readonly OperatorName[] = ['replace', 'mask', 'remove', 'hash', 'pseudonym', 'encrypt', 'keep'];
const OPERATOR_FORMS = 'replace[:TEXT], mask[:CHAR[:N]], remove, hash[:DIGITS], pseudonym, encrypt, keep';
const HASH_DIGITS = { min: 8, max: 64 };

/** A plain object (not an array, not null); `what` says what it must be. */
function checkRecord(value: unknown, name: string, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`${name} must be ${what}`);
  return value as Record<string, unknown>;
}

/**
 * An operator from its short form, as flags and configuration files write it: 'mask', 'mask:#', 'mask:#:4',
 * 'replace:[gone]' (the rest of the text is the replacement), 'hash:12'. Errors name `name`.
 */
export function parseOperator(text: string, name = 'operator'): OperatorObject {
  const colon = text.indexOf(':');
  const type = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? undefined : text.slice(colon + 1);
  const bad = () => new NerError('ERR_INVALID_ARGUMENT', `${name} '${text}' is not an operator; expected one of ${OPERATOR_FORMS}`);
  if (!(OPERATOR_NAMES as readonly string[]).includes(type)) throw bad();
  if (rest === undefined) return checkOperator({ type }, name);
  switch (type) {
    case 'replace':
      return checkOperator({ type, with: rest }, name);
    case 'hash':
      if (!/^\d+$/.test(rest)) throw bad();
      return checkOperator({ type, length: Number(rest) }, name);
    case 'mask': {
      if ([...rest].length === 1) return checkOperator({ type, char: rest }, name);
      const last = rest.lastIndexOf(':');
      if (last < 0 || !/^\d+$/.test(rest.slice(last + 1))) throw bad();
      return checkOperator({ type, char: rest.slice(0, last), keepLast: Number(rest.slice(last + 1)) }, name);
    }
    default:
      throw bad();
  }
}

/** An operator in its object form, checked: a name alone becomes { type: name }. */
function checkOperator(value: unknown, name: string): OperatorObject {
  if (typeof value === 'string') return parseOperator(value, name);
  const given = checkRecord(value, name, `an operator name or object (${OPERATOR_FORMS})`);
  const type = checkChoice(given.type, `${name}.type`, OPERATOR_NAMES);
  if (type === undefined) throw new TypeError(`${name}.type must be one of ${OPERATOR_NAMES.join(', ')}`);
  const allowed: Record<OperatorName, string[]> = {
    replace: ['with'],
    mask: ['char', 'keepLast'],
    hash: ['length'],
    remove: [],
    pseudonym: [],
    encrypt: [],
    keep: [],
  };
  checkObject(given, `${name} (${type}) field`, ['type', ...allowed[type as OperatorName]]);
  const out: Record<string, unknown> = { type };
  if (given.with !== undefined) {
    if (typeof given.with !== 'string') throw new TypeError(`${name}.with must be a string`);
    out.with = given.with;
  }
  if (given.char !== undefined) {
    if (typeof given.char !== 'string') throw new TypeError(`${name}.char must be a string`);
    const chars = [...given.char];
    const loneSurrogate = chars.length === 1 && chars[0].length === 1 && /[\uD800-\uDFFF]/.test(chars[0]);
    if (chars.length !== 1 || loneSurrogate) {
      throw new NerError('ERR_INVALID_ARGUMENT', `${name}.char must be one character, got '${given.char}'`);
    }
    out.char = given.char;
  }
  const keepLast = checkInteger(given.keepLast, `${name}.keepLast`, 0, INT32_MAX);
  if (keepLast !== undefined) out.keepLast = keepLast;
  const length = checkInteger(given.length, `${name}.length`, HASH_DIGITS.min, HASH_DIGITS.max);
  if (length !== undefined) out.length = length;
  return out as OperatorObject;
}

function checkOperators(value: unknown, name: string): Record<string, OperatorObject> | undefined {
  if (value === undefined) return undefined;
  const given = checkRecord(value, name, "an object of operators by label ({ PER: 'pseudonym', '*': 'replace' })");
  return Object.fromEntries(Object.entries(given).map(([label, op]) => [label, checkOperator(op, `${name}.${label}`)]));
}

function checkScores(value: unknown, name: string): Record<string, number> | undefined {
  if (value === undefined) return undefined;
  const given = checkRecord(value, name, 'an object of numbers by label ({ PER: 0.8 })');
  return Object.fromEntries(
    Object.entries(given).map(([label, score]) => [label, checkNumber(score, `${name}.${label}`, (n) => n >= 0 && n <= 1, 'from 0 to 1') as number]),
  );
}

function checkKeys(value: unknown, name: string): RedactionKeys | undefined {
  if (value === undefined) return undefined;
  const given = checkRecord(value, name, '{ hash?: Uint8Array, encrypt?: Uint8Array }');
  checkObject(given, `${name} field`, ['hash', 'encrypt']);
  const out: RedactionKeys = {};
  for (const which of ['hash', 'encrypt'] as const) {
    const key = given[which];
    if (key === undefined) continue;
    if (!(key instanceof Uint8Array)) {
      throw new TypeError(`${name}.${which} must be a Uint8Array of key bytes (e.g. crypto.randomBytes(32), kept secret); a passphrase is not a key`);
    }
    const short = which === 'hash' ? key.length < 32 : key.length !== 32;
    if (short) {
      const need = which === 'hash' ? 'at least 32 bytes' : '32 bytes (AES-256)';
      throw new NerError('ERR_INVALID_ARGUMENT', `${name}.${which} must be ${need}, got ${key.length}`);
    }
    out[which] = new Uint8Array(key);  // a copy: a caller zeroing or reusing its buffer cannot change a call
  }
  return out;
}

/** Checks one option of `scope`; undefined when not given. */
function checkOption<S extends OptionScope, K extends OptionName<S>>(scope: S, name: K, value: unknown): OptionValue<S, K> | undefined {
  return checkValue(optionSpec(scope, name), name, value) as OptionValue<S, K> | undefined;
}

/** The given options among `names` of `scope`, checked; options not given are left out. */
function pick<S extends OptionScope>(given: Record<string, unknown>, scope: S, names: readonly OptionName<S>[]): OptionValues<S> {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const value = checkOption(scope, name, given[name]);
    if (value !== undefined) out[name] = value;
  }
  return out as OptionValues<S>;
}

/** Checks per-call options and returns only the ones that were given. */
export function checkExtractOptions(value: unknown): ExtractOptions {
  return pick(checkObject(value, 'extract option', EXTRACT_KEYS), 'extract', EXTRACT_KEYS);
}

const REDACT_KEYS = optionNames('redact');

/** Checks redact() options, extract's and redaction's apart; only the ones given. */
export function checkRedactOptions(value: unknown): { extract: ExtractOptions; redact: OptionValues<'redact'> } {
  const given = checkObject(value, 'redact option', [...EXTRACT_KEYS, ...REDACT_KEYS]);
  return { extract: pick(given, 'extract', EXTRACT_KEYS), redact: pick(given, 'redact', REDACT_KEYS) };
}

/** The sentence splitter's options (the extract options marked `splitter`), as sentences() takes them. */
export type SentenceOptions = Pick<ExtractOptions, 'lineBreaks'>;
const SENTENCE_KEYS = EXTRACT_KEYS.filter((k) => (optionSpec('extract', k) as SpecBase).splitter) as (keyof SentenceOptions)[];

/** Checks sentences() options and returns only the ones that were given. */
export function checkSentenceOptions(value: unknown): SentenceOptions {
  return pick(checkObject(value, 'sentences option', SENTENCE_KEYS), 'extract', SENTENCE_KEYS);
}

/** Checks model options; the extract options among them become the model's per-call defaults. */
export function checkModelOptions(value: unknown): { model: LoadOptions; defaults: ExtractOptions } {
  const given = checkObject(value, 'model option', MODEL_KEYS);
  return { defaults: pick(given, 'extract', EXTRACT_KEYS), model: pick(given, 'model', LOAD_KEYS) };
}

/** Checks extractStream's own options and fills in their defaults; the rest are extract's, checked by extract. */
export function checkStreamOptions<T extends StreamOptions>(
  options: T,
): { chunkSize: number; concurrency: number; extract: Omit<T, 'chunkSize' | 'concurrency'> } {
  const { chunkSize, concurrency, ...extract } = options;
  return {
    chunkSize: checkOption('stream', 'chunkSize', chunkSize) ?? OPTIONS.stream.chunkSize.default,
    concurrency: checkOption('stream', 'concurrency', concurrency) ?? OPTIONS.stream.concurrency.default,
    extract,
  };
}

/** The service's options with a default: every one but requestLog. */
type ServeDefaulted = { [K in OptionName<'serve'>]: Table['serve'][K] extends { default: unknown } ? K : never }[OptionName<'serve'>];

/** createService's options, checked: those with a default always set. */
export type CheckedServeOptions = Required<Pick<ServeOptions, ServeDefaulted>> & ServeOptions;

/** Checks createService's options and fills in the defaults of those not given. */
export function checkServeOptions(value: unknown): CheckedServeOptions {
  const names = optionNames('serve');
  const given = pick(checkObject(value, 'serve option', names), 'serve', names);
  const limits = Object.fromEntries(names.map((name) => [name, given[name] ?? optionSpec('serve', name).default])) as unknown as CheckedServeOptions;
  // Node refuses a headers timeout longer than the request timeout: the headers are part of the request.
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new NerError(
      'ERR_INVALID_ARGUMENT',
      `headersTimeoutMs (${limits.headersTimeoutMs}) must not be over requestTimeoutMs (${limits.requestTimeoutMs})`,
    );
  }
  return limits;
}

/** The worker's options with a default: every one but metricsPort. */
type WorkerDefaulted = { [K in OptionName<'worker'>]: Table['worker'][K] extends { default: unknown } ? K : never }[OptionName<'worker'>];

/** createWorker's options, checked: those with a default always set. */
export type CheckedWorkerOptions = Required<Pick<WorkerOptions, WorkerDefaulted>> & WorkerOptions;

/** Checks the worker's own options and fills in the defaults of those not given. */
export function checkWorkerOptions(value: unknown): CheckedWorkerOptions {
  const names = optionNames('worker');
  const given = pick(checkObject(value, 'worker option', names), 'worker', names);
  return Object.fromEntries(names.map((name) => [name, given[name] ?? optionSpec('worker', name).default])) as unknown as CheckedWorkerOptions;
}

// ---- Model heads ----

/** Extract options that mean something for one kind of model only; giving one to the other kind is a mistake. */
export const TOKEN_ONLY_KEYS: readonly OptionName<'extract'>[] = EXTRACT_KEYS.filter((k) => optionSpec('extract', k).head === 'token');
export const SPAN_ONLY_KEYS: readonly OptionName<'extract'>[] = EXTRACT_KEYS.filter((k) => optionSpec('extract', k).head === 'span');

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

// ---- The service's limits ----

export interface ServeLimit {
  default: number;
  min: number;
  max: number;
  /** The `native-ner serve` flag that sets it. */
  flag: string;
  /** What it bounds, for the CLI's help. */
  help: string;
}

/** The service options that are limits: numbers in a range (the others, such as requestLog, are settings). */
export type ServeLimitName = { [K in OptionName<'serve'>]: Table['serve'][K] extends { type: 'integer' | 'number' } ? K : never }[OptionName<'serve'>];

/** Every service limit: its default, the numbers accepted and its flag; createService and the CLI read this. */
export const SERVE_LIMITS: Readonly<Record<ServeLimitName, Readonly<ServeLimit>>> = Object.fromEntries(
  Object.entries(OPTIONS.serve).flatMap(([name, spec]) => {
    if (spec.type !== 'integer' && spec.type !== 'number') return [];
    const { default: fallback, min, max, cli } = spec;
    return [[name, Object.freeze({ default: fallback, min, max, flag: cli.flag, help: cli.help })]];
  }),
) as Record<ServeLimitName, ServeLimit>;

/** The service limits that bound an extract option of each request, and how. */
export const REQUEST_BOUNDS: readonly (RequestBound & { limit: ServeLimitName })[] = optionNames('serve').flatMap((limit) => {
  const { bounds } = optionSpec('serve', limit);
  return bounds ? [{ limit: limit as ServeLimitName, ...bounds }] : [];
});
