// The PII redaction row (issue 13). The generated PII set (lib/eval/pii-dataset.ts: templates filled with eng.testb's
// people, organisations and places and with generated e-mails, phones, cards, IBANs, addresses, dates; hard
// negatives beside them) redacted by native-ner fp32 with every built-in recognizer and the model's PER, ORG, LOC:
// the per-type detection table and the hard negatives. Then redact's speed against extract's on the same texts with
// the same options (rules loaded once), one call of every text each, alternating pairs in one process; issue 13's
// target is redact at ≥ 90% of extract's texts/s. Only scores leave the child, never the texts (CoNLL's licence).
import { loadProject, modelDir, testFile } from '../lib/paths.mjs';

/** Texts of the set: the CLI's (eval --pii) in a full run, fewer with --quick. */
export const PII_RECORDS = 3000;
const QUICK_RECORDS = 600;

/**
 * @param {import('../lib/types.js').Settings} settings
 * @param {import('../lib/measure.mjs').Progress} progress
 * @returns {Promise<import('../lib/types.js').PiiResult>}
 */
export async function measurePii(settings, progress) {
  const lib = loadProject();
  const records = lib.generatePiiSet(lib.namePools(lib.readConll(testFile)), { records: settings.quick ? QUICK_RECORDS : PII_RECORDS });
  const texts = records.map((r) => r.text);
  progress(0.02, 'loading the model and the rules');
  const ner = await lib.NativeNer.load(modelDir, { modelFile: 'model.onnx' });
  const rules = await lib.loadRules(lib.PII_RULES);
  /** @type {import('../../dist/index.js').RedactOptions} */
  const options = { rules, labels: [...lib.PII_LABELS] };

  progress(0.1, `redacting ${texts.length} texts and scoring`);
  const evaluation = await lib.evaluatePii(ner, records, { rules });
  const { byType, overall, negatives } = evaluation.scores;

  // Warm-up: both calls once, so neither pays for first-time allocations.
  await ner.extract(texts, options);
  await ner.redact(texts, options);
  const pairs = settings.quick ? 2 : 3;
  /** @type {number[]} */
  const extractSeconds = [];
  /** @type {number[]} */
  const redactSeconds = [];
  const timed = async (/** @type {() => Promise<unknown>} */ call) => {
    const start = performance.now();
    await call();
    return (performance.now() - start) / 1000;
  };
  const extract = () => ner.extract(texts, options);
  const redact = () => ner.redact(texts, options);
  for (let pair = 0; pair < pairs; pair++) {
    progress(0.3 + (0.7 * pair) / pairs, `extract and redact of ${texts.length} texts, pair ${pair + 1}/${pairs}`);
    // Alternating which goes first, so a drift of the machine's speed does not favour one side.
    if (pair % 2 === 0) {
      extractSeconds.push(await timed(extract));
      redactSeconds.push(await timed(redact));
    } else {
      redactSeconds.push(await timed(redact));
      extractSeconds.push(await timed(extract));
    }
  }
  await ner.dispose();
  return {
    texts: texts.length,
    seed: lib.DEFAULT_PII_SEED,
    byType,
    overall,
    negatives,
    targets: lib.checkPiiTargets(evaluation.scores),
    extractSeconds,
    redactSeconds,
  };
}
