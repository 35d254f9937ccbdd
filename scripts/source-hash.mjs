// A hash of everything the native binary is built from. The prebuild records it beside the binary, so a check can
// tell whether the committed prebuild still matches the sources (by content, not by file times).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The files the addon is built from, relative to `root`: native/core and native/addon sources and the two build
 * files. native/tests and native/tools build programs of their own, so editing them leaves the addon as it is.
 */
export function addonSourceFiles(root) {
  return ['core', 'addon']
    .flatMap((dir) =>
      readdirSync(join(root, 'native', dir), { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile() && /\.(cc|h)$/.test(entry.name))
        .map((entry) => join(entry.parentPath ?? entry.path, entry.name).slice(root.length + 1)),
    )
    .concat(['CMakeLists.txt', 'binding.gyp'])
    .sort();
}

export function nativeSourceHash(root) {
  const files = addonSourceFiles(root);
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

export const SOURCE_HASH_FILE = 'SOURCES.sha256';
