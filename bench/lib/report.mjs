// Turns the children's raw timings into rates, the project's target ratios, and the Markdown that is printed and
// written to bench/results/bench.md (which docs/benchmarks.md links).
import { median } from './stats.mjs';
import { serveLoadMarkdown } from './serve-load-report.mjs';

/** @typedef {import('./types.js').Measured} Measured */
/** @typedef {import('./types.js').SystemSpec} SystemSpec */

/**
 * @typedef {object} Row a system of the main table
 * @property {string} id
 * @property {string} label
 * @property {SystemSpec['kind']} kind
 * @property {number} sentencesPerSecond
 * @property {number} tokensPerSecond
 * @property {Measured} result
 */

/**
 * @typedef {object} Target
 * @property {string} measure
 * @property {number | null} value null when a system it needs did not run
 * @property {string} shown
 * @property {string} target
 * @property {boolean | null} met
 */

/**
 * Single-sentence calls (bench/systems/native-ner.mjs, measureConcurrency), in sentences/s: medians over rounds.
 * `concurrentShare` is the median over rounds of concurrent / one call, both measured in the same process.
 * @typedef {object} Concurrency
 * @property {number} callers
 * @property {number} sequential
 * @property {number} concurrent
 * @property {number} waves
 * @property {number} oneCall
 * @property {number} capped one call with batchSize capped at the concurrent pass's mean batch
 * @property {number} cappedRows that cap (median over rounds)
 * @property {number} cappedShare median over rounds of capped / one call
 * @property {number} concurrentShare
 * @property {number | null} batched the native-fp32 row (its own process)
 * @property {{ concurrent: PassShape; oneCall: PassShape }} shape engine counters of the first round's passes
 */

/**
 * @typedef {object} PassShape
 * @property {number} batches
 * @property {number} rowsPerBatch
 * @property {number} padding padded over real tokens
 * @property {number} inferenceSeconds
 * @property {number} decodeSeconds
 */

/**
 * @typedef {object} TokenizerSpeed
 * @property {string} model WordPiece, BPE or Unigram
 * @property {number} native native-ner's tokens/s on one thread
 * @property {number} reference Hugging Face tokenizers' tokens/s on one thread (Node binding)
 */

/**
 * @typedef {object} SegmentationScore one sentence splitter on one dataset of documents (bench/systems/segmentation.mjs)
 * @property {string} dataset
 * @property {number} documents
 * @property {string} splitter
 * @property {string} label
 * @property {number} tp
 * @property {number} predicted
 * @property {number} gold
 * @property {number} precision
 * @property {number} recall
 * @property {number} f1
 * @property {number} mbPerSecond median over rounds, UTF-8 text on the JS thread
 */

/**
 * @typedef {object} RulesSummary the rules stage (bench/systems/rules.mjs), medians over rounds and pairs
 * @property {{ phrases: number; seconds: number; fileMB: number; runs: number }[]} loads loadRules() per list size
 * @property {number} listPhrases the list extraction ran with
 * @property {number} listEntities entities that list gave over the test sentences
 * @property {number} withoutSeconds one extract call of every test sentence, no rules
 * @property {number} withSeconds the same with the list
 * @property {number} ratio median over pairs of with / without
 * @property {number} pairs
 */

/**
 * @typedef {object} PiiSummary PII redaction (bench/systems/pii.mjs): the first round's scores, speeds as medians
 * @property {number} texts
 * @property {number} seed
 * @property {import('./types.js').PiiResult['byType']} byType
 * @property {import('./types.js').PiiResult['overall']} overall
 * @property {import('./types.js').PiiResult['negatives']} negatives
 * @property {import('./types.js').PiiResult['targets']} targets
 * @property {number} extractPerSecond texts/s of one extract call of every text
 * @property {number} redactPerSecond texts/s of one redact call of every text
 * @property {number} share median over pairs of redact's texts/s over extract's
 * @property {number} pairs
 */

/**
 * @typedef {object} CascadeSummary cascades (bench/systems/cascade.mjs): first-round scores, sentences/s as medians
 * @property {number} texts
 * @property {'minProb' | 'score'} signal what judged the BERT tiers
 * @property {{ name: string; alone: { tier: string; f1: number; perSecond: number; perCpuSecond: number }[]; rows: { threshold: number; escalatedShare: number; degraded: number; f1: number; perSecond: number; perCpuSecond: number }[]; runs: number }[]} pairs
 */

/**
 * @typedef {object} Report
 * @property {string[]} header lines above the tables
 * @property {Row[]} rows
 * @property {Concurrency | null} concurrency
 * @property {TokenizerSpeed[]} tokenizerSpeeds
 * @property {SegmentationScore[]} [segmentation]
 * @property {RulesSummary | null} [rules]
 * @property {PiiSummary | null} [pii]
 * @property {CascadeSummary | null} [cascade]
 * @property {Target[]} targets
 * @property {import('./types.js').ServeLoadResult | null} [serveLoad] latency under load (bench/systems/serve-load.mjs)
 * @property {string[]} notes
 * @property {{ id: string; label: string; error: string }[]} failures
 * @property {import('./types.js').Hardware | null} [hardware] the model's arithmetic rate against a MatMul's
 */

const TABLE_KINDS = new Set(['native', 'ort-loop', 'transformers', 'crf']);

/**
 * @param {{ spec: SystemSpec; result: Measured }[]} measured
 * @param {{ sentences: number; modelTokens: number }} counts
 */
export function toRows(measured, { sentences, modelTokens }) {
  return measured
    .filter(({ spec, result }) => TABLE_KINDS.has(spec.kind) && result.runSeconds)
    .map(({ spec, result }) => {
      const seconds = median(result.runSeconds ?? []);
      return {
        id: spec.id,
        label: spec.label,
        kind: spec.kind,
        sentencesPerSecond: sentences / seconds,
        tokensPerSecond: modelTokens / seconds,
        result,
      };
    });
}

/** @param {number} value @param {number} [digits] */
const num = (value, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/**
 * The ratios the project sets targets for. Speed ratios use native-ner's default decoding (viterbi, average),
 * except against the bare loop, where its faster decoding of the two counts, as the floor is the model alone.
 * @param {Row[]} rows
 * @param {Report['concurrency']} concurrency
 * @param {TokenizerSpeed[]} tokenizerSpeeds
 * @param {{ project: string; previous: string }} ortVersions the CPU path's ONNX Runtime and the previous pin
 * @param {SegmentationScore[]} [segmentation] the sentence splitters' scores (issue 12's targets for native-ner's)
 * @param {RulesSummary | null} [rules] the rules stage's costs (issue 12's targets)
 * @param {PiiSummary | null} [pii] PII redaction (issue 13's targets)
 * @returns {Target[]}
 */
export function targetsOf(rows, concurrency, tokenizerSpeeds, ortVersions, segmentation = [], rules = null, pii = null) {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const speed = (/** @type {string} */ id) => byId.get(id)?.sentencesPerSecond;
  const fastest = (/** @type {string[]} */ ids) => {
    const speeds = ids.map(speed).filter((s) => s !== undefined);
    return speeds.length === ids.length ? Math.max(...speeds) : undefined;
  };
  const f1 = (/** @type {string} */ id) => byId.get(id)?.result.scores?.overall.f1;

  /** @param {string} measure @param {number | undefined} value @param {number} atLeast */
  const ratio = (measure, value, atLeast) => ({
    measure,
    value: value ?? null,
    shown: value === undefined ? 'n/a' : `${num(value, 2)}×`,
    target: `≥ ${atLeast}×`,
    met: value === undefined ? null : value >= atLeast,
  });
  const over = (/** @type {number | undefined} */ a, /** @type {number | undefined} */ b) =>
    a === undefined || b === undefined ? undefined : a / b;

  const int8F1 = f1('native-int8');
  const fp32F1 = f1('native-fp32');
  const f1Delta = int8F1 === undefined || fp32F1 === undefined ? undefined : 100 * (int8F1 - fp32F1);
  return [
    ratio('native-ner fp32 / bare ORT loop fp32 (throughput, faster decoding)', over(fastest(['native-fp32', 'native-fp32-argmax']), speed('ort-fp32')), 0.95),
    ratio('native-ner int8 / bare ORT loop int8 (throughput, faster decoding)', over(fastest(['native-int8', 'native-int8-argmax']), speed('ort-int8')), 0.95),
    ratio('native-ner int8 / transformers.js int8 (throughput)', over(speed('native-int8'), speed('transformers-int8')), 4),
    ratio('native-ner fp32 / transformers.js fp32 (throughput)', over(speed('native-fp32'), speed('transformers-fp32')), 1.6),
    ratio('native-ner int8 / native-ner fp32 (throughput)', over(speed('native-int8'), speed('native-fp32')), 3),
    {
      measure: 'F1 of native-ner int8 − fp32 (points)',
      value: f1Delta ?? null,
      shown: f1Delta === undefined ? 'n/a' : `${f1Delta >= 0 ? '+' : '−'}${num(Math.abs(f1Delta), 2)}`,
      target: 'within ±0.5',
      met: f1Delta === undefined ? null : Math.abs(f1Delta) <= 0.5,
    },
    ratio(
      `${concurrency?.callers ?? 64} concurrent callers / one call of every sentence (native-ner fp32, same process)`,
      concurrency?.concurrentShare,
      0.9,
    ),
    ratio(
      `${concurrency?.callers ?? 64} concurrent / sequential single-sentence calls (native-ner fp32)`,
      concurrency ? concurrency.concurrent / concurrency.sequential : undefined,
      3,
    ),
    ratio(`native-ner fp32 on ORT ${ortVersions.project} / on ORT ${ortVersions.previous} (throughput)`, over(speed('native-fp32'), speed('native-fp32-ort-previous')), 1),
    ratio(`native-ner int8 on ORT ${ortVersions.project} / on ORT ${ortVersions.previous} (throughput)`, over(speed('native-int8'), speed('native-int8-ort-previous')), 1),
    ...(tokenizerSpeeds.length === 0 ? [{ model: 'WordPiece', native: null }] : tokenizerSpeeds).map(({ model, native }) => ({
      measure: `${model} tokenizer alone, one thread (tokens/s)`,
      value: native,
      shown: native === null ? 'n/a' : `${num(native / 1e6, 2)} M`,
      target: '≥ 5 M',
      met: native === null ? null : native >= 5e6,
    })),
    ...segmentationTargets(segmentation),
    ...rulesTargets(rules),
    ...piiTargets(pii),
  ];
}

/**
 * Issue 13's goals: card numbers and IBANs found with precision and recall ≥ 0.99, no hard negative redacted by the
 * rules, and redact at ≥ 90% of extract's texts/s.
 * @param {PiiSummary | null} pii
 * @returns {Target[]}
 */
function piiTargets(pii) {
  const checks = (pii?.targets ?? []).map((check) => ({
    measure: `PII set: ${check.target.replace(/ [≥=] [\d.]+/g, '')}`,
    value: null,
    shown: check.measured,
    target: check.target.match(/[≥=] [\d.]+/g)?.join(', ') ?? '',
    met: check.met,
  }));
  return [
    ...checks,
    {
      measure: 'PII set: redact / extract texts/s (native-ner fp32, rules, one call)',
      value: pii?.share ?? null,
      shown: pii ? `${num(100 * pii.share, 1)}%` : 'n/a',
      target: '≥ 90%',
      met: pii ? pii.share >= 0.9 : null,
    },
  ];
}

/**
 * Issue 12's goals for the rules stage: 1,000,000 phrases load in under 5 s; a 100,000-phrase list costs extract
 * under 10% more time than no rules.
 * @param {RulesSummary | null} rules
 * @returns {Target[]}
 */
function rulesTargets(rules) {
  const million = rules?.loads.find((l) => l.phrases === 1_000_000);
  const overhead = rules ? rules.ratio - 1 : null;
  return [
    {
      measure: 'phrase list load, 1,000,000 phrases (s)',
      value: million?.seconds ?? null,
      shown: million ? num(million.seconds, 2) : 'n/a',
      target: '< 5',
      met: million ? million.seconds < 5 : null,
    },
    {
      measure: `extract time with a ${num(rules?.listPhrases ?? 100_000)}-phrase list over without (native-ner fp32, one call)`,
      value: overhead,
      shown: overhead === null ? 'n/a' : `${overhead >= 0 ? '+' : '−'}${num(Math.abs(100 * overhead), 1)}%`,
      target: '< +10%',
      met: overhead === null ? null : overhead < 0.1,
    },
  ];
}

/**
 * Issue 12's goals for native-ner's splitter: CoNLL-2003 documents F1 ≥ 0.65 with precision ≥ 0.95, GENIA abstracts
 * F1 ≥ 0.995, over 10 MB/s on each.
 * @param {SegmentationScore[]} segmentation
 * @returns {Target[]}
 */
function segmentationTargets(segmentation) {
  const ours = segmentation.filter((s) => s.splitter === 'native-ner');
  const conll = ours.find((s) => s.dataset.startsWith('CoNLL'));
  const genia = ours.find((s) => s.dataset.startsWith('GENIA'));
  const slowest = ours.length > 0 ? Math.min(...ours.map((s) => s.mbPerSecond)) : null;
  return [
    {
      measure: 'sentence boundaries, CoNLL-2003 test documents (F1, precision)',
      value: conll?.f1 ?? null,
      shown: conll ? `${num(conll.f1, 3)}, ${num(conll.precision, 3)}` : 'n/a',
      target: 'F1 ≥ 0.65 with precision ≥ 0.95',
      met: conll ? conll.f1 >= 0.65 && conll.precision >= 0.95 : null,
    },
    {
      measure: 'sentence boundaries, GENIA test abstracts (F1)',
      value: genia?.f1 ?? null,
      shown: genia ? num(genia.f1, 4) : 'n/a',
      target: '≥ 0.995',
      met: genia ? genia.f1 >= 0.995 : null,
    },
    {
      measure: 'sentence segmentation speed, slowest dataset (MB/s, JS thread)',
      value: slowest,
      shown: slowest === null ? 'n/a' : num(slowest, 1),
      target: '> 10',
      met: slowest === null ? null : slowest > 10,
    },
  ];
}

/** @param {string[]} cells */
const tableRow = (cells) => `| ${cells.join(' | ')} |`;

/** @param {string[]} head @param {string[][]} body @param {string} [align] one of l/r per column */
function table(head, body, align = '') {
  const rule = head.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [tableRow(head), tableRow(rule), ...body.map(tableRow)].join('\n');
}

/**
 * "How close to the hardware": the model's multiply-adds, the rate native-ner ran them at, and a large MatMul's.
 * @param {import('./types.js').Hardware} hw
 */
export function hardwareSection(hw) {
  const c = hw.config;
  const unit = (/** @type {string} */ precision) => (precision === 'int8' ? 'GOP/s' : 'GFLOP/s');
  const share = (/** @type {number | null} */ v) => (v === null ? 'n/a' : `${num(100 * v, 1)}%`);
  const intro =
    `**How close to the hardware.** Model arithmetic (matrix products only), in multiply-adds (MACs; 1 MAC = 2 operations): ` +
    `${hw.formula}, with H = ${c.hiddenSize}, I = ${c.intermediateSize}, ${c.layers} layers, ${c.heads} heads, C = ${c.labels} labels ` +
    `(max ${c.maxPositions} positions): ${num(hw.macsPerToken.dense)} + ${num(hw.macsPerToken.attentionPerLength)}·L MACs per token. ` +
    `On these ${num(hw.lengths.texts)} texts (${num(hw.lengths.tokens)} tokens, mean L ${num(hw.lengths.mean, 1)}, max ${num(hw.lengths.max)}) ` +
    `that is ${num(hw.macsPerToken.meanReal)} MACs per real token, ${num((2 * hw.macsPerToken.meanReal) / 1e6, 2)} MFLOP.`;
  const body = hw.rows.map((r) => [
    r.label,
    num(r.tokensPerSecond),
    `${num(r.realGops, 1)} ${unit(r.precision)}`,
    `${num(r.paddedTokensPerSecond)} (×${num(r.paddedTokens / r.engineTokens, 3)})`,
    `${num(r.paddedGops, 1)} ${unit(r.precision)}`,
    r.peakGops === null ? 'n/a' : `${num(r.peakGops, 1)} ${unit(r.precision)}`,
    share(r.realShare),
    share(r.paddedShare),
  ]);
  const peaks = hw.peaks
    .map((p) => `${p.kind}: ${p.op} [${p.m},${p.k}]×[${p.k},${p.n}], median of ${p.runs} runs ${num(1000 * p.secondsPerRun, 2)} ms = ${num(p.gops, 1)} ${unit(p.kind)}`)
    .join('; ');
  const explanation =
    `Peak: one large matrix multiply in onnxruntime-node on ONNX Runtime's default intra-op threads (one per physical core, ` +
    `${hw.physicalCores} here), as native-ner's run: ${peaks}. Share of peak = the model's arithmetic per second in the timed pass ` +
    '(end to end: tokenizing and decoding included) over that rate; the padded column also counts the work done on padding ' +
    '(stats().paddedTokens; its attention part estimated). A share of 50% means native-ner ran the model\'s matrix products at ' +
    'half the rate this CPU sustains on one large matrix multiply; the rest goes to the model\'s small matrices (H = ' +
    `${c.hiddenSize}, short texts), its other operators (layer norms, softmax, GELU; in int8 also quantizing the activations, and ` +
    'attention in fp32) and the engine\'s own work.';
  return [
    intro,
    table(
      ['system', 'tokens/s', 'rate on real tokens', 'padded tokens/s (×padding)', 'rate on padded tokens', 'MatMul peak', 'share of peak, real', 'share of peak, padded'],
      body,
      'lrrrrrrr',
    ),
    explanation,
  ].join('\n\n');
}

/**
 * The rules stage: load times per list size, spaCy's quoted figures for scale, and the matching overhead.
 * @param {RulesSummary} rules
 */
function rulesSection(rules) {
  const loads = rules.loads.map((l) => [
    `loadRules(), ${num(l.phrases)} phrases (JSON lines, ${num(l.fileMB, 1)} MB)`,
    `${num(l.seconds, 2)} s`,
    `median of ${l.runs}`,
  ]);
  const speed = (/** @type {number} */ seconds) => `${num(seconds, 2)} s`;
  return [
    table(
      ['rules stage', 'measured', 'how'],
      [
        ...loads,
        ["spaCy PhraseMatcher, 100,000 / 1,000,000 phrases, for scale", '3.1 s / 44 s', '**quoted from issue 12, not measured here**'],
        ['native-ner fp32 extract, all test sentences in one call, no rules', speed(rules.withoutSeconds), `median of ${rules.pairs}`],
        [`the same with a ${num(rules.listPhrases)}-phrase list (fill)`, speed(rules.withSeconds), `median of ${rules.pairs}`],
        ['with / without', `${num(rules.ratio, 3)}×`, `median of the ${rules.pairs} pairs' ratios`],
      ],
      'lrl',
    ),
    'Phrases: unique runs of 2–4 words of eng.train, generated deterministically, each with a label; loading reads, ' +
      'parses and builds the automaton (on a worker thread, timed from the JS call to its result). The overhead pairs ' +
      `run in one process, alternating which goes first; the list gave ${num(rules.listEntities)} entities on the test sentences.`,
  ].join('\n\n');
}

/**
 * The PII table: detection per type on the generated set, the hard negatives, and redact's speed against extract's.
 * @param {PiiSummary} pii
 */
function piiSection(pii) {
  const f = (/** @type {number} */ x) => num(x, 4);
  const rows = [...Object.entries(pii.byType), ['overall', pii.overall]].map(([type, s]) => {
    const score = /** @type {import('./types.js').PiiResult['overall']} */ (s);
    return [
      /** @type {string} */ (type),
      num(score.gold),
      num(score.predicted),
      f(score.precision),
      f(score.recall),
      f(score.overlapPrecision),
      f(score.overlapRecall),
      f(score.charsLeftShare),
      num(score.verbatim),
    ];
  });
  const kinds = Object.entries(pii.negatives.byKind).map(([kind, k]) => `${kind} ${k.redacted}/${k.total}`).join(', ');
  const sources = Object.entries(pii.negatives.bySource).map(([source, n]) => `${source} ${n}`).join(', ') || 'none';
  return [
    table(['PII type', 'gold', 'predicted', 'precision', 'recall', 'overlap P', 'overlap R', 'chars left', 'verbatim'], rows, 'lrrrrrrrr'),
    `Generated PII set (lib/eval/pii-dataset.ts, seed ${pii.seed}): ${num(pii.texts)} texts, names from eng.testb, redacted by ` +
      "native-ner fp32 with every built-in recognizer and the model's PER, ORG, LOC (`native-ner eval --pii`). Precision and " +
      'recall: exact spans (start, end, label); overlap: the same label sharing a character; chars left: share of gold PII ' +
      'characters no redaction covers; verbatim: gold values still in the redacted text. ' +
      `Hard negatives redacted: ${num(pii.negatives.redacted)} of ${num(pii.negatives.total)} (${kinds}; by source: ${sources}).`,
    table(
      ['PII set, one call of every text (native-ner fp32, rules)', 'texts/s', 'how'],
      [
        ['extract', num(pii.extractPerSecond), `median of ${pii.pairs}`],
        ['redact (default operator: replace with <LABEL>)', num(pii.redactPerSecond), `median of ${pii.pairs}`],
        ['redact / extract', `${num(100 * pii.share, 1)}%`, `median of the ${pii.pairs} pairs' ratios, alternating which goes first`],
      ],
      'lrl',
    ),
  ].join('\n\n');
}

/**
 * The risk–coverage table: per pair of tiers, each tier alone, then the cascade per threshold.
 * @param {CascadeSummary} cascade
 */
function cascadeSection(cascade) {
  const rows = cascade.pairs.flatMap((pair) => [
    ...pair.alone.map((a) => [`${pair.name}`, `${a.tier} alone`, '', num(a.f1, 4), num(a.perSecond), num(a.perCpuSecond)]),
    ...pair.rows.map((row) => [
      pair.name,
      `threshold ${row.threshold}`,
      `${num(100 * row.escalatedShare, 1)}%`,
      num(row.f1, 4),
      num(row.perSecond),
      num(row.perCpuSecond),
    ]),
  ]);
  const runs = cascade.pairs[0]?.runs ?? 1;
  return [
    table(['cascade (CoNLL-2003 test)', 'tier or threshold', 'escalated', 'F1', 'sentences/s', 'sentences/CPU s'], rows, 'llrrrr'),
    `cascade() over all ${num(cascade.texts)} test sentences in one run() call per threshold (${runs === 1 ? 'that pass' : `medians of ${runs} rounds`}; ` +
      'sentences/CPU s divides by the CPU time of every thread of the process, which a busy machine inflates less than wall time); ' +
      `every tier with one intra-op thread. A text escalates when its least confident entity is below the threshold; texts without ` +
      `entities stay. BERT tiers judged by their entities' ${cascade.signal}; the CRF (no probabilities in its binding) by a proxy: ` +
      'the lowest share, over its entities, of words eng.train has in an entity of the same type. Threshold 1: every text with an entity escalates.',
  ].join('\n\n');
}

/** @param {Report} report */
export function toMarkdown(report) {
  const { rows } = report;
  const f1Cell = (/** @type {Row} */ row) => (row.result.scores ? num(row.result.scores.overall.f1, 4) : 'n/a');
  const speedTable = table(
    ['system', 'F1', 'sentences/s', 'tokens/s', 'p50 ms', 'p95 ms', 'peak RSS MB'],
    rows.map((row) => [
      row.label,
      f1Cell(row),
      num(row.sentencesPerSecond),
      num(row.tokensPerSecond),
      num(row.result.latency?.p50 ?? NaN, 2),
      num(row.result.latency?.p95 ?? NaN, 2),
      num(row.result.peakRssMB),
    ]),
    'lrrrrrr',
  );

  const scored = rows.filter((row) => row.result.scores);
  const types = [...new Set(scored.flatMap((row) => Object.keys(row.result.scores?.byType ?? {})))].sort();
  const accuracyTable = table(
    ['system', 'precision', 'recall', 'F1', ...types.map((t) => `${t} F1`), 'tp', 'pred', 'gold'],
    scored.map((row) => {
      const { overall, byType } = /** @type {NonNullable<Measured['scores']>} */ (row.result.scores);
      return [
        row.label,
        num(overall.precision, 4),
        num(overall.recall, 4),
        num(overall.f1, 4),
        ...types.map((t) => (byType[t] ? num(byType[t].f1, 4) : 'n/a')),
        num(overall.tp),
        num(overall.pred),
        num(overall.gold),
      ];
    }),
    'lrrrrrrrrrr',
  );

  const sections = [report.header.join('\n\n')];
  if (rows.length > 0) sections.push(speedTable);
  if (scored.length > 0) sections.push(accuracyTable);
  const { concurrency } = report;
  if (concurrency) {
    const shape = (/** @type {PassShape} */ p) =>
      `${num(p.batches)} batches of ${num(p.rowsPerBatch, 1)} sentences, padding ×${num(p.padding, 3)}, ` +
      `${num(p.inferenceSeconds, 2)} s in ONNX Runtime, ${num(p.decodeSeconds, 2)} s decoding`;
    sections.push(
      table(
        ['native-ner fp32 (viterbi, average), one sentence per call, one process', 'sentences/s', 'of one call'],
        [
          ['sequential: each call awaited before the next', num(concurrency.sequential), `${num((100 * concurrency.sequential) / concurrency.oneCall)}%`],
          [`${concurrency.callers} concurrent callers, each sending its next sentence when its last returns`, num(concurrency.concurrent), `${num(100 * concurrency.concurrentShare)}%`],
          [`waves of ${concurrency.callers} calls awaited together (Promise.all), the engine drained between waves`, num(concurrency.waves), `${num((100 * concurrency.waves) / concurrency.oneCall)}%`],
          ['all sentences in one call', num(concurrency.oneCall), '100%'],
          [`all sentences in one call, batches capped at ${num(concurrency.cappedRows)} (the concurrent callers' mean batch)`, num(concurrency.capped), `${num(100 * concurrency.cappedShare)}%`],
        ],
        'lrr',
      ),
      `Where the concurrent callers' time goes (engine stats() of the first round): concurrent: ${shape(concurrency.shape.concurrent)}; ` +
        `one call: ${shape(concurrency.shape.oneCall)}.`,
    );
  }
  if (report.tokenizerSpeeds.length > 0) {
    sections.push(
      table(
        ['tokenizer alone, one thread', 'native-ner tokens/s', 'Hugging Face tokenizers (Node binding) tokens/s', 'ratio'],
        report.tokenizerSpeeds.map((t) => [t.model, `${num(t.native / 1e6, 2)} M`, `${num(t.reference / 1e6, 2)} M`, `${num(t.native / t.reference, 1)}×`]),
        'lrrr',
      ),
    );
  }
  if (report.segmentation && report.segmentation.length > 0) {
    sections.push(
      table(
        ['sentence segmentation (documents)', 'splitter', 'precision', 'recall', 'F1', 'boundaries found / gold', 'MB/s'],
        report.segmentation.map((s) => [
          `${s.dataset} (${num(s.documents)})`,
          s.label,
          num(s.precision, 4),
          num(s.recall, 4),
          num(s.f1, 4),
          `${num(s.tp)} of ${num(s.predicted)} / ${num(s.gold)}`,
          num(s.mbPerSecond, 1),
        ]),
        'llrrrrr',
      ) +
        '\n\nEach document\'s sentences joined by single spaces; a boundary is where a sentence other than the first starts. ' +
        'MB/s: UTF-8 text split on the JS thread, objects built (native-ner: sentences(), one native call per document).',
    );
  }
  if (report.rules) sections.push(rulesSection(report.rules));
  if (report.pii) sections.push(piiSection(report.pii));
  if (report.cascade) sections.push(cascadeSection(report.cascade));
  if (report.serveLoad) sections.push(serveLoadMarkdown(report.serveLoad));
  if (report.hardware) sections.push(hardwareSection(report.hardware));
  sections.push(
    table(
      ['measure', 'measured', 'target', 'status'],
      report.targets.map((t) => [t.measure, t.shown, t.target, t.met === null ? 'not measured' : t.met ? 'met' : '**missed**']),
      'lrll',
    ),
  );
  if (report.notes.length > 0) sections.push(report.notes.map((note) => `- ${note}`).join('\n'));
  if (report.failures.length > 0) {
    sections.push(['Failed:', ...report.failures.map((f) => `- ${f.label}: ${f.error.split('\n')[0]}`)].join('\n'));
  }
  return `${sections.join('\n\n')}\n`;
}

export { num };
