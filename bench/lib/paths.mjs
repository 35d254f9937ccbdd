// Where the harness finds the project's build, the shared model and datasets (../shared beside the checkout),
// and where it keeps its cache and results.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sharedDir = join(repoRoot, '..', 'shared');
export const modelDir = join(sharedDir, 'models', 'conll03-bert-small');
export const testFile = join(sharedDir, 'datasets', 'conll2003', 'eng.testb');
export const trainFile = join(sharedDir, 'datasets', 'conll2003', 'iob2', 'eng.train');
export const cacheDir = join(repoRoot, 'bench', '.cache');
export const resultsDir = join(repoRoot, 'bench', 'results');
export const quickResultsDir = join(cacheDir, 'quick-results');
export const partialResultsDir = join(cacheDir, 'partial-results');

export const requireFromRepo = createRequire(join(repoRoot, 'package.json'));

/** The compiled API; the harness measures what `npm run build:ts` produced, as users get it. */
export function loadProject() {
  return /** @type {typeof import('../../dist/index.js')} */ (requireFromRepo('./dist/index.js'));
}

/** The evaluator alone, for children that must not load the native addon (its memory would count as theirs). */
export function loadEval() {
  return /** @type {typeof import('../../dist/eval/index.js')} */ (requireFromRepo('./dist/eval/index.js'));
}

/**
 * Version of an installed package as the project resolves it, or null when it is not installed. Found by walking
 * up from its entry point, as some packages (transformers.js) do not export their package.json.
 * @param {string} name
 */
export function packageVersion(name) {
  let dir;
  try {
    dir = dirname(requireFromRepo.resolve(name));
  } catch {
    return null;
  }
  for (; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    if (manifest.name === name) return /** @type {string} */ (manifest.version);
  }
  return null;
}
