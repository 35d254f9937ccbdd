// Shapes passed between the harness (bench/run.mjs) and the child process that measures one system.
import type { PiiScores, PiiTargetCheck, SpanScores } from '../../dist/eval/index.js';

export type SystemKind = 'native' | 'ort-loop' | 'transformers' | 'crf' | 'crf-train' | 'concurrency' | 'tokenizer' | 'segmentation' | 'rules' | 'pii' | 'cascade';

/** How much work the children do; the same for every system of one run. */
export interface Settings {
  quick: boolean;
  /** Test sentences used (all 3,453 unless quick). */
  sentences: number;
  /**
   * Rounds over all systems, each system once per round in a fresh process doing one timed pass; throughput is
   * the median over rounds, so a slow stretch of the machine hits different systems in different rounds.
   */
  rounds: number;
  /** Single-sentence requests timed for p50/p95, split across the rounds. */
  latencySamples: number;
}

export interface SystemSpec {
  id: string;
  label: string;
  kind: SystemKind;
  settings: Settings;
  /** 0-based round this child runs in. */
  round: number;
  /** ONNX file in the model directory (native, ort-loop, transformers, concurrency). */
  modelFile?: string;
  decoding?: 'viterbi' | 'argmax';
  aggregation?: 'average';
  /**
   * Which ONNX Runtime the bare loop (ort-loop) or native-ner (native) runs on: the project's onnxruntime-node (the
   * default), or the previous pin kept as the dev dependency onnxruntime-node-1.29, to show the choice.
   */
  ortPackage?: 'project' | 'previous';
  /** transformers.js dtype: 'fp32' loads onnx/model.onnx, 'q8' onnx/model_quantized.onnx. */
  dtype?: 'fp32' | 'q8';
  /** transformers.js: the local model root (env.localModelPath) holding the model under `hfModelName`. */
  hfModelRoot?: string;
  hfModelName?: string;
  /** transformers.js after the first round: the batch setting its search chose then. */
  batchSetting?: BatchSetting;
  /** CRF: the trained model file (crf) or where to write it (crf-train). */
  crfModelPath?: string;
  /** crf-train: how many training sentences (all when absent) and L-BFGS iterations (fewer for --quick). */
  crfTraining?: { sentences?: number; maxIterations: number };
}

export interface LatencySummary {
  samples: number;
  p50: number;
  p95: number;
}

export interface BatchSetting {
  batchSize: number;
  order: 'input' | 'length-sorted';
}

/** transformers.js batch-size search: one timed pass over a subset per candidate. */
export interface BatchTrial extends BatchSetting {
  sentences: number;
  seconds: number;
}

export interface ChildResult {
  id: string;
  kind: SystemKind;
  /** Loading the model and preparing per-text inputs, untimed otherwise; 0 where nothing is loaded apart. */
  loadSeconds: number;
  /** RSS after reading the test set, before the system loads: what every child starts from. */
  baselineRssMB: number;
  peakRssMB: number;
  /** CPU seconds of the whole child process (all threads), to tell its load from other processes'. */
  cpuSeconds: number;
  /** The native-ner .node files the child loaded (repository-relative where inside it); merged: of all rounds. */
  addons?: string[];
  notes: string[];
  /** Seconds of each timed pass over all the sentences. */
  runSeconds?: number[];
  /** Milliseconds of each single-sentence request. */
  latencyMs?: number[];
  /** Strict span scores of the timed pass; absent for systems that produce no entities. */
  scores?: SpanScores;
  batchSearch?: { trials: BatchTrial[]; chosen: BatchSetting };
  concurrency?: ConcurrencyResult;
  tokenizer?: { rounds: TokenizerRound[] };
  segmentation?: { rows: SegmentationRow[] };
  rules?: RulesResult;
  pii?: PiiResult;
  cascade?: CascadeBenchResult;
  training?: { sentences: number; iterations: number; seconds: number };
  /** native-ner: its stats() after the timed pass (reset before it): real and padded tokens the model ran. */
  engineStats?: { texts: number; windows: number; batches: number; tokens: number; paddedTokens: number };
}

/** Cascades (bench/systems/cascade.mjs): per pair of tiers, each tier alone and the cascade per threshold. */
export interface CascadeBenchResult {
  texts: number;
  /** What judged the BERT tiers: 'minProb' when the addon gives it, else 'score'. */
  signal: 'minProb' | 'score';
  pairs: {
    name: string;
    /** Each tier alone: F1, wall and CPU seconds of one call over every text; merged: every round's seconds. */
    alone: { tier: string; f1: number; seconds: number[] | number; cpuSeconds: number[] | number }[];
    /** One cascade.run() over every text per threshold; merged: every round's seconds. */
    rows: { threshold: number; escalated: number; degraded: number; f1: number; seconds: number[] | number; cpuSeconds: number[] | number }[];
  }[];
}

/** PII redaction (bench/systems/pii.mjs): detection on the generated set, and redact against extract on its texts. */
export interface PiiResult {
  /** Texts of the generated set and its seed. */
  texts: number;
  seed: number;
  byType: PiiScores['byType'];
  overall: PiiScores['overall'];
  negatives: PiiScores['negatives'];
  targets: PiiTargetCheck[];
  /** One call of every text each, alternating; pair i is [i] of both. */
  extractSeconds: number[];
  redactSeconds: number[];
}

/** The rules stage (bench/systems/rules.mjs): phrase lists' load times and what matching a list adds to extract. */
export interface RulesResult {
  /** loadRules() of a generated JSON-lines phrase file, once per size. */
  loads: { phrases: number; seconds: number; fileMB: number }[];
  /** Phrases in the list extraction runs with. */
  listPhrases: number;
  /** Entities that list gave (source other than the model) over the test sentences. */
  listEntities: number;
  /** All test sentences in one extract call, without and with the list, alternating; pair i is [i] of both. */
  withoutSeconds: number[];
  withSeconds: number[];
}

/** One sentence splitter on one dataset of documents: boundary counts and scores, and the bytes it split in `seconds`. */
export interface SegmentationRow {
  dataset: string;
  documents: number;
  /** native-ner, intl-segmenter or sentence-splitter */
  splitter: string;
  label: string;
  tp: number;
  predicted: number;
  gold: number;
  precision: number;
  recall: number;
  f1: number;
  /** UTF-8 bytes split, over all passes */
  bytes: number;
  seconds: number;
}

/** One tokenizer model's single-thread speed: native-ner's and Hugging Face's (Node binding) over the same texts. */
export interface TokenizerRound {
  model: 'WordPiece' | 'BPE' | 'Unigram';
  native: { tokens: number; seconds: number };
  reference: { tokens: number; seconds: number };
  /** Whether both counted the same tokens over the texts. */
  sameCount: boolean;
}

/** native-ner's engine counters of one pass (stats(), reset before it). */
export interface PassStats {
  batches: number;
  windows: number;
  tokens: number;
  paddedTokens: number;
  inferenceSeconds: number;
  decodeSeconds: number;
}

/**
 * Single-sentence calls against one call of every sentence, in one process, each pass once per round: awaited one
 * by one; `callers` callers each sending its next sentence when its last returns (a server's load); waves of
 * `callers` calls awaited together (Promise.all); and all sentences in one call.
 */
export interface ConcurrencyResult {
  callers: number;
  sequentialSeconds: number[];
  concurrentSeconds: number[];
  wavesSeconds: number[];
  oneCallSeconds: number[];
  /** One call with batchSize capped at the concurrent pass's mean batch (cappedRows), to tell batch size from overhead. */
  cappedSeconds: number[];
  cappedRows: number[];
  concurrentStats: PassStats[];
  oneCallStats: PassStats[];
}

/** A system's rounds merged: what the report reads. */
export interface Measured extends Omit<ChildResult, 'latencyMs'> {
  latency?: LatencySummary;
  /** Overall F1 of each round: int8 kernels need not give the same result twice. */
  f1ByRound?: number[];
}

export type ChildMessage =
  | { type: 'progress'; fraction: number; step: string }
  | { type: 'result'; result: ChildResult };

/** Load test of the HTTP servers (bench/systems/serve-load.mjs): an open-loop client at fixed request rates. */
export interface ServeLoadSettings {
  /** Request rates tried (requests/s), each on a fresh, warmed-up server. */
  rates: number[];
  /** Seconds of sending at each rate. */
  seconds: number;
  /** Extra rates tried between the best rate under the p99 target and the next, halving the gap each time. */
  refineSteps: number;
  refineSeconds: number;
  /** How long after the last scheduled send answers are waited for; later ones count as unanswered. */
  drainSeconds: number;
  /** Requests sent (one by one, then all at once) before timing, on each fresh server. */
  warmupRequests: number;
  p99TargetMs: number;
  /** Sockets of the client's keep-alive agent; requests beyond them wait in the client, and that wait counts. */
  maxSockets: number;
}

export interface ServeLoadStep {
  /** Offered rate, requests/s. */
  rate: number;
  seconds: number;
  sent: number;
  /** Answered 200. */
  ok: number;
  /** Answered with another status, or failed on the socket. */
  errors: number;
  /** Not answered within the drain time. */
  unanswered: number;
  /** 200 answers per second, from the first scheduled send to the last answer. */
  achievedPerSecond: number;
  /** Milliseconds from each 200 answer's scheduled send to its end. */
  p50: number;
  p95: number;
  p99: number;
  maxMs: number;
  /** CPU time of the client (the harness process) over wall time: the client shares the machine with the server. */
  clientCpuShare: number;
  /** p99 of how late the client handed requests to node:http against their schedule (its own lag, in ms). */
  sendLagP99Ms: number;
  refinement: boolean;
}

export interface ServeLoadSystem {
  id: string;
  label: string;
  steps: ServeLoadStep[];
  /** Highest rate tried whose p99 met the target with no errors or unanswered requests; null when none did. */
  maxRateUnderTarget: number | null;
  /** The lowest rate above that one that missed it; null when none did. */
  firstRateOverTarget: number | null;
}

export interface ServeLoadResult {
  settings: ServeLoadSettings;
  /** Test sentences the requests cycle through. */
  sentences: number;
  seconds: number;
  /** Share of the machine's CPU time that other processes used during the load test; null where unknown. */
  otherCpuShare: number | null;
  systems: ServeLoadSystem[];
  failures: { id: string; label: string; error: string }[];
}

/** One large matrix multiply in ONNX Runtime (bench/systems/hardware.mjs): this CPU's practical peak. */
export interface PeakResult {
  kind: 'fp32' | 'int8';
  op: string;
  m: number;
  k: number;
  n: number;
  threads: string;
  runs: number;
  /** Median of the timed runs. */
  secondsPerRun: number;
  /** 2·M·K·N / secondsPerRun, in 10⁹ operations per second (GFLOP/s for fp32, GOP/s for int8). */
  gops: number;
}

/** How close native-ner's timed pass came to that peak (bench/systems/hardware.mjs). */
export interface Hardware {
  config: { hiddenSize: number; layers: number; intermediateSize: number; heads: number; labels: number; maxPositions: number };
  formula: string;
  /** Multiply-adds: per token apart from attention, per token per token of its text (attention), mean on real lengths. */
  macsPerToken: { dense: number; attentionPerLength: number; meanReal: number };
  lengths: { texts: number; tokens: number; mean: number; max: number; sumSquares: number };
  physicalCores: number;
  peaks: PeakResult[];
  rows: {
    id: string;
    label: string;
    precision: 'fp32' | 'int8';
    tokensPerSecond: number;
    paddedTokensPerSecond: number;
    engineTokens: number;
    paddedTokens: number;
    realGops: number;
    paddedGops: number;
    peakGops: number | null;
    realShare: number | null;
    paddedShare: number | null;
  }[];
}
