// The PII evaluation with the model: redact() over 1,000 texts of the generated set (names from CoNLL-2003 test),
// the checksum targets of issue 13, the hard negatives, and `native-ner eval --pii`. The set and its scoring on
// hand-made input are in unit/pii.test.ts.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkPiiTargets,
  evaluatePii,
  extractRedactor,
  generatePiiSet,
  loadRules,
  namePools,
  PII_LABELS,
  PII_RULES,
  readConll,
  type PiiEvaluation,
} from '../lib';
import { CONLL_MODEL, runCli, SHARED, useModel } from './helpers';

const TEST_FILE = join(SHARED, 'datasets', 'conll2003', 'eng.testb');
const RECORDS = 1000;

describe('PII evaluation with conll03-bert-small', () => {
  const ner = useModel(CONLL_MODEL);
  const records = generatePiiSet(namePools(readConll(TEST_FILE)), { records: RECORDS });
  let evaluation: PiiEvaluation | undefined;
  const evaluated = async () => (evaluation ??= await evaluatePii(ner(), records));

  it('meets the targets of the checksum-validated types: CREDIT_CARD and IBAN precision and recall ≥ 0.99', async () => {
    const { scores } = await evaluated();
    for (const label of ['CREDIT_CARD', 'IBAN']) {
      const score = scores.byType[label];
      expect(score.gold, label).toBeGreaterThan(150);
      expect(score.precision, label).toBeGreaterThanOrEqual(0.99);
      expect(score.recall, label).toBeGreaterThanOrEqual(0.99);
      // Nothing of a card number or an IBAN is left in the redacted text.
      expect(score.charsLeft, label).toBe(0);
      expect(score.verbatim, label).toBe(0);
    }
    expect(checkPiiTargets(scores).slice(0, 2).every((check) => check.met)).toBe(true);
  });

  // A match starting after a space inside a longer run of digit groups (CREDIT_CARD "5785 0643 9327" in the
  // Luhn-failing "4022 5785 0643 9327", PHONE_NUMBER "0164 5436 78" in an IBAN with wrong check digits) was the
  // fault this guards against.
  it('redacts none of the hard negatives with the rules', async () => {
    const { scores } = await evaluated();
    expect(scores.negatives.total).toBeGreaterThan(600);
    expect(scores.negatives.redactedByRules).toBe(0);
  });

  it('redacts exactly what extract finds, merged by the outermost span and replaced with <LABEL>', async () => {
    const texts = records.map((r) => r.text);
    const options = { rules: await loadRules(PII_RULES), labels: [...PII_LABELS] };
    const redacted = await ner().redact(texts, options);
    const fromEntities = await extractRedactor(ner()).redact(texts, options);
    const plain = (r: { text: string; items: readonly { label: string; start: number; end: number; source?: string }[] }) => ({
      text: r.text,
      items: r.items.map(({ label, start, end, source }) => ({ label, start, end, source })),
    });
    expect(redacted.map(plain)).toEqual(fromEntities.map(plain));
    expect(redacted.every((r) => r.items.every((item) => item.operator === 'replace'))).toBe(true);
  });
});

describe('native-ner eval --pii', () => {
  it('prints the table of every type, the hard negatives and the targets', () => {
    const run = runCli(['eval', '--model', CONLL_MODEL, '--pii', TEST_FILE]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^PII set: 3000 texts \(seed 1, names from .*eng\.testb\), every built-in recognizer/);
    for (const label of PII_LABELS) {
      expect(run.stdout).toMatch(new RegExp(`^${label}\\s+\\d+\\s+\\d+(\\s+\\d\\.\\d{4}){5}\\s+\\d+$`, 'm'));
    }
    expect(run.stdout).toMatch(/^hard negatives redacted: \d+ of \d+ \(.*card number failing Luhn \d+\/\d+/m);
    expect(run.stdout).toMatch(/^ {2}met {4} {2}CREDIT_CARD precision ≥ 0\.99 and recall ≥ 0\.99: /m);
    expect(run.stdout).toMatch(/^ {2}met {4} {2}IBAN precision ≥ 0\.99 and recall ≥ 0\.99: /m);
  });

  it('asks for exactly one dataset', () => {
    const run = runCli(['eval', '--model', CONLL_MODEL, '--pii', TEST_FILE, '--conll', TEST_FILE]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/give one of --conll FILE, --jsonl FILE or --pii FILE/);
  });
});
