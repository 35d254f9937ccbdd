// Starts bench/child.mjs for one system and collects what it reports.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** @typedef {import('./types.js').ChildMessage} ChildMessage */
/** @typedef {import('./types.js').ChildResult} ChildResult */

const CHILD = fileURLToPath(new URL('../child.mjs', import.meta.url));
const TAIL_CHARS = 4000;
/** CRFsuite's training log (on stdout) names each L-BFGS iteration. */
const ITERATION = /\*{5} Iteration #(\d+) \*{5}/g;

/**
 * Runs one system's child process to completion; rejects with the end of its stderr when it fails.
 * @param {import('./types.js').SystemSpec} spec
 * @param {(fraction: number, step: string) => void} onProgress
 * @returns {Promise<{ result: ChildResult; stderr: string }>}
 */
export function runChild(spec, onProgress) {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    /** @type {ChildResult | undefined} */
    let result;
    let stderr = '';
    let stdout = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-TAIL_CHARS);
    });
    child.stdout?.setEncoding('utf8').on('data', (chunk) => {
      stdout = (stdout + chunk).slice(-TAIL_CHARS);
      const iterations = spec.crfTraining?.maxIterations;
      if (spec.kind !== 'crf-train' || !iterations) return;
      for (const [, n] of chunk.matchAll(ITERATION)) {
        onProgress(0.1 + (0.9 * Number(n)) / iterations, `L-BFGS iteration ${n}/${iterations}`);
      }
    });
    child.on('message', (/** @type {ChildMessage} */ message) => {
      if (message.type === 'progress') onProgress(message.fraction, message.step);
      else result = message.result;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0 && result) resolve({ result, stderr: stderr.trim() });
      else {
        const why = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        reject(new Error(`${spec.id} ${why}${result ? '' : ' without a result'}\n${(stderr || stdout).trim()}`));
      }
    });
  });
}
