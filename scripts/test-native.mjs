#!/usr/bin/env node
// The C++ unit tests of the core (native/tests): synthetic data only, so no model, no ../shared and no ONNX Runtime
// library (the core loads ONNX Runtime with dlopen and needs only its headers to compile). Configures and builds the
// native_ner_unit_tests target with plain CMake into build-tests/ (Release, -j2; an existing build dir is reused, so
// a rebuild compiles only what changed) and runs it: one line per test group, then "N passed, N failed". Exits
// non-zero when the build or any test fails.
//   node scripts/test-native.mjs [GROUP ...]   only the groups named (e.g. "model heads")
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fetchOrtHeaders, findOrtIncludeDir } from './ort-headers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, 'build-tests');
const binary = join(buildDir, 'native_ner_unit_tests');

// Runs a build step quietly; its output is shown only when it fails.
function step(what, args) {
  const run = spawnSync('cmake', args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.error || run.status !== 0) {
    if (run.stdout) process.stderr.write(run.stdout);
    if (run.stderr) process.stderr.write(run.stderr);
    const why = run.error?.code === 'ENOENT' ? 'cmake is not installed' : run.error?.message ?? `exit ${run.status}`;
    console.error(`native-ner: ${what} of the C++ unit tests failed (${why})`);
    process.exit(1);
  }
}

const includeDir = findOrtIncludeDir(root) ?? fetchOrtHeaders(root);
step('configuring', [
  '-S', root,
  '-B', buildDir,
  '-DCMAKE_BUILD_TYPE=Release',
  '-DNATIVE_NER_UNIT_TESTS=ON',
  `-DORT_INCLUDE_DIR=${includeDir}`,
]);
step('building', ['--build', buildDir, '--target', 'native_ner_unit_tests', '-j', '2']);

const run = spawnSync(binary, process.argv.slice(2), { stdio: 'inherit' });
if (run.error) {
  console.error(`native-ner: could not run ${binary} (${run.error.message})`);
  process.exit(1);
}
process.exit(run.status ?? 1);
