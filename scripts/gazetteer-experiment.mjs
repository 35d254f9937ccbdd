#!/usr/bin/env node
// The gazetteer experiment of issue 12 (docs/accuracy.md "A gazetteer from eng.train"): a phrase list built from
// CoNLL-2003 eng.train (entity surface forms seen at least twice, always with one type), run after native-ner fp32
// (default Viterbi decoding) on CoNLL-2003 test in each mode, against the model alone. Reads ../shared in place; the
// list is written to a temporary directory and removed afterwards.
//
//   npm run build:ts && node scripts/gazetteer-experiment.mjs [--markdown]
//   NATIVE_NER_ADDON=/path/to/native_ner.node node scripts/gazetteer-experiment.mjs   (a particular build)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shared = join(root, '..', 'shared');
const trainFile = join(shared, 'datasets', 'conll2003', 'iob2', 'eng.train');
const testFile = join(shared, 'datasets', 'conll2003', 'eng.testb');
const modelDir = join(shared, 'models', 'conll03-bert-small');
const require = createRequire(import.meta.url);
const { NativeNer, loadRules } = require(join(root, 'dist', 'index.js'));
const { readConll, scoreDataset } = require(join(root, 'dist', 'eval', 'index.js'));

const MIN_COUNT = 2;

/** Surface forms of eng.train's entities seen at least MIN_COUNT times, always with one type. */
function buildGazetteer() {
  /** @type {Map<string, { count: number; types: Set<string> }>} */
  const forms = new Map();
  for (const sentence of readConll(trainFile).sentences) {
    for (const e of sentence.entities) {
      const text = sentence.text.slice(e.start, e.end);
      const form = forms.get(text) ?? { count: 0, types: new Set() };
      form.count++;
      form.types.add(e.label);
      forms.set(text, form);
    }
  }
  return [...forms]
    .filter(([, f]) => f.count >= MIN_COUNT && f.types.size === 1)
    .map(([text, f]) => ({ text, label: [...f.types][0] }))
    .sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
}

/** The configurations run: the model alone, then the list in each mode (case-insensitive, the lists' default). */
const RUNS = [
  { id: 'model', label: 'model alone' },
  { id: 'fill', label: 'list, fill', list: { mode: 'fill' } },
  { id: 'override', label: 'list, override', list: { mode: 'override' } },
  { id: 'veto', label: 'list, veto', list: { mode: 'veto' } },
  { id: 'fill-case', label: 'list, fill, caseSensitive', list: { mode: 'fill', caseSensitive: true } },
  { id: 'override-case', label: 'list, override, caseSensitive', list: { mode: 'override', caseSensitive: true } },
];

/**
 * What the list did to the model's entities in one run, against gold: entities it added (and how many were right),
 * model entities it removed (and how many of those were right), and its wrong entities' most common texts.
 */
function effectOf(dataset, modelPredictions, predictions) {
  const key = (e) => `${e.start}:${e.end}:${e.label}`;
  let added = 0, addedRight = 0, removed = 0, removedRight = 0;
  /** @type {Map<string, number>} */
  const wrong = new Map();
  dataset.sentences.forEach((sentence, i) => {
    const gold = new Set(sentence.entities.map(key));
    const before = new Set(modelPredictions[i].map(key));
    const after = new Set(predictions[i].map(key));
    for (const e of predictions[i]) {
      if (before.has(key(e))) continue;
      added++;
      if (gold.has(key(e))) addedRight++;
      else {
        const shown = `${sentence.text.slice(e.start, e.end)}/${e.label}`;
        wrong.set(shown, (wrong.get(shown) ?? 0) + 1);
      }
    }
    for (const e of modelPredictions[i]) {
      if (after.has(key(e))) continue;
      removed++;
      if (gold.has(key(e))) removedRight++;
    }
  });
  const topWrong = [...wrong].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([t, n]) => `${t} ×${n}`);
  return { added, addedRight, removed, removedRight, topWrong };
}

async function main() {
  const markdown = process.argv.includes('--markdown');
  const gazetteer = buildGazetteer();
  const byLabel = gazetteer.reduce((m, p) => m.set(p.label, (m.get(p.label) ?? 0) + 1), new Map());
  const dir = mkdtempSync(join(tmpdir(), 'native-ner-gazetteer-'));
  const file = join(dir, 'eng-train-gazetteer.jsonl');
  writeFileSync(file, `${gazetteer.map((p) => JSON.stringify(p)).join('\n')}\n`);
  try {
    const dataset = readConll(testFile);
    const texts = dataset.sentences.map((s) => s.text);
    const ner = await NativeNer.load(modelDir, { modelFile: 'model.onnx' });
    const results = [];
    let modelPredictions = null;
    for (const run of RUNS) {
      const rules = run.list ? await loadRules({ lists: [{ name: 'gazetteer', file, ...run.list }] }) : undefined;
      const predictions = await ner.extract(texts, rules ? { rules } : {});
      if (!modelPredictions) modelPredictions = predictions;
      const scores = scoreDataset(dataset, predictions);
      results.push({ ...run, scores, effect: run.list ? effectOf(dataset, modelPredictions, predictions) : null });
    }
    await ner.dispose();
    report(results, { phrases: gazetteer.length, byLabel, markdown });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(results, { phrases, byLabel, markdown }) {
  const f = (x) => x.toFixed(4);
  const types = Object.keys(results[0].scores.byType).sort();
  const labels = [...byLabel].sort().map(([l, n]) => `${l} ${n}`).join(', ');
  const head = ['run', 'P', 'R', 'F1', ...types.map((t) => `${t} F1`), 'ΔF1 (points)'];
  const base = results[0].scores.overall.f1;
  const rows = results.map(({ label, scores }) => [
    label,
    f(scores.overall.precision),
    f(scores.overall.recall),
    f(scores.overall.f1),
    ...types.map((t) => f(scores.byType[t].f1)),
    label === 'model alone' ? '' : `${scores.overall.f1 >= base ? '+' : '−'}${(100 * Math.abs(scores.overall.f1 - base)).toFixed(2)}`,
  ]);
  const byType = results.map(({ label, scores }) =>
    `${label}: ${types.map((t) => `${t} P ${f(scores.byType[t].precision)} R ${f(scores.byType[t].recall)}`).join('; ')}`,
  );
  const effects = results
    .filter((r) => r.effect)
    .map(({ label, effect: e }) =>
      `${label}: added ${e.added} entities (${e.addedRight} right), removed ${e.removed} model entities (${e.removedRight} of them right); ` +
        `most common wrong additions: ${e.topWrong.join(', ') || 'none'}`,
    );
  const lines = [`Gazetteer from eng.train: ${phrases} surface forms (seen at least ${MIN_COUNT} times, always one type): ${labels}.`, ''];
  if (markdown) {
    lines.push(`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`));
  } else {
    lines.push(head.join('\t'), ...rows.map((r) => r.join('\t')));
  }
  lines.push('', ...byType, '', ...effects);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error) => {
  process.stderr.write(`gazetteer-experiment: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
