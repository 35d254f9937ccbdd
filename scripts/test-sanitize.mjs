#!/usr/bin/env node
// `npm run test:sanitize`: builds the addon with AddressSanitizer + UndefinedBehaviorSanitizer into build-sanitize/,
// proves the build is instrumented (planted faults must be reported) and that lib/ loads it, then runs the fuzz,
// error and reliability suites against it. Node itself is not instrumented, so the ASan runtime is preloaded (LD_PRELOAD).
//   node scripts/test-sanitize.mjs [vitest files ...]   default: test/fuzz.test.ts test/errors.test.ts test/reliability.test.ts
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fetchOrtHeaders, findOrtIncludeDir } from './ort-headers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(0);

const outDir = join(root, 'build-sanitize');
const includeDir = findOrtIncludeDir(root) ?? fetchOrtHeaders(root);
const cmakeJs = join(dirname(require.resolve('cmake-js/package.json')), 'bin', 'cmake-js');
execFileSync(
  process.execPath,
  [cmakeJs, 'compile', '--directory', root, '--out', outDir, '--debug', `--CDORT_INCLUDE_DIR=${includeDir}`, '--CDNATIVE_NER_SANITIZE=ON'],
  { stdio: 'inherit', cwd: root },
);
const addon = join(outDir, 'Debug', 'native_ner.node');
if (!existsSync(addon)) throw new Error(`the sanitizer build did not produce ${addon}`);

const libasan = execFileSync('c++', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).trim();
if (!existsSync(libasan)) throw new Error(`no ASan runtime found (c++ -print-file-name=libasan.so gave '${libasan}'); install gcc's libasan`);
const env = {
  ...process.env,
  LD_PRELOAD: libasan,
  // Node and V8 keep memory until exit by design: leak reports would be about them, not about native-ner.
  ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=0:exitcode=86',
  UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
  NATIVE_NER_ADDON: addon,
};

// 1. The binary is instrumented: every planted fault must be caught and reported.
const planted = {
  'heap-overflow': 'AddressSanitizer: heap-buffer-overflow',
  'use-after-free': 'AddressSanitizer: heap-use-after-free',
  'signed-overflow': 'runtime error: signed integer overflow',
};
for (const [fault, report] of Object.entries(planted)) {
  const run = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(addon)}).plantedFault(${JSON.stringify(fault)})`], {
    env,
    encoding: 'utf8',
  });
  if (run.status === 0 || !run.stderr.includes(report)) {
    console.error(run.stderr);
    throw new Error(`the planted ${fault} was not reported as '${report}' (exit ${run.status}): the build is not instrumented`);
  }
  console.log(`native-ner sanitize: planted ${fault} caught ("${report}")`);
}

// 2. lib/ loads that addon (only the instrumented build has plantedFault), so the suites below test it.
const probe = spawnSync(
  process.execPath,
  ['-e', `process.exit(typeof require(${JSON.stringify(join(root, 'dist', 'native.js'))}).getBinding().plantedFault === 'function' ? 0 : 3)`],
  { env, encoding: 'utf8' },
);
if (probe.status !== 0) throw new Error(`lib/ did not load the instrumented addon through NATIVE_NER_ADDON (exit ${probe.status}): ${probe.stderr}`);

// 3. The suites, against the instrumented addon.
const files = process.argv.slice(2);
const suites = files.length > 0 ? files : ['test/fuzz.test.ts', 'test/errors.test.ts', 'test/reliability.test.ts'];
const vitest = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
const tests = spawnSync(process.execPath, [vitest, 'run', ...suites], { env, stdio: 'inherit', cwd: root });
if (tests.status !== 0) {
  console.error(`native-ner sanitize: the suites failed under ASan + UBSan (exit ${tests.status}) after ${seconds()} s`);
  process.exit(tests.status ?? 1);
}
console.log(`native-ner sanitize: ${suites.join(', ')} passed under ASan + UBSan with ${addon}, ${seconds()} s in all`);
