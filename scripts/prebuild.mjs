#!/usr/bin/env node
// `npm run build:prebuild`: builds the N-API binary for this platform with prebuildify (node-gyp and binding.gyp, the
// same sources as the cmake-js build; stripped) into prebuilds/<platform>-<arch>/, and records the hash of the
// sources it was built from.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fetchOrtHeaders, findOrtIncludeDir } from './ort-headers.mjs';
import { nativeSourceHash, SOURCE_HASH_FILE } from './source-hash.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const includeDir = findOrtIncludeDir(root) ?? fetchOrtHeaders(root);
const prebuildify = join(dirname(require.resolve('prebuildify/package.json')), 'bin.js');

execFileSync(process.execPath, [prebuildify, '--napi', '--strip'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ORT_INCLUDE_DIR: includeDir },
});
const target = join(root, 'prebuilds', `${process.platform}-${process.arch}`, SOURCE_HASH_FILE);
writeFileSync(target, nativeSourceHash(root) + '\n');
console.log(`native-ner: prebuild written, sources recorded in ${target}`);
