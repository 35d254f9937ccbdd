// Shapes passed between the harness (bench/run.mjs) and the child process that measures one system.
import type { SpanScores } from '../../dist/eval/index.js';

export type SystemKind = 'native' | 'ort-loop' | 'transformers' | 'crf' | 'crf-train' | 'concurrency' | 'tokenizer';

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
  /** Which onnxruntime-node copy the bare loop loads: the project's, or the one transformers.js brings. */
  ortPackage?: 'project' | 'transformers';
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
  concurrency?: { callers: number; sequentialSeconds: number[]; concurrentSeconds: number[] };
  tokenizer?: { rounds: { tokens: number; seconds: number }[] };
  training?: { sentences: number; iterations: number; seconds: number };
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
