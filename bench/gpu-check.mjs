// The measuring half of scripts/gpu-check.sh: native-ner fp32 and int8 on the CPU and on CUDA over the CoNLL-2003
// test sentences, through the compiled API (dist/), as the benchmark harness measures it. Writes
// gpu-check.{md,json} to --out.
//
//   node bench/gpu-check.mjs --out DIR [--cpu-only] [--sentences N] [--latency N]
//
// Per model and device: a warm-up, one timed extract call holding every sentence (texts/s, tokens/s, and
// stats()'s real and padded tokens), then single-sentence calls one at a time (p50/p95 latency), and the F1 of the
// timed pass; on CUDA also how many texts got exactly the CPU's entities.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { evenlySpaced, loadTestSet } from './lib/dataset.mjs';
import { loadEval, loadProject, modelDir } from './lib/paths.mjs';
import { percentile } from './lib/stats.mjs';

const WARM_UP_TEXTS = 64;
const LATENCY_WARM_UP = 20;

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'gpu-check-results' },
    'cpu-only': { type: 'boolean', default: false },
    sentences: { type: 'string' },
    latency: { type: 'string', default: '200' },
  },
});
const outDir = resolve(values.out ?? 'gpu-check-results');
const cpuOnly = values['cpu-only'] ?? false;
const latencySamples = Number(values.latency);
const { dataset, texts } = loadTestSet(values.sentences ? Number(values.sentences) : undefined);
const { NativeNer } = loadProject();
const { scoreDataset } = loadEval();
const log = (/** @type {string} */ line) => process.stderr.write(`gpu-check: ${line}\n`);

/** @param {number} value @param {number} [digits] */
const num = (value, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** @typedef {Awaited<ReturnType<typeof measure>>} Result */

/**
 * @param {'model.onnx' | 'model_int8.onnx'} modelFile
 * @param {'cpu' | 'cuda'} device
 */
async function measure(modelFile, device) {
  const loadStart = performance.now();
  const ner = await NativeNer.load(modelDir, { modelFile, device });
  const loadSeconds = (performance.now() - loadStart) / 1000;
  try {
    if (ner.info.device !== device) throw new Error(`asked for ${device}, runs on ${ner.info.device}`);
    await ner.extract(texts.slice(0, WARM_UP_TEXTS));
    ner.resetStats();
    const start = performance.now();
    const entities = await ner.extract(texts);
    const seconds = (performance.now() - start) / 1000;
    const stats = ner.stats();
    const latencyIndices = evenlySpaced(texts.length, latencySamples);
    for (const i of latencyIndices.slice(0, LATENCY_WARM_UP)) await ner.extract(texts[i]);
    const latencyMs = [];
    for (const i of latencyIndices) {
      const t = performance.now();
      await ner.extract(texts[i]);
      latencyMs.push(performance.now() - t);
    }
    const { overall } = scoreDataset(dataset, entities);
    return {
      model: modelFile,
      device,
      ortVersion: ner.info.ortVersion,
      loadSeconds,
      seconds,
      textsPerSecond: texts.length / seconds,
      tokensPerSecond: stats.tokens / seconds,
      tokens: stats.tokens,
      paddedTokens: stats.paddedTokens,
      batches: stats.batches,
      latency: { samples: latencyMs.length, p50: percentile(latencyMs, 50), p95: percentile(latencyMs, 95) },
      f1: overall.f1,
      /** @type {number | null} texts whose entities equal the CPU run's (CUDA only) */
      sameAsCpu: /** @type {number | null} */ (null),
      spans: entities.map((es) => es.map((e) => `${e.label}@${e.start}-${e.end}`).join(' ')),
    };
  } finally {
    await ner.dispose();
  }
}

const started = new Date().toISOString();
/** @type {Omit<Result, 'spans'>[]} */
const results = [];
/** @type {{ model: string; device: string; error: string }[]} */
const failures = [];
/** @type {('cpu' | 'cuda')[]} */
const devices = cpuOnly ? ['cpu'] : ['cpu', 'cuda'];
// A process holds one ONNX Runtime and the first model loaded picks it: load the CUDA path's library first, so the
// CPU rows run on the same one as the CUDA rows (without this, the CPU's onnxruntime-node would leave CUDA none).
if (!cpuOnly) {
  await NativeNer.load(modelDir, { device: 'cuda' }).then(
    (ner) => ner.dispose(),
    () => undefined, // measure() reports why CUDA cannot run
  );
}
for (const model of /** @type {const} */ (['model.onnx', 'model_int8.onnx'])) {
  /** @type {Result | undefined} */
  let cpu;
  for (const device of devices) {
    log(`${model} on ${device}: ${texts.length} sentences, then ${latencySamples} single-sentence calls`);
    try {
      const result = await measure(model, device);
      if (device === 'cpu') cpu = result;
      else if (cpu) {
        const reference = cpu.spans;
        result.sameAsCpu = result.spans.filter((s, i) => s === reference[i]).length;
      }
      const { spans: _spans, ...kept } = result;
      results.push(kept);
      log(`  ${num(result.textsPerSecond)} texts/s, p50 ${num(result.latency.p50, 2)} ms, F1 ${num(result.f1, 4)}`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push({ model, device, error: message });
      log(`  FAILED: ${message}`);
    }
  }
}

const cpu = cpus();
const machine = `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}`;
const gpu = process.env.GPU_CHECK_GPU_NAME ?? (cpuOnly ? 'none (--cpu-only)' : 'unknown');
const command = `scripts/gpu-check.sh${cpuOnly ? ' --cpu-only' : ''}${values.sentences ? ` --sentences ${values.sentences}` : ''}`;
const table = [
  '| model | device | texts/s | tokens/s | padded tokens (×) | p50 ms | p95 ms | F1 | texts equal to CPU | load s |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...results.map((r) =>
    `| ${r.model} | ${r.device} | ${num(r.textsPerSecond)} | ${num(r.tokensPerSecond)} | ${num(r.paddedTokens)} (×${num(r.paddedTokens / r.tokens, 3)}) | ` +
      `${num(r.latency.p50, 2)} | ${num(r.latency.p95, 2)} | ${num(r.f1, 4)} | ${r.sameAsCpu === null ? '—' : `${num(r.sameAsCpu)}/${num(texts.length)}`} | ${num(r.loadSeconds, 2)} |`,
  ),
];
const markdown = [
  '# native-ner GPU check',
  `\`${command}\`, ${started}; ${machine}; GPU: ${gpu}.`,
  `Data: CoNLL-2003 test, ${num(texts.length)} sentences. Per model and device: ${WARM_UP_TEXTS} texts of warm-up, one timed extract ` +
    `call holding every sentence (texts/s; tokens/s on real tokens, [CLS]/[SEP] included), then ${LATENCY_WARM_UP} untimed and ` +
    `${latencySamples} timed single-sentence calls, one at a time (p50/p95). Default load options apart from modelFile and device.`,
  table.join('\n'),
  ...(failures.length > 0 ? [['Failed:', ...failures.map((f) => `- ${f.model} on ${f.device}: ${f.error.split('\n')[0]}`)].join('\n')] : []),
].join('\n\n');

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'gpu-check.md'), `${markdown}\n`);
writeFileSync(
  join(outDir, 'gpu-check.json'),
  `${JSON.stringify({ command, date: started, machine, gpu, sentences: texts.length, latencySamples, results, failures }, null, 2)}\n`,
);
process.stdout.write(`${markdown}\n`);
log(`wrote ${join(outDir, 'gpu-check.md')} and gpu-check.json`);
if (failures.length > 0) process.exitCode = 1;
