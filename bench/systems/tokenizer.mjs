// The C++ tokenizer alone, single-threaded: Tokenizer.countTokens encodes every text without building results.
import { join } from 'node:path';
import { loadProject, modelDir } from '../lib/paths.mjs';

const MIN_ROUND_SECONDS = 1;

/**
 * Tokenizes all texts over and over for at least a second; tokens are WordPiece tokens without [CLS]/[SEP], the
 * count countTokens returns.
 * @param {string[]} texts
 * @param {import('../lib/measure.mjs').Progress} progress
 */
export function measureTokenizer(texts, progress) {
  const { Tokenizer } = loadProject();
  const tokenizer = Tokenizer.fromFile(join(modelDir, 'tokenizer.json'));
  tokenizer.countTokens(texts);
  progress(0.1, `at least ${MIN_ROUND_SECONDS} s of tokenizing`);
  let tokens = 0;
  let seconds = 0;
  const start = performance.now();
  while (seconds < MIN_ROUND_SECONDS) {
    tokens += tokenizer.countTokens(texts);
    seconds = (performance.now() - start) / 1000;
  }
  return { rounds: [{ tokens, seconds }] };
}
