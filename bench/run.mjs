// `npm run bench`: native-ner against the bare ONNX Runtime loop, transformers.js and a CRF baseline on the
// CoNLL-2003 test set. Each system runs in processes of its own, one at a time, in rounds; the results are printed
// as Markdown and written to bench/results/ (JSON, Markdown, SVG).
//
//   npm run bench                  the full run (a few minutes on 2 cores; the first also trains the CRF)
//   npm run bench -- --quick       300 sentences, one pass each; results go to bench/.cache/quick-results/
//   npm run bench -- --only=a,b    only the systems with these ids (see systemSpecs)
//                                  (serve-load: the HTTP load test, bench/systems/serve-load.mjs, run after them)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { addonLine, describeAddon } from './lib/addon.mjs';
import { runChild } from './lib/children.mjs';
import { loadTestSet, QUICK_SENTENCES } from './lib/dataset.mjs';
import {
  loadEval,
  loadProject,
  modelDir,
  packageVersion,
  partialResultsDir,
  quickResultsDir,
  repoRoot,
  requireFromRepo,
  resultsDir,
  sharedDir,
  testFile,
  trainFile,
} from './lib/paths.mjs';
import { createProgress } from './lib/progress.mjs';
import { mergeRounds } from './lib/rounds.mjs';
import { num, targetsOf, toMarkdown, toRows } from './lib/report.mjs';
import { machineBusySeconds, median, ownCpuSeconds } from './lib/stats.mjs';
import { toSvg } from './lib/svg.mjs';
import { FULL_TRAINING, QUICK_TRAINING } from './systems/crf-model.mjs';
import { crfModelPath } from './systems/crf.mjs';
import { ensureHfModelLayout, HF_MODEL_NAME, HF_MODEL_ROOT } from './systems/transformers-js.mjs';
import { ortVersion } from './systems/ort-loop.mjs';
import { measureHardware } from './systems/hardware.mjs';
import { runServeLoad } from './systems/serve-load.mjs';

/** @typedef {import('./lib/types.js').SystemSpec} SystemSpec */
/** @typedef {import('./lib/types.js').Settings} Settings */
/** @typedef {import('./lib/types.js').ChildResult} ChildResult */
/** @typedef {import('./lib/types.js').Measured} Measured */

const FULL_SETTINGS = { rounds: 3, latencySamples: 300 };
const QUICK_SETTINGS = { rounds: 1, latencySamples: 50 };
/** The counts of CoNLL-2003 test that the evaluator must reproduce (../shared/README.md). */
const EXPECTED = { sentences: 3453, gold: 5648 };

/** The model's files every system needs; stops early with a readable message when ../shared is missing. */
function checkInputs() {
  const needed = [join(repoRoot, 'dist', 'index.js'), testFile, trainFile, join(modelDir, 'model.onnx'), join(modelDir, 'model_int8.onnx')];
  const missing = needed.filter((path) => !existsSync(path));
  if (missing.length > 0) {
    throw new Error(
      `missing ${missing.map((p) => relative(repoRoot, p)).join(', ')}; the harness needs dist/ (npm run build:ts) and ` +
        `the shared models and datasets at ${relative(repoRoot, sharedDir)}`,
    );
  }
}

/**
 * The CRF model to tag with, and whether it must be trained first: the full model when cached; a --quick run
 * without it trains (and caches) a small one rather than spend a minute and a half.
 * @param {boolean} quick
 */
function planCrf(quick) {
  const fullPath = crfModelPath(FULL_TRAINING);
  const training = quick && !existsSync(fullPath) ? QUICK_TRAINING : FULL_TRAINING;
  const path = training === FULL_TRAINING ? fullPath : crfModelPath(QUICK_TRAINING);
  return { path, training, cached: existsSync(path) };
}

/**
 * Every system, in the order they run.
 * @param {Settings} settings
 * @param {ReturnType<typeof planCrf>} crf
 * @returns {SystemSpec[]}
 */
function systemSpecs(settings, crf) {
  const ortProject = ortVersion('project');
  const ortPrevious = ortVersion('previous');
  const transformers = packageVersion('@huggingface/transformers');
  const fp32 = 'model.onnx';
  const int8 = 'model_int8.onnx';
  /** @type {Omit<SystemSpec, 'settings' | 'round'>[]} */
  const specs = [
    { id: 'native-fp32', label: 'native-ner fp32 (viterbi, average)', kind: 'native', modelFile: fp32, decoding: 'viterbi', aggregation: 'average' },
    { id: 'native-fp32-argmax', label: 'native-ner fp32 (argmax, average)', kind: 'native', modelFile: fp32, decoding: 'argmax', aggregation: 'average' },
    { id: 'native-int8', label: 'native-ner int8 (viterbi, average)', kind: 'native', modelFile: int8, decoding: 'viterbi', aggregation: 'average' },
    { id: 'native-int8-argmax', label: 'native-ner int8 (argmax, average)', kind: 'native', modelFile: int8, decoding: 'argmax', aggregation: 'average' },
    { id: 'native-fp32-ort-previous', label: `native-ner fp32 (viterbi, average) on ORT ${ortPrevious}`, kind: 'native', modelFile: fp32, decoding: 'viterbi', aggregation: 'average', ortPackage: 'previous' },
    { id: 'native-int8-ort-previous', label: `native-ner int8 (viterbi, average) on ORT ${ortPrevious}`, kind: 'native', modelFile: int8, decoding: 'viterbi', aggregation: 'average', ortPackage: 'previous' },
    { id: 'ort-fp32', label: `bare ORT ${ortProject} loop fp32`, kind: 'ort-loop', modelFile: fp32, ortPackage: 'project' },
    { id: 'ort-int8', label: `bare ORT ${ortProject} loop int8`, kind: 'ort-loop', modelFile: int8, ortPackage: 'project' },
    { id: 'transformers-fp32', label: `transformers.js ${transformers} fp32`, kind: 'transformers', dtype: 'fp32' },
    { id: 'transformers-int8', label: `transformers.js ${transformers} int8 (q8)`, kind: 'transformers', dtype: 'q8' },
    { id: 'ort-previous-fp32', label: `bare ORT ${ortPrevious} loop fp32`, kind: 'ort-loop', modelFile: fp32, ortPackage: 'previous' },
    { id: 'ort-previous-int8', label: `bare ORT ${ortPrevious} loop int8`, kind: 'ort-loop', modelFile: int8, ortPackage: 'previous' },
    { id: 'crf', label: 'CRF (CRFsuite, word features)', kind: 'crf', crfModelPath: crf.path },
    { id: 'concurrency', label: 'native-ner fp32: concurrent vs sequential calls', kind: 'concurrency', modelFile: fp32, decoding: 'viterbi', aggregation: 'average' },
    { id: 'tokenizer', label: 'native tokenizer alone', kind: 'tokenizer' },
    { id: 'segmentation', label: 'sentence segmentation alone', kind: 'segmentation' },
    { id: 'rules', label: 'rules stage: phrase list loading and matching overhead', kind: 'rules', modelFile: fp32, decoding: 'viterbi', aggregation: 'average' },
    { id: 'pii', label: 'PII redaction: detection on the generated set, redact vs extract', kind: 'pii', modelFile: fp32, decoding: 'viterbi', aggregation: 'average' },
    { id: 'cascade', label: 'cascades: int8 → fp32, CRF → BERT, BERT → CRF per threshold', kind: 'cascade', crfModelPath: crf.path },
  ];
  if (!crf.cached) {
    const training = crf.training === FULL_TRAINING ? 'full' : `${QUICK_TRAINING.sentences} sentences`;
    specs.unshift({ id: 'crf-train', label: `CRF training (${training}, cached afterwards)`, kind: 'crf-train', crfModelPath: crf.path, crfTraining: crf.training });
  }
  return specs.map((spec) => ({ hfModelRoot: HF_MODEL_ROOT, hfModelName: HF_MODEL_NAME, ...spec, settings, round: 0 }));
}

function gitState() {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: repoRoot, encoding: 'utf8' }).trim() !== '';
    return { commit, dirty };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

/** Above this share of the CPU taken by other processes, the run's speed figures are flagged as unreliable. */
const BUSY_MACHINE_SHARE = 0.03;

/**
 * The share of the machine's CPU time that processes other than the harness and its children used since the
 * `start` readings, or null where /proc/stat cannot be read.
 * @param {{ busy: number | null; own: number; wall: number }} start
 * @param {number[]} childCpuSeconds
 */
function otherProcessesShare(start, childCpuSeconds) {
  const busyNow = machineBusySeconds();
  if (start.busy === null || busyNow === null) return null;
  const ours = ownCpuSeconds() - start.own + childCpuSeconds.reduce((sum, s) => sum + s, 0);
  const capacity = ((performance.now() - start.wall) / 1000) * cpus().length;
  return Math.max(0, (busyNow - start.busy - ours) / capacity);
}

/** Writes through a temporary name, so a file in bench/results/ is always a whole run's. */
function writeAtomically(/** @type {string} */ path, /** @type {string} */ content) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, content);
  renameSync(`${path}.tmp`, path);
}

/** @param {number[]} values */
function baselineRange(values) {
  if (values.length === 0) return 'n/a';
  const [low, high] = [Math.min(...values), Math.max(...values)].map((v) => num(v));
  return low === high ? low : `${low}–${high}`;
}

/**
 * Trains the CRF if asked, then runs the systems round after round, each system once per round in a fresh
 * process; a failing system is recorded and left out of later rounds, and the rest go on.
 * @param {SystemSpec[]} specs
 * @param {number} rounds
 */
async function runSystems(specs, rounds) {
  const training = specs.filter((spec) => spec.kind === 'crf-train');
  const systems = specs.filter((spec) => spec.kind !== 'crf-train');
  const progress = createProgress(training.length + systems.length * rounds);
  const atStart = { busy: machineBusySeconds(), own: ownCpuSeconds(), wall: performance.now() };
  /** @type {Map<string, ChildResult[]>} */
  const resultsById = new Map();
  /** @type {{ id: string; label: string; error: string }[]} */
  const failures = [];
  /** @type {string[]} */
  const childOutput = [];
  let step = 0;

  const run = async (/** @type {SystemSpec} */ spec) => {
    const index = step++;
    const label = rounds > 1 && spec.kind !== 'crf-train' ? `${spec.label} (round ${spec.round + 1}/${rounds})` : spec.label;
    const started = performance.now();
    try {
      const { result, stderr } = await runChild(spec, (fraction, what) => progress.update(index, label, fraction, what));
      resultsById.set(spec.id, [...(resultsById.get(spec.id) ?? []), result]);
      if (stderr) childOutput.push(`${spec.id} wrote to stderr: ${stderr.split('\n').slice(-3).join(' / ')}`);
      progress.done(index, label, (performance.now() - started) / 1000);
    } catch (error) {
      failures.push({ id: spec.id, label: spec.label, error: error instanceof Error ? error.message : String(error) });
      progress.done(index, label, (performance.now() - started) / 1000, 'FAILED');
    }
  };

  for (const spec of training) await run(spec);
  for (let round = 0; round < rounds; round++) {
    for (const spec of systems) {
      if (failures.some((f) => f.id === spec.id)) continue;
      const batchSetting = resultsById.get(spec.id)?.[0]?.batchSearch?.chosen;
      await run({ ...spec, round, ...(batchSetting ? { batchSetting } : {}) });
    }
  }
  progress.finish();

  const all = [...resultsById.values()].flat();
  const otherCpuShare = otherProcessesShare(atStart, all.map((result) => result.cpuSeconds));
  /** @type {{ spec: SystemSpec; result: Measured }[]} */
  const measured = specs.flatMap((spec) => {
    const results = resultsById.get(spec.id);
    return results && !failures.some((f) => f.id === spec.id) ? [{ spec, result: mergeRounds(results) }] : [];
  });
  return { measured, failures, childOutput, otherCpuShare };
}

/**
 * The concurrency table's figures from the merged rounds (sentences/s; shares of the same round's one call).
 * @param {import('./lib/types.js').ConcurrencyResult | undefined} result
 * @param {number} sentences
 * @param {import('./lib/report.mjs').Row[]} rows
 * @returns {import('./lib/report.mjs').Concurrency | null}
 */
function concurrencyOf(result, sentences, rows) {
  if (!result) return null;
  const rate = (/** @type {number[]} */ seconds) => sentences / median(seconds);
  /** @param {import('./lib/types.js').PassStats} p */
  const shape = (p) => ({
    batches: p.batches,
    rowsPerBatch: p.windows / p.batches,
    padding: p.paddedTokens / p.tokens,
    inferenceSeconds: p.inferenceSeconds,
    decodeSeconds: p.decodeSeconds,
  });
  return {
    callers: result.callers,
    sequential: rate(result.sequentialSeconds),
    concurrent: rate(result.concurrentSeconds),
    waves: rate(result.wavesSeconds),
    oneCall: rate(result.oneCallSeconds),
    capped: rate(result.cappedSeconds),
    cappedRows: median(result.cappedRows),
    cappedShare: median(result.cappedSeconds.map((s, i) => result.oneCallSeconds[i] / s)),
    concurrentShare: median(result.concurrentSeconds.map((s, i) => result.oneCallSeconds[i] / s)),
    batched: rows.find((row) => row.id === 'native-fp32')?.sentencesPerSecond ?? null,
    shape: { concurrent: shape(result.concurrentStats[0]), oneCall: shape(result.oneCallStats[0]) },
  };
}

/**
 * Each tokenizer model's median single-thread speed, native-ner's and Hugging Face's, in tokens/s.
 * @param {import('./lib/types.js').TokenizerRound[] | undefined} rounds
 * @returns {import('./lib/report.mjs').TokenizerSpeed[]}
 */
function tokenizerSpeedsOf(rounds) {
  if (!rounds) return [];
  const models = [...new Set(rounds.map((r) => r.model))];
  return models.map((model) => {
    const of = rounds.filter((r) => r.model === model);
    return {
      model,
      native: median(of.map((r) => r.native.tokens / r.native.seconds)),
      reference: median(of.map((r) => r.reference.tokens / r.reference.seconds)),
    };
  });
}

/**
 * Each splitter's boundary scores per dataset (the same every round) and its median MB/s over rounds.
 * @param {import('./lib/types.js').SegmentationRow[] | undefined} rows
 * @returns {import('./lib/report.mjs').SegmentationScore[]}
 */
function segmentationOf(rows) {
  if (!rows) return [];
  const keys = [...new Set(rows.map((r) => `${r.dataset}\u0000${r.splitter}`))];
  return keys.map((key) => {
    const of = rows.filter((r) => `${r.dataset}\u0000${r.splitter}` === key);
    const { bytes, seconds, ...scores } = of[0];
    return { ...scores, mbPerSecond: median(of.map((r) => r.bytes / r.seconds / 1e6)) };
  });
}

/**
 * The rules stage's figures: each list size's median load time, and extraction with the list against without,
 * as medians over all pairs and the median of each pair's ratio (both passes of a pair ran back to back).
 * @param {import('./lib/types.js').RulesResult | undefined} result
 * @returns {import('./lib/report.mjs').RulesSummary | null}
 */
function rulesOf(result) {
  if (!result) return null;
  const sizes = [...new Set(result.loads.map((l) => l.phrases))].sort((a, b) => a - b);
  return {
    loads: sizes.map((phrases) => {
      const of = result.loads.filter((l) => l.phrases === phrases);
      return { phrases, seconds: median(of.map((l) => l.seconds)), fileMB: of[0].fileMB, runs: of.length };
    }),
    listPhrases: result.listPhrases,
    listEntities: result.listEntities,
    withoutSeconds: median(result.withoutSeconds),
    withSeconds: median(result.withSeconds),
    ratio: median(result.withSeconds.map((s, i) => s / result.withoutSeconds[i])),
    pairs: result.withSeconds.length,
  };
}

/**
 * The PII row's figures: the first round's detection table (the set is the same every round) and redact's speed
 * against extract's, as medians over all pairs and the median of each pair's ratio.
 * @param {import('./lib/types.js').PiiResult | undefined} result
 * @returns {import('./lib/report.mjs').PiiSummary | null}
 */
function piiOf(result) {
  if (!result) return null;
  const { extractSeconds, redactSeconds, ...scores } = result;
  return {
    ...scores,
    extractPerSecond: result.texts / median(extractSeconds),
    redactPerSecond: result.texts / median(redactSeconds),
    share: median(redactSeconds.map((s, i) => extractSeconds[i] / s)),
    pairs: redactSeconds.length,
  };
}

/**
 * The cascade table's figures: sentences per second and per CPU second, medians over rounds of each timed pass.
 * @param {import('./lib/types.js').CascadeBenchResult | undefined} result
 * @returns {import('./lib/report.mjs').CascadeSummary | null}
 */
function cascadeOf(result) {
  if (!result) return null;
  const rate = (/** @type {number[] | number} */ seconds) => result.texts / median(Array.isArray(seconds) ? seconds : [seconds]);
  return {
    texts: result.texts,
    signal: result.signal,
    pairs: result.pairs.map((pair) => ({
      name: pair.name,
      alone: pair.alone.map((a) => ({ tier: a.tier, f1: a.f1, perSecond: rate(a.seconds), perCpuSecond: rate(a.cpuSeconds) })),
      rows: pair.rows.map((row) => ({
        threshold: row.threshold,
        escalatedShare: row.escalated / result.texts,
        degraded: row.degraded,
        f1: row.f1,
        perSecond: rate(row.seconds),
        perCpuSecond: rate(row.cpuSeconds),
      })),
      runs: Array.isArray(pair.rows[0]?.seconds) ? pair.rows[0].seconds.length : 1,
    })),
  };
}

/**
 * What a reader needs to interpret the tables: how each system was run, and anything that makes a figure suspect.
 * @param {object} run
 * @param {{ spec: SystemSpec; result: Measured }[]} run.measured
 * @param {Settings} run.settings
 * @param {import('./lib/report.mjs').Report['concurrency']} run.concurrency
 * @param {import('./lib/types.js').TokenizerRound[] | undefined} run.tokenizerRounds
 * @param {{ sentences: number; iterations: number; seconds: number } | null} run.crfTraining
 * @param {boolean} run.crfTrainedNow
 * @param {boolean} run.crfIsFull
 * @param {number | null} run.otherCpuShare
 * @param {{ sentences: number; entities: number }} run.stats
 * @param {string[]} run.childOutput
 * @param {import('./lib/addon.mjs').AddonInfo} run.addon
 * @param {string[]} run.loadedAddons
 */
function notesOf(run) {
  const resultOf = (/** @type {string} */ id) => run.measured.find(({ spec }) => spec.id === id);
  const notes = [];
  const strays = run.loadedAddons.filter((path) => path !== run.addon.path);
  if (strays.length > 0) {
    notes.push(`**Warning: the systems loaded ${strays.map((p) => `\`${p}\``).join(', ')}, not (only) the binary named above.**`);
  }
  if (run.otherCpuShare !== null && run.otherCpuShare > BUSY_MACHINE_SHARE) {
    notes.push('**Warning: the machine was not idle during this run; the speed figures understate every system. Rerun on an idle machine.**');
  }
  if (!run.settings.quick && (run.stats.sentences !== EXPECTED.sentences || run.stats.entities !== EXPECTED.gold)) {
    notes.push(
      `**Warning: expected ${EXPECTED.sentences} sentences and ${EXPECTED.gold} gold entities, read ${run.stats.sentences} and ${run.stats.entities}.**`,
    );
  }
  const native = resultOf('native-fp32') ?? resultOf('native-int8');
  if (native) {
    notes.push(`native-ner: ${native.result.notes[0]}; batches by its defaults (64 texts, 8,192 padded tokens); all sentences in one extract call.`);
  }
  const ort = resultOf('ort-fp32') ?? resultOf('ort-int8');
  if (ort) notes.push(`Bare ORT loop: ${ort.result.notes[0]}; ids from the native tokenizer, feeds built before timing: the model's own cost, a floor.`);
  const transformers = ['transformers-fp32', 'transformers-int8'].map(resultOf).filter((m) => m !== undefined);
  for (const { spec, result } of transformers) {
    const search = result.batchSearch;
    if (!search) continue;
    const trials = search.trials.map((t) => `${t.order} ${t.batchSize}: ${num(t.sentences / t.seconds)}/s`).join(', ');
    notes.push(
      `${spec.label}: batch ${search.chosen.batchSize}, ${search.chosen.order} order, the fastest of (sentences/s on ` +
        `${num(search.trials[0]?.sentences ?? 0)} sentences) ${trials}. ONNX Runtime session options: transformers.js's defaults.`,
    );
  }
  if (transformers.length > 0) {
    notes.push(
      "transformers.js F1: its token-classification pipeline has only aggregation 'none' and 'simple' and gives no character " +
        "offsets; the harness runs 'none' and tags each word as its first subword (the reference pipeline's 'first'), with offsets " +
        "from the native tokenizer (token ids checked equal for every text). 'average' needs probabilities the pipeline does not return.",
    );
  }
  for (const { spec, result } of run.measured) {
    const f1s = result.f1ByRound ?? [];
    if (new Set(f1s).size > 1) {
      notes.push(`${spec.label}: F1 differed between rounds (${f1s.map((f) => num(f, 4)).join(', ')}); the tables show the first round's.`);
    }
  }
  const { crfTraining } = run;
  if (crfTraining) {
    notes.push(
      `CRF: trained on ${run.crfIsFull ? 'all' : 'the first'} ${num(crfTraining.sentences)} sentences of eng.train (IOB2) with ` +
        `${crfTraining.iterations} L-BFGS iterations in ${num(crfTraining.seconds)} s${run.crfTrainedNow ? '' : ' (cached, not part of this run)'}; ` +
        'features: word, lowercase, prefixes and suffixes up to 3, short shape, title/upper/digit flags, for the word and two either side. ' +
        'It sees gold word boundaries (text split on spaces).' +
        (run.crfIsFull ? '' : ' **A reduced --quick model.**'),
    );
  }
  if (run.concurrency) {
    notes.push(
      `Concurrency: ${num(run.settings.sentences)} single-sentence extract calls per pass, four passes in one process per round ` +
        `(one call of every sentence, then one by one, ${run.concurrency.callers} concurrent callers, waves), median over rounds; ` +
        "'of one call' is the median over rounds of each pass against that round's one call.",
    );
  }
  if (run.tokenizerRounds) {
    notes.push(
      'Tokenizers: over the test texts on the JS thread for at least 1 s each per round, median over rounds; tokens without ' +
        'special tokens. native-ner: Tokenizer.countTokens (one native call, no result objects). Hugging Face: the npm package ' +
        '`tokenizers` (its Rust library), encodeBatch with RAYON_NUM_THREADS=1, reading each Encoding\'s length.',
    );
    const differing = [...new Set(run.tokenizerRounds.filter((r) => !r.sameCount).map((r) => r.model))];
    if (differing.length > 0) notes.push(`**Warning: the two libraries counted different tokens for ${differing.join(', ')}.**`);
  }
  return [...notes, ...run.childOutput];
}

async function main() {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
  const quick = values.quick ?? false;
  const only = values.only?.split(',').map((id) => id.trim());
  checkInputs();
  const addon = await describeAddon();
  process.stderr.write(`bench: ${addonLine(addon).replace(/\*\*|`/g, '')}\n`);

  const { dataset, texts } = loadTestSet(quick ? QUICK_SENTENCES : undefined);
  /** @type {Settings} */
  const settings = { quick, sentences: texts.length, ...(quick ? QUICK_SETTINGS : FULL_SETTINGS) };
  const stats = loadEval().datasetStats(dataset);
  const { Tokenizer } = loadProject();
  const tokenizer = Tokenizer.fromFile(join(modelDir, 'tokenizer.json'));
  const modelTokens = texts.reduce((sum, text) => sum + tokenizer.encode(text).ids.length, 0);

  const crf = planCrf(quick);
  ensureHfModelLayout();
  const specs = systemSpecs(settings, crf).filter(
    (spec) => !only || only.includes(spec.id) || (spec.kind === 'crf-train' && (only.includes('crf') || only.includes('cascade'))),
  );
  const { measured, failures, childOutput, otherCpuShare } = await runSystems(specs, settings.rounds);
  // Latency under load: the HTTP servers driven at fixed request rates (bench/systems/serve-load.mjs).
  const serveLoad =
    !only || only.includes('serve-load')
      ? await runServeLoad({ quick, texts, transformersVersion: packageVersion('@huggingface/transformers') ?? 'unknown' })
      : null;
  for (const failure of serveLoad?.failures ?? []) failures.push({ ...failure, label: `serve load: ${failure.label}` });

  const resultOf = (/** @type {string} */ id) => measured.find(({ spec }) => spec.id === id)?.result;
  const trained = resultOf('crf-train')?.training;
  const crfInfoPath = `${crf.path}.json`;
  if (trained) writeAtomically(crfInfoPath, `${JSON.stringify(trained, null, 2)}\n`);
  const crfTraining = trained ?? (existsSync(crfInfoPath) ? JSON.parse(readFileSync(crfInfoPath, 'utf8')) : null);

  const rows = toRows(measured, { sentences: texts.length, modelTokens });
  const concurrency = concurrencyOf(resultOf('concurrency')?.concurrency, texts.length, rows);
  const tokenizerRounds = resultOf('tokenizer')?.tokenizer?.rounds;
  const tokenizerSpeeds = tokenizerSpeedsOf(tokenizerRounds);
  const segmentation = segmentationOf(resultOf('segmentation')?.segmentation?.rows);
  const rulesStage = rulesOf(resultOf('rules')?.rules);
  const pii = piiOf(resultOf('pii')?.pii);
  const cascade = cascadeOf(resultOf('cascade')?.cascade);
  const targets = targetsOf(rows, concurrency, tokenizerSpeeds, { project: ortVersion('project'), previous: ortVersion('previous') }, segmentation, rulesStage, pii);
  // How close to the hardware: native-ner's arithmetic rate against a large MatMul's (a few seconds, own process).
  const hardware = await measureHardware(measured, texts).catch((/** @type {unknown} */ error) => {
    failures.push({ id: 'hardware', label: 'hardware table (MatMul peak)', error: error instanceof Error ? error.message : String(error) });
    return null;
  });

  const git = gitState();
  const version = /** @type {{ version: string }} */ (requireFromRepo('./package.json')).version;
  const cpu = cpus();
  const machine = `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}`;
  const date = new Date().toISOString().slice(0, 10);
  const flags = [...(quick ? ['--quick'] : []), ...(only ? [`--only=${only.join(',')}`] : [])];
  const command = `npm run bench${flags.length > 0 ? ` -- ${flags.join(' ')}` : ''}`;
  const loadedAddons = [...new Set(measured.flatMap(({ result }) => result.addons ?? []))];
  const header = [
    `\`${command}\`, ${date}, native-ner ${version} at ${git.commit}${git.dirty ? ' (with uncommitted changes)' : ''}; ${machine}.`,
    addonLine(addon),
    `Data: CoNLL-2003 test${quick ? `, ${texts.length} of its sentences spread evenly (--quick)` : ''}: ${num(stats.sentences)} sentences, ` +
      `${num(stats.entities)} gold entities, ${num(modelTokens)} model tokens ([CLS]/[SEP] included, no padding; tokens/s divides this same count for every system).`,
    `Method: ${settings.rounds === 1 ? '1 round' : `${settings.rounds} rounds`}; in each, every system runs in a fresh process of its own, ` +
      `one at a time: a warm-up, one timed pass over all sentences, then its share of ${settings.latencySamples} single-sentence requests ` +
      `(one at a time, spread over the set). Throughput is ${settings.rounds === 1 ? 'that pass' : 'the median over rounds'}; ` +
      'p50/p95 pool all requests; peak RSS is the highest ' +
      `process high-water mark (Node and the test set included: ${baselineRange(measured.map(({ result }) => result.baselineRssMB))} MB ` +
      'before a system loads).',
  ];
  if (otherCpuShare !== null) header.push(`Other processes used ${num(100 * otherCpuShare, 1)}% of the machine's CPU time during the run.`);
  const notes = notesOf({
    measured,
    settings,
    concurrency,
    tokenizerRounds,
    crfTraining,
    crfTrainedNow: trained !== undefined,
    crfIsFull: crf.training === FULL_TRAINING,
    otherCpuShare,
    stats,
    childOutput,
    addon,
    loadedAddons,
  });

  const markdown = toMarkdown({ header, rows, concurrency, tokenizerSpeeds, segmentation, rules: rulesStage, pii, cascade, targets, serveLoad, hardware, notes, failures });
  process.stdout.write(markdown);

  // Only a full run of every system replaces the committed results.
  const outDir = quick ? quickResultsDir : only ? partialResultsDir : resultsDir;
  const json = {
    command,
    date: new Date().toISOString(),
    git,
    addon: { ...addon, loadedBySystems: loadedAddons },
    machine: { cpu: cpu[0]?.model.trim(), cores: cpu.length, memoryGiB: totalmem() / 2 ** 30, os: `Linux ${release()}`, node: process.version },
    versions: {
      'native-ner': version,
      'onnxruntime-node': packageVersion('onnxruntime-node'),
      '@huggingface/transformers': packageVersion('@huggingface/transformers'),
      'onnxruntime-node (previous pin, onnxruntime-node-1.29)': ortVersion('previous'),
      crfsuite: packageVersion('crfsuite'),
    },
    dataset: { file: relative(repoRoot, testFile), ...stats, modelTokens },
    settings,
    systems: measured.map(({ spec, result }) => {
      const row = rows.find((r) => r.id === spec.id);
      return { label: spec.label, spec, ...result, sentencesPerSecond: row?.sentencesPerSecond, tokensPerSecond: row?.tokensPerSecond };
    }),
    concurrency,
    tokenizerSpeeds,
    segmentation,
    rules: rulesStage,
    pii,
    cascade,
    otherCpuShare,
    serveLoad,
    crfTraining,
    targets,
    hardware,
    notes,
    failures,
  };
  writeAtomically(join(outDir, 'bench.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeAtomically(join(outDir, 'bench.md'), markdown);
  if (rows.length > 0) writeAtomically(join(outDir, 'bench.svg'), toSvg(rows, `${num(texts.length)} sentences · ${machine} · ${date}`));
  process.stderr.write(`bench: wrote ${relative(repoRoot, outDir)}/bench.{json,md${rows.length > 0 ? ',svg' : ''}}\n`);
  if (failures.length > 0) {
    for (const failure of failures) process.stderr.write(`\nbench: ${failure.label} failed:\n${failure.error}\n`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
