// Throughput of `native-ner worker` on Redis Streams against direct extract, on the same texts, side by side in one
// run (docs/scaling.md quotes it). The texts are CoNLL-2003 test sentences, one message each. Rows:
//   direct extract    NativeNer.extract in this process: one call of every text, and calls of --read-count texts
//                     awaited one by one (as a caller handing over a worker's reads one at a time would)
//   N workers         native-ner worker processes on a redis-server of our own (loopback, no persistence); they
//                     start on an empty stream and load the model, then every message is added at once, and the
//                     time runs until each has a result and nothing is pending
// Each row's ONNX Runtime threads are given, so a row never asks for more cores than the machine has.
//
//   npm run build:ts && node bench/worker-throughput.mjs [--messages 4000] [--rounds 2]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadTestSet } from './lib/dataset.mjs';
import { loadProject, modelDir, repoRoot, requireFromRepo } from './lib/paths.mjs';
import { machineBusySeconds, median } from './lib/stats.mjs';

const { values } = parseArgs({
  options: { messages: { type: 'string', default: '4000' }, rounds: { type: 'string', default: '2' }, 'read-count': { type: 'string', default: '64' } },
});
const MESSAGES = Number(values.messages);
const ROUNDS = Number(values.rounds);
const READ_COUNT = Number(values['read-count']);
const CORES = availableParallelism();
const Redis = requireFromRepo('ioredis');
const CLI = join(repoRoot, 'dist', 'cli.js');
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

const sentences = loadTestSet().texts.filter((t) => t.length > 0);
const texts = Array.from({ length: MESSAGES }, (_, i) => sentences[i % sentences.length]);

/** @returns {Promise<number>} a loopback port nothing listens on now */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/**
 * Direct extract of every text, texts per second: one call of them all (`whole`; the engine batches and pipelines
 * them itself), or calls of READ_COUNT awaited one after another (a caller that hands over one read at a time).
 * @param {number} threads
 * @param {boolean} whole
 */
async function direct(threads, whole) {
  const { NativeNer } = loadProject();
  const ner = await NativeNer.load(modelDir, { intraOpThreads: threads });
  try {
    await ner.extract(texts.slice(0, READ_COUNT));  // warm-up
    const started = performance.now();
    if (whole) await ner.extract(texts);
    else for (let i = 0; i < texts.length; i += READ_COUNT) await ner.extract(texts.slice(i, i + READ_COUNT));
    return texts.length / ((performance.now() - started) / 1000);
  } finally {
    await ner.dispose();
  }
}

/**
 * `count` worker processes of `threads` ONNX Runtime threads each on a fresh redis-server: texts per second.
 * @param {number} count
 * @param {number} threads
 */
async function workers(count, threads) {
  const redisServer = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  if (!redisServer) throw new Error('redis-server not found (apt-get install redis-server)');
  const dir = mkdtempSync(join(tmpdir(), 'native-ner-bench-redis-'));
  const port = await freePort();
  const redis = spawn(redisServer, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (/** @type {number} */ n) => Math.min(n * 50, 500) });
  client.on('error', () => undefined);  // refused until redis-server listens; the commands wait for it
  const children = [];
  try {
    await client.ping();
    await client.xgroup('CREATE', 'in', 'ner', '$', 'MKSTREAM');
    for (let w = 0; w < count; w++) {
      const args = [CLI, 'worker', '--model', modelDir, '--redis', url, '--stream', 'in', '--group', 'ner', '--consumer', `w${w}`,
        '--threads', String(threads), '--read-count', String(READ_COUNT)];
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let log = '';
      child.stderr.on('data', (d) => (log += d));
      children.push({ child, log: () => log });
    }
    const deadline = Date.now() + 120_000;
    while (!children.every(({ log }) => log().includes('native-ner worker: reading'))) {
      if (Date.now() > deadline) throw new Error(`workers did not start: ${children.map(({ log }) => log()).join('\n')}`);
      await sleep(50);
    }
    const started = performance.now();
    for (let i = 0; i < texts.length; i += 1000) {
      const pipeline = client.pipeline();
      texts.slice(i, i + 1000).forEach((text, j) => pipeline.xadd('in', '*', 'id', String(i + j), 'text', text));
      await pipeline.exec();
    }
    for (;;) {
      if ((await client.xlen('in:results')) >= texts.length && Number((await client.xpending('in', 'ner'))[0]) === 0) break;
      if (Date.now() > deadline + 600_000) throw new Error('workers did not finish within 10 minutes');
      await sleep(20);
    }
    return texts.length / ((performance.now() - started) / 1000);
  } finally {
    for (const { child } of children) child.kill('SIGTERM');
    await Promise.all(children.map(({ child }) => new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)))));
    client.disconnect();
    redis.kill('SIGTERM');
    await new Promise((resolve) => redis.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

const ROWS = [
  { name: 'direct extract, one call', threads: Math.min(2, CORES), run: () => direct(Math.min(2, CORES), true) },
  { name: 'direct extract, one call', threads: 1, run: () => direct(1, true) },
  { name: `direct extract, calls of ${READ_COUNT} one by one`, threads: Math.min(2, CORES), run: () => direct(Math.min(2, CORES), false) },
  { name: '1 worker', threads: Math.min(2, CORES), run: () => workers(1, Math.min(2, CORES)) },
  { name: '1 worker', threads: 1, run: () => workers(1, 1) },
  { name: '2 workers', threads: 1, run: () => workers(2, 1) },
];

console.log(`${MESSAGES} CoNLL-2003 test sentences (one per message), reads of ${READ_COUNT}; ${ROUNDS} rounds, median; ` +
  `${CORES} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}; load average ${loadavg()[0].toFixed(1)} at the start`);
const busyBefore = machineBusySeconds();
const wallBefore = performance.now();
const results = ROWS.map(() => /** @type {number[]} */ ([]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [i, row] of ROWS.entries()) results[i].push(await row.run());
}
const busyAfter = machineBusySeconds();
const busyShare =
  busyBefore === null || busyAfter === null ? null : ((busyAfter - busyBefore) / ((performance.now() - wallBefore) / 1000) / CORES) * 100;
const base = median(results[0]);
console.log('\n| setup | ONNX Runtime threads each | texts/s (median) | rounds | vs the first row |');
console.log('| --- | ---: | ---: | --- | ---: |');
ROWS.forEach((row, i) => {
  const rate = median(results[i]);
  console.log(`| ${row.name} | ${row.threads} | ${rate.toFixed(0)} | ${results[i].map((r) => r.toFixed(0)).join(', ')} | ${(rate / base).toFixed(2)} |`);
});
console.log(`\nthe machine's CPUs were ${busyShare === null ? 'an unknown share' : `${busyShare.toFixed(0)}%`} busy during the run (all processes, this one's included); load average ${loadavg()[0].toFixed(1)} at the end`);
