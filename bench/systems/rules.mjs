// The rules stage's costs (issue 12): how long phrase lists take to load, and what matching a 100,000-phrase list
// adds to extraction. The lists are generated deterministically into a temporary JSON-lines file: unique phrases of
// two to four words drawn from eng.train's running text (real words at their real frequencies, so the automaton
// walks partial matches on the test text and some phrases match whole, as a real list's would), each with a label. Loading is loadRules() on that file (read, parse, build the
// automaton). The overhead is native-ner fp32 (viterbi, average) over all test sentences in one extract call,
// without and with the list (mode fill, the lists' default), alternating in one process; the ratio is the median
// of each pair's with/without.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject, modelDir, trainFile } from '../lib/paths.mjs';

/** Phrase counts whose load time is measured; the largest is issue 12's target (under 5 s). */
export const LOAD_SIZES = [100_000, 1_000_000];
/** The list extraction runs with for the overhead (issue 12: under 10% more than without). */
export const OVERHEAD_PHRASES = 100_000;
const LABELS = ['PER', 'ORG', 'LOC', 'MISC'];

/** A small deterministic generator (mulberry32), so every run builds the same lists. */
function random(/** @type {number} */ seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Every word of eng.train in order (IOB2, word first on each line): a uniform draw from it follows word frequency. */
function trainWords() {
  const words = [];
  for (const line of readFileSync(trainFile, 'utf8').split(/\r?\n/)) {
    const word = line.split(' ')[0];
    if (word && word !== '-DOCSTART-') words.push(word);
  }
  return words;
}

/**
 * `count` unique phrases (compared case-insensitively, as the list matches them) as JSON lines {text, label}.
 * @param {number} count
 * @param {string[]} vocabulary words to draw from (repeats make a word likelier)
 */
export function phraseLines(count, vocabulary) {
  const next = random(12);
  const seen = new Set();
  const lines = [];
  while (lines.length < count) {
    const length = 2 + Math.floor(next() * 3);
    const words = Array.from({ length }, () => vocabulary[Math.floor(next() * vocabulary.length)]);
    const text = words.join(' ');
    const key = text.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    lines.push(JSON.stringify({ text, label: LABELS[Math.floor(next() * LABELS.length)] }));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * @param {string[]} texts the test sentences
 * @param {import('../lib/types.js').Settings} settings
 * @param {import('../lib/measure.mjs').Progress} progress
 * @returns {Promise<import('../lib/types.js').RulesResult>}
 */
export async function measureRules(texts, settings, progress) {
  const { NativeNer, loadRules } = loadProject();
  const dir = mkdtempSync(join(tmpdir(), 'native-ner-bench-rules-'));
  try {
    const vocabulary = trainWords();
    /** @type {import('../lib/types.js').RulesResult['loads']} */
    const loads = [];
    /** @type {Map<number, string>} */
    const files = new Map();
    for (const [i, phrases] of LOAD_SIZES.entries()) {
      progress((0.3 * i) / LOAD_SIZES.length, `generating and loading ${phrases.toLocaleString('en-US')} phrases`);
      const file = join(dir, `phrases-${phrases}.jsonl`);
      writeFileSync(file, phraseLines(phrases, vocabulary));
      files.set(phrases, file);
      const start = performance.now();
      const rules = await loadRules({ lists: [{ name: 'gazetteer', file }] });
      const seconds = (performance.now() - start) / 1000;
      if (rules.phraseCount !== phrases) throw new Error(`loaded ${rules.phraseCount} of ${phrases} phrases`);
      loads.push({ phrases, seconds, fileMB: statSync(file).size / 1e6 });
    }

    progress(0.3, 'loading the model');
    const ner = await NativeNer.load(modelDir, { modelFile: 'model.onnx' });
    const list = files.get(OVERHEAD_PHRASES) ?? join(dir, 'missing');
    const rules = await loadRules({ lists: [{ name: 'gazetteer', file: list }] });
    /** @type {import('../../dist/index.js').ExtractOptions} */
    const without = { decoding: 'viterbi', aggregation: 'average' };
    const withList = { ...without, rules };
    // Warm-up: both paths once, so neither pays for first-time allocations.
    await ner.extract(texts, without);
    const warm = await ner.extract(texts, withList);
    const listEntities = warm.flat().filter((e) => e.source !== 'model').length;

    const pairs = settings.quick ? 2 : 3;
    /** @type {number[]} */
    const withoutSeconds = [];
    /** @type {number[]} */
    const withSeconds = [];
    const timed = async (/** @type {import('../../dist/index.js').ExtractOptions} */ options) => {
      const start = performance.now();
      await ner.extract(texts, options);
      return (performance.now() - start) / 1000;
    };
    for (let pair = 0; pair < pairs; pair++) {
      progress(0.35 + (0.65 * pair) / pairs, `extract without and with ${OVERHEAD_PHRASES.toLocaleString('en-US')} phrases, pair ${pair + 1}/${pairs}`);
      // Alternating which goes first, so a drift of the machine's speed does not favour one side.
      if (pair % 2 === 0) {
        withoutSeconds.push(await timed(without));
        withSeconds.push(await timed(withList));
      } else {
        withSeconds.push(await timed(withList));
        withoutSeconds.push(await timed(without));
      }
    }
    await ner.dispose();
    return { loads, listPhrases: OVERHEAD_PHRASES, listEntities, withoutSeconds, withSeconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
