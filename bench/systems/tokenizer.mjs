// The tokenizers alone, single-threaded, for each tokenizer model native-ner supports: native-ner's C++ tokenizer
// (Tokenizer.countTokens encodes every text without building results) beside Hugging Face's own library through
// its Node binding (the npm package `tokenizers`: encodeBatch on one Rayon thread, its Encoding objects included,
// as a Node user would call it). Tokens are counted without special tokens; both must count the same.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadProject, repoRoot, sharedDir } from '../lib/paths.mjs';

// Read by Rayon when the binding first runs in parallel: one worker, as native-ner's countTokens uses one thread.
process.env.RAYON_NUM_THREADS = '1';

const MIN_ROUND_SECONDS = 1;

/** The tokenizer.json of each model kind, from the shared models. */
/** @type {{ model: import('../lib/types.js').TokenizerRound['model']; file: string }[]} */
export const TOKENIZERS = [
  { model: 'WordPiece', file: join(sharedDir, 'models', 'conll03-bert-small', 'tokenizer.json') },
  { model: 'BPE', file: join(sharedDir, 'models', 'conll03-roberta-tiny', 'tokenizer.json') },
  { model: 'Unigram', file: join(sharedDir, 'models', 'conll03-xlmr-tiny', 'tokenizer.json') },
];

/**
 * Calls `pass` (which returns the tokens it encoded) over and over for at least MIN_ROUND_SECONDS.
 * @param {() => Promise<number> | number} pass
 */
async function rate(pass) {
  await pass();
  let tokens = 0;
  let seconds = 0;
  const start = performance.now();
  while (seconds < MIN_ROUND_SECONDS) {
    tokens += await pass();
    seconds = (performance.now() - start) / 1000;
  }
  return { tokens, seconds };
}

/**
 * @param {string[]} texts
 * @param {import('../lib/measure.mjs').Progress} progress
 * @returns {Promise<{ rounds: import('../lib/types.js').TokenizerRound[] }>}
 */
export async function measureTokenizer(texts, progress) {
  const { Tokenizer } = loadProject();
  const hf = /** @type {typeof import('tokenizers')} */ (createRequire(join(repoRoot, 'package.json'))('tokenizers'));
  /** @type {import('../lib/types.js').TokenizerRound[]} */
  const rounds = [];
  for (const [i, { model, file }] of TOKENIZERS.entries()) {
    progress(i / TOKENIZERS.length, `${model}: at least ${2 * MIN_ROUND_SECONDS} s of tokenizing`);
    const native = Tokenizer.fromFile(file);
    const reference = hf.Tokenizer.fromFile(file);
    const nativeRate = await rate(() => native.countTokens(texts));
    const referenceRate = await rate(async () => {
      const encodings = await reference.encodeBatch(texts, { addSpecialTokens: false });
      return encodings.reduce((sum, e) => sum + e.getLength(), 0);
    });
    const nativeCount = native.countTokens(texts);
    const referenceCount = (await reference.encodeBatch(texts, { addSpecialTokens: false })).reduce((s, e) => s + e.getLength(), 0);
    rounds.push({ model, native: nativeRate, reference: referenceRate, sameCount: nativeCount === referenceCount });
  }
  return { rounds };
}
