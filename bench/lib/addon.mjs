// Which native-ner binary a run measures. lib/native.ts loads the .node file $NATIVE_NER_ADDON names, else the one
// node-gyp-build picks (build/Release, then build/Debug, then prebuilds/<platform>-<arch>/); this resolves it the
// same way, says whether it is the committed prebuild, and whether that prebuild was built from the current
// native/ sources (the hash `npm run build:prebuild` records in SOURCES.sha256). The children report the files
// they actually loaded, so a run that measured something else is caught.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot, requireFromRepo } from './paths.mjs';

/** The file beside each prebuild that records the hash of the sources it was built from (scripts/source-hash.mjs). */
const SOURCE_HASH_FILE = 'SOURCES.sha256';

/**
 * The hash scripts/source-hash.mjs computes over native/ (as `npm run build:prebuild` and `npm test` do), or null
 * when it cannot. Imported by URL so that `npm run bench:check` does not type-check the untyped script.
 */
async function currentSourceHash() {
  try {
    const url = pathToFileURL(join(repoRoot, 'scripts', 'source-hash.mjs')).href;
    const script = /** @type {{ nativeSourceHash(root: string): string }} */ (await import(url));
    return script.nativeSourceHash(repoRoot);
  } catch {
    return null;
  }
}

/**
 * @typedef {object} AddonInfo
 * @property {string} path the .node file, relative to the repository root when inside it
 * @property {'NATIVE_NER_ADDON' | 'node-gyp-build'} resolvedBy
 * @property {string | null} sha256 of the file's content; null when it cannot be read
 * @property {boolean} isCommittedPrebuild the same file as prebuilds/<platform>-<arch>/*.node, or the same content
 * @property {{ path: string; sha256: string; changedSinceCommit: boolean | null; builtFromCurrentSources: boolean | null } | null} prebuild
 *   the prebuild for this platform: whether the file differs from the one in HEAD (null outside git), and whether its
 *   SOURCES.sha256 matches native/ as it is (null when it has none)
 * @property {string | null} error why the binary could not be resolved (the systems that load it will fail too)
 */

/** @param {string} path */
const shown = (path) => {
  const rel = relative(repoRoot, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
};

/** @param {string} path */
function sha256Of(path) {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return null;
  }
}

/** The .node file lib/native.ts will load: $NATIVE_NER_ADDON as dist/native.js would require it, else node-gyp-build's. */
function resolveAddon() {
  const override = process.env.NATIVE_NER_ADDON;
  if (override) {
    /** @type {'NATIVE_NER_ADDON'} */
    const resolvedBy = 'NATIVE_NER_ADDON';
    try {
      return { path: createRequire(join(repoRoot, 'dist', 'native.js')).resolve(override), resolvedBy };
    } catch {
      throw new Error(`NATIVE_NER_ADDON=${override} does not resolve from dist/native.js; give an absolute path`);
    }
  }
  const nodeGypBuild = /** @type {{ resolve(dir: string): string }} */ (requireFromRepo('node-gyp-build'));
  return { path: nodeGypBuild.resolve(repoRoot), resolvedBy: /** @type {'node-gyp-build'} */ ('node-gyp-build') };
}

/** Whether `path` (inside the repository) differs from its version in HEAD; null when git cannot tell. */
function changedSinceCommit(/** @type {string} */ path) {
  const rel = relative(repoRoot, path).split(sep).join('/');
  try {
    const committed = execFileSync('git', ['rev-parse', `HEAD:${rel}`], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const current = execFileSync('git', ['hash-object', rel], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return committed !== current;
  } catch {
    return null;
  }
}

/** The prebuild this platform ships, with its checks; null when there is none. */
async function prebuildInfo() {
  const dir = join(repoRoot, 'prebuilds', `${process.platform}-${process.arch}`);
  const file = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('.node')) : undefined;
  if (!file) return null;
  const path = join(dir, file);
  const recordedFile = join(dir, SOURCE_HASH_FILE);
  const recorded = existsSync(recordedFile) ? readFileSync(recordedFile, 'utf8').trim() : null;
  const current = recorded === null ? null : await currentSourceHash();
  const builtFromCurrentSources = recorded === null || current === null ? null : recorded === current;
  return { absolute: path, path: shown(path), sha256: sha256Of(path) ?? '', changedSinceCommit: changedSinceCommit(path), builtFromCurrentSources };
}

/** @returns {Promise<AddonInfo>} */
export async function describeAddon() {
  const found = await prebuildInfo();
  const prebuild = found && { path: found.path, sha256: found.sha256, changedSinceCommit: found.changedSinceCommit, builtFromCurrentSources: found.builtFromCurrentSources };
  let resolved;
  try {
    resolved = resolveAddon();
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    const resolvedBy = process.env.NATIVE_NER_ADDON ? 'NATIVE_NER_ADDON' : 'node-gyp-build';
    return { path: 'none', resolvedBy, sha256: null, isCommittedPrebuild: false, prebuild, error: message };
  }
  const sha256 = sha256Of(resolved.path);
  const isCommittedPrebuild =
    found !== null && (resolve(resolved.path) === found.absolute || (sha256 !== null && sha256 === found.sha256));
  return { path: shown(resolved.path), resolvedBy: resolved.resolvedBy, sha256, isCommittedPrebuild, prebuild, error: null };
}

/** The header line of the report that names the binary. @param {AddonInfo} addon */
export function addonLine(addon) {
  if (addon.error !== null) return `**Binary: none found (${addon.error}).**`;
  const how = addon.resolvedBy === 'NATIVE_NER_ADDON' ? 'named by NATIVE_NER_ADDON' : "node-gyp-build's choice";
  const hash = addon.sha256 ? `sha256 ${addon.sha256.slice(0, 12)}` : 'unreadable';
  const { prebuild } = addon;
  let what;
  if (!prebuild) what = `not a prebuild (there is none for ${process.platform}-${process.arch})`;
  else if (addon.isCommittedPrebuild) {
    const changed = prebuild.changedSinceCommit === true;
    const same =
      addon.path === prebuild.path
        ? changed
          ? 'the prebuild, **changed since the last commit**'
          : 'the committed prebuild'
        : changed
          ? `identical to the prebuild ${prebuild.path}, **which changed since the last commit**`
          : `identical to the committed prebuild ${prebuild.path}`;
    const sources =
      prebuild.builtFromCurrentSources === null
        ? `, not checked against native/ (no ${SOURCE_HASH_FILE}, or native/ unreadable)`
        : prebuild.builtFromCurrentSources
          ? ', built from the current native/ sources'
          : `, **not built from the current native/ sources** (its ${SOURCE_HASH_FILE} differs; \`npm run build:prebuild\`)`;
    what = `${same}${sources}`;
  } else what = `a local build, not the committed prebuild ${prebuild.path}`;
  return `Binary: native-ner loaded \`${addon.path}\` (${how}; ${what}; ${hash}).`;
}

/**
 * The native-ner binaries this process has loaded: .node files in the require cache outside node_modules (the
 * addons of onnxruntime-node or CRFsuite live there). A child reports them with its result.
 */
export function loadedAddons() {
  const require = createRequire(import.meta.url);
  return Object.keys(require.cache)
    .filter((path) => path.endsWith('.node') && !path.split(sep).includes('node_modules'))
    .map(shown);
}
