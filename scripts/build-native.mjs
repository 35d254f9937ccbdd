#!/usr/bin/env node
// Builds the native addon from source with cmake-js (node-gyp via binding.gyp is the fallback).
//   node scripts/build-native.mjs              build (Release)
//   node scripts/build-native.mjs --debug      build with symbols and assertions
//   node scripts/build-native.mjs --if-missing what `npm install` runs: skip when a usable binary exists
//   node scripts/build-native.mjs --if-stale   what `npm test` runs: rebuild a local build older than its sources
//   node scripts/build-native.mjs --headers-only  fetch the ONNX Runtime headers (for node-gyp)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fetchOrtHeaders, findOrtIncludeDir } from './ort-headers.mjs';
import { addonSourceFiles } from './source-hash.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const require = createRequire(import.meta.url);

function existingBinary() {
  const prebuildDir = join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  if (existsSync(prebuildDir) && readdirSync(prebuildDir).some((f) => f.endsWith('.node'))) return prebuildDir;
  return existsSync(localBuild) ? localBuild : null;
}

const localBuild = join(root, 'build', 'Release', 'native_ner.node');

function newestSourceTime() {
  return Math.max(...addonSourceFiles(root).map((f) => statSync(join(root, f)).mtimeMs));
}

if (args.has('--if-missing')) {
  const found = existingBinary();
  if (found) {
    console.log(`native-ner: using ${found}`);
    process.exit(0);
  }
}
if (args.has('--if-stale')) {
  // Without a local build (an installed package using its prebuild) there is nothing to refresh.
  if (!existsSync(localBuild) && existingBinary()) process.exit(0);
  if (existsSync(localBuild) && statSync(localBuild).mtimeMs >= newestSourceTime()) process.exit(0);
}

const includeDir = findOrtIncludeDir(root) ?? fetchOrtHeaders(root);
if (args.has('--headers-only')) {
  console.log(includeDir);
  process.exit(0);
}
const cmakeJs = join(dirname(require.resolve('cmake-js/package.json')), 'bin', 'cmake-js');
const cmakeArgs = [cmakeJs, 'compile', '--directory', root, `--CDORT_INCLUDE_DIR=${includeDir}`];
if (args.has('--debug')) cmakeArgs.push('--debug');
execFileSync(process.execPath, cmakeArgs, { stdio: 'inherit', cwd: root });
