// How close to the hardware: the model's arithmetic per token, the rate native-ner achieves on it (from the
// throughput its timed pass measured), and the rate of one large matrix multiply in ONNX Runtime on the same
// threads, this CPU's practical peak. The peak runs in a process of its own (`node bench/systems/hardware.mjs
// --peak`, which prints JSON), so it shares nothing with the harness.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { matMulInput, matMulModel } from '../lib/onnx-matmul.mjs';
import { cacheDir, loadProject, modelDir, requireFromRepo } from '../lib/paths.mjs';
import { median } from '../lib/stats.mjs';

/** @typedef {import('../lib/types.js').Hardware} Hardware */
/** @typedef {import('../lib/types.js').PeakResult} PeakResult */
/** @typedef {import('../lib/types.js').SystemSpec} SystemSpec */
/** @typedef {import('../lib/types.js').Measured} Measured */

/** The peak's matrix multiply: [M,K] x [K,N]. */
export const PEAK_SIZE = { m: 1024, k: 1024, n: 1024 };
const PEAK_MIN_SECONDS = 0.5;
const PEAK_MIN_RUNS = 5;

/**
 * The encoder's dimensions from config.json.
 * @returns {Hardware['config']}
 */
export function modelConfig(dir = modelDir) {
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  return {
    hiddenSize: config.hidden_size,
    layers: config.num_hidden_layers,
    intermediateSize: config.intermediate_size,
    heads: config.num_attention_heads,
    labels: Object.keys(config.id2label).length,
    maxPositions: config.max_position_embeddings,
  };
}

/**
 * Multiply-adds per token of a text of L tokens: layers × (4H² + 2HI + 2LH) + HC. Per layer, the Q, K, V and
 * output projections (4H²), the two feed-forward matmuls (2HI), and the attention scores QKᵀ and context
 * softmax·V (L·H each, summed over heads); then the classifier (HC). Embeddings, biases, layer norms, softmax and
 * GELU are left out (they are not matrix products, and small beside them).
 * @param {Hardware['config']} c
 */
export function macsPerToken(c) {
  const dense = c.layers * (4 * c.hiddenSize ** 2 + 2 * c.hiddenSize * c.intermediateSize) + c.hiddenSize * c.labels;
  const attentionPerLength = c.layers * 2 * c.hiddenSize;
  return { dense, attentionPerLength };
}

/** Times one MatMul model in this process; what `--peak` prints. @param {'fp32' | 'int8'} kind */
async function timePeak(kind) {
  const ort = /** @type {typeof import('onnxruntime-node')} */ (requireFromRepo('onnxruntime-node'));
  const dir = join(cacheDir, 'hardware');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `matmul-${kind}-${PEAK_SIZE.m}x${PEAK_SIZE.k}x${PEAK_SIZE.n}.onnx`);
  writeFileSync(file, matMulModel(kind, PEAK_SIZE));
  // No intraOpNumThreads: ONNX Runtime's default, one thread per physical core, as native-ner's run uses.
  const session = await ort.InferenceSession.create(file, { graphOptimizationLevel: 'all' });
  const dims = [PEAK_SIZE.m, PEAK_SIZE.k];
  const input = kind === 'fp32' ? new ort.Tensor('float32', /** @type {Float32Array} */ (matMulInput(kind, PEAK_SIZE)), dims)
    : new ort.Tensor('uint8', /** @type {Uint8Array} */ (matMulInput(kind, PEAK_SIZE)), dims);
  for (let i = 0; i < 2; i++) await session.run({ A: input });
  const seconds = [];
  const start = performance.now();
  while (seconds.length < PEAK_MIN_RUNS || performance.now() - start < PEAK_MIN_SECONDS * 1000) {
    const t = performance.now();
    await session.run({ A: input });
    seconds.push((performance.now() - t) / 1000);
  }
  await session.release();
  const macs = PEAK_SIZE.m * PEAK_SIZE.k * PEAK_SIZE.n;
  /** @type {PeakResult} */
  const result = {
    kind,
    op: kind === 'fp32' ? 'MatMul' : 'MatMulInteger (uint8 × int8 → int32)',
    ...PEAK_SIZE,
    threads: "ONNX Runtime's default",
    runs: seconds.length,
    secondsPerRun: median(seconds),
    gops: (2 * macs) / median(seconds) / 1e9,
  };
  return result;
}

/** The peaks, measured in a fresh process. @returns {PeakResult[]} */
function measurePeaks() {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--peak'], { encoding: 'utf8', timeout: 120_000 });
  return JSON.parse(out);
}

/** CPUs with distinct (package, core) ids: ONNX Runtime's default intra-op thread count. */
function physicalCores() {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8').split('\n\n');
    const ids = new Set(info.filter((b) => b.includes('processor')).map((b) => `${/physical id\s*:\s*(\d+)/.exec(b)?.[1]}:${/core id\s*:\s*(\d+)/.exec(b)?.[1]}`));
    return ids.size || cpus().length;
  } catch {
    return cpus().length;
  }
}

/**
 * The hardware table's figures, or null when neither native-ner fp32 nor int8 ran.
 * @param {{ spec: SystemSpec; result: Measured }[]} measured
 * @param {string[]} texts
 * @returns {Promise<Hardware | null>}
 */
export async function measureHardware(measured, texts) {
  const natives = measured.filter(({ spec, result }) => spec.kind === 'native' && result.runSeconds && result.engineStats);
  if (natives.length === 0) return null;
  const config = modelConfig();
  const { dense, attentionPerLength } = macsPerToken(config);
  const { Tokenizer } = loadProject();
  const tokenizer = Tokenizer.fromFile(join(modelDir, 'tokenizer.json'));
  const lengths = texts.map((text) => tokenizer.encode(text).ids.length);
  const tokens = lengths.reduce((a, b) => a + b, 0);
  const sumSquares = lengths.reduce((a, l) => a + l * l, 0);
  // Σ over texts of L·(dense + attentionPerLength·L): each text's tokens attend to its own L tokens.
  const realMacs = dense * tokens + attentionPerLength * sumSquares;
  const peaks = measurePeaks();

  const rows = natives.map(({ spec, result }) => {
    const precision = /** @type {'fp32' | 'int8'} */ (spec.modelFile === 'model_int8.onnx' ? 'int8' : 'fp32');
    const seconds = median(result.runSeconds ?? []);
    const stats = /** @type {NonNullable<Measured['engineStats']>} */ (result.engineStats);
    const padding = stats.paddedTokens / stats.tokens;
    // Padded rows: the dense part on every padded token; the attention part estimated as each row padded by the
    // same factor (Σ W² ≈ Σ L² · (padded/real)²); stats() gives totals, not each batch's width.
    const paddedMacs = dense * stats.paddedTokens + attentionPerLength * sumSquares * padding ** 2;
    const peak = peaks.find((p) => p.kind === precision);
    const realGops = (2 * realMacs) / seconds / 1e9;
    const paddedGops = (2 * paddedMacs) / seconds / 1e9;
    return {
      id: spec.id,
      label: spec.label,
      precision,
      tokensPerSecond: tokens / seconds,
      paddedTokensPerSecond: stats.paddedTokens / seconds,
      engineTokens: stats.tokens,
      paddedTokens: stats.paddedTokens,
      realGops,
      paddedGops,
      peakGops: peak?.gops ?? null,
      realShare: peak ? realGops / peak.gops : null,
      paddedShare: peak ? paddedGops / peak.gops : null,
    };
  });
  return {
    config,
    formula: 'MACs per token of a text of L tokens = layers × (4H² + 2HI + 2LH) + HC',
    macsPerToken: { dense, attentionPerLength, meanReal: realMacs / tokens },
    lengths: { texts: texts.length, tokens, mean: tokens / texts.length, max: Math.max(...lengths), sumSquares },
    physicalCores: physicalCores(),
    peaks,
    rows,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--peak') {
  const results = [];
  for (const kind of /** @type {const} */ (['fp32', 'int8'])) results.push(await timePeak(kind));
  process.stdout.write(`${JSON.stringify(results)}\n`);
}
