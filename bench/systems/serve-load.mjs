// Latency under a server's load: `native-ner serve` and a plain node:http server around transformers.js's
// token-classification pipeline (bench/systems/serve-load-tjs-server.mjs), each a child process on 127.0.0.1,
// driven by the same open-loop client at fixed request rates of single-sentence requests.
//
// Open loop: request i is sent at t0 + i / rate whether or not earlier ones were answered, and its latency runs
// from that scheduled time to the end of its answer, so a server (or client) that falls behind shows it as
// latency instead of slowing the senders down. Each rate gets a fresh server (warmed up first), so the backlog
// of an overloaded rate does not spill into the next; requests not answered within the drain time after the last
// send are counted as unanswered and their connections dropped.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { modelDir, repoRoot } from '../lib/paths.mjs';
import { machineBusySeconds, ownCpuSeconds, percentile } from '../lib/stats.mjs';
import { HF_MODEL_NAME, HF_MODEL_ROOT } from './transformers-js.mjs';

/** @typedef {import('../lib/types.js').ServeLoadSettings} ServeLoadSettings */
/** @typedef {import('../lib/types.js').ServeLoadStep} ServeLoadStep */
/** @typedef {import('../lib/types.js').ServeLoadSystem} ServeLoadSystem */
/** @typedef {import('../lib/types.js').ServeLoadResult} ServeLoadResult */

/** @type {ServeLoadSettings} */
export const FULL_SERVE_LOAD = {
  rates: [200, 500, 1000],
  seconds: 3,
  refineSteps: 2,
  refineSeconds: 2,
  drainSeconds: 3,
  warmupRequests: 40,
  p99TargetMs: 50,
  maxSockets: 512,
};

/** --quick: the same rates, a second each, one refinement step. */
export const QUICK_SERVE_LOAD = { ...FULL_SERVE_LOAD, seconds: 1, refineSteps: 1, refineSeconds: 1, drainSeconds: 2, warmupRequests: 20 };

const TJS_SERVER = fileURLToPath(new URL('./serve-load-tjs-server.mjs', import.meta.url));
/** Both servers print their address on stderr once listening. */
const LISTENING = /on (http:\/\/127\.0\.0\.1:\d+)/;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 3000;
/** Clock ticks per second in /proc/<pid>/stat (USER_HZ). */
const USER_HZ = 100;
/** CPU seconds the server children used, read just before each is stopped (Linux; 0 elsewhere). */
let serverCpuSeconds = 0;
/** Servers running now: killed if the harness exits without stopping them (an error, Ctrl-C). */
const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** CPU seconds (user and system) of a running process, from /proc (Linux), or 0. @param {number | undefined} pid */
function processCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;  // utime, stime: fields 14 and 15 of stat
  } catch {
    return 0;
  }
}

/**
 * The servers compared, as a user would run them.
 * @param {string} transformersVersion
 */
function serverSpecs(transformersVersion) {
  return [
    {
      id: 'native-ner-serve',
      label: 'native-ner serve fp32 (defaults)',
      args: [fileURLToPath(new URL('../../dist/cli.js', import.meta.url)), 'serve', '--model', modelDir, '--port', '0'],
    },
    {
      id: 'transformers-http',
      label: `transformers.js ${transformersVersion} fp32 in a node:http server`,
      args: [TJS_SERVER, HF_MODEL_ROOT, HF_MODEL_NAME],
    },
  ];
}

/**
 * Starts a server child and resolves once it prints its address.
 * @param {string[]} args
 */
function startServer(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    running.add(child);
    child.once('exit', () => running.delete(child));
    let stderr = '';
    const timer = setTimeout(() => fail(new Error(`no address after ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const fail = (/** @type {Error} */ error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${error.message}\n${stderr.trim()}`));
    };
    child.on('error', fail);
    const onEarlyExit = (/** @type {number | null} */ code, /** @type {string | null} */ signal) =>
      fail(new Error(`server exited (${signal ?? code}) before listening`));
    child.on('close', onEarlyExit);  // after its stderr has ended, so the message has all of it
    let listening = false;
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      if (listening) return;  // its later lines (the shutdown's) are not read
      stderr = (stderr + chunk).slice(-4000);
      const match = LISTENING.exec(stderr);
      if (!match) return;
      listening = true;
      clearTimeout(timer);
      child.removeListener('close', onEarlyExit);
      child.removeListener('error', fail);
      resolve({ url: match[1], stop: () => stopServer(child) });
    });
  });
}

/** SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT_MS. @param {import('node:child_process').ChildProcess} child */
function stopServer(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
    serverCpuSeconds += processCpuSeconds(child.pid);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    child.kill('SIGTERM');
  });
}

/**
 * One POST /extract of `{"text": ...}`; resolves with the status (0 for a socket error) and the time its answer ended.
 * @param {string} url
 * @param {Agent} agent
 * @param {string} text
 * @returns {Promise<{ status: number; end: number }>}
 */
function post(url, agent, text) {
  const body = JSON.stringify({ text });
  return new Promise((resolve) => {
    const req = request(
      `${url}/extract`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, end: performance.now() }));
        res.on('error', () => resolve({ status: 0, end: performance.now() }));
      },
    );
    req.on('error', () => resolve({ status: 0, end: performance.now() }));
    req.end(body);
  });
}

/**
 * Sends `rate` requests a second for `seconds` on a fixed schedule and waits up to `drainSeconds` after the last
 * scheduled send for the answers.
 * @param {string} url
 * @param {string[]} texts
 * @param {{ rate: number; seconds: number; drainSeconds: number; maxSockets: number; offset: number }} plan
 * @returns {Promise<Omit<ServeLoadStep, 'refinement'>>}
 */
async function openLoop(url, texts, { rate, seconds, drainSeconds, maxSockets, offset }) {
  const agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  const total = Math.max(1, Math.round(rate * seconds));
  /** @type {number[]} */
  const latencies = [];
  /** How late each request was handed to node:http: the client's own lag behind its schedule. */
  const sendLags = new Float64Array(total);
  let ok = 0;
  let errors = 0;
  let answered = 0;
  let lastEnd = 0;
  /** @type {Promise<void>[]} */
  const pending = [];
  const cpuStart = process.cpuUsage();
  const t0 = performance.now() + 20;
  const send = (/** @type {number} */ i) => {
    const scheduled = t0 + (i * 1000) / rate;
    sendLags[i] = performance.now() - scheduled;
    pending.push(
      post(url, agent, texts[(offset + i) % texts.length]).then(({ status, end }) => {
        answered++;
        if (status === 200) {
          ok++;
          latencies.push(end - scheduled);
          lastEnd = Math.max(lastEnd, end);
        } else errors++;
      }),
    );
  };
  // Sends every request whose time has come, then sleeps to the next one; a late timer sends the overdue ones at
  // once, and their latency still counts from their scheduled time.
  let next = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && t0 + (next * 1000) / rate <= now) send(next++);
      if (next >= total) return resolve(undefined);
      setTimeout(tick, Math.max(0, t0 + (next * 1000) / rate - performance.now()));
    };
    setTimeout(tick, Math.max(0, t0 - performance.now()));
  });
  const lastScheduled = t0 + ((total - 1) * 1000) / rate;
  const drained = Promise.all(pending);
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  await Promise.race([drained, new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, lastScheduled + drainSeconds * 1000 - performance.now()))))]);
  clearTimeout(timer);
  const cpu = process.cpuUsage(cpuStart);
  const wallMs = performance.now() - t0;
  const unanswered = total - answered;
  agent.destroy();
  // Connections dropped above settle their requests as socket errors; those are counted as unanswered, not again.
  const span = (lastEnd - t0) / 1000;
  return {
    rate,
    seconds,
    sent: total,
    ok,
    errors,
    unanswered,
    achievedPerSecond: ok > 0 && span > 0 ? ok / span : 0,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    maxMs: latencies.length > 0 ? Math.max(...latencies) : NaN,
    clientCpuShare: (cpu.user + cpu.system) / 1000 / wallMs,
    sendLagP99Ms: percentile([...sendLags], 99),
  };
}

/** @param {Omit<ServeLoadStep, 'refinement'>} step @param {number} targetMs */
const meetsTarget = (step, targetMs) => step.errors === 0 && step.unanswered === 0 && step.p99 < targetMs;

/**
 * One rate on a fresh, warmed-up server.
 * @param {string[]} args
 * @param {string[]} texts
 * @param {ServeLoadSettings} settings
 * @param {{ rate: number; seconds: number; offset: number }} plan
 */
async function measureRate(args, texts, settings, { rate, seconds, offset }) {
  const server = /** @type {{ url: string; stop: () => Promise<void> }} */ (await startServer(args));
  try {
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const warm = settings.warmupRequests;
    for (let i = 0; i < warm; i++) await post(server.url, agent, texts[(offset + texts.length - 1 - i) % texts.length]);
    await Promise.all(Array.from({ length: warm }, (_, i) => post(server.url, agent, texts[(offset + i * 7) % texts.length])));
    agent.destroy();
    return await openLoop(server.url, texts, { rate, seconds, drainSeconds: settings.drainSeconds, maxSockets: settings.maxSockets, offset });
  } finally {
    await server.stop();
  }
}

/** A rate between two tried ones, rounded to a step that reads well. @param {number} low @param {number} high */
function midRate(low, high) {
  const step = high - low > 200 ? 50 : high - low > 40 ? 10 : 1;
  return Math.round((low + high) / 2 / step) * step;
}

/**
 * Runs every rate against one server kind, then narrows down the highest rate under the p99 target between the
 * best rate that met it and the next that did not.
 * @param {ReturnType<typeof serverSpecs>[number]} server
 * @param {string[]} texts
 * @param {ServeLoadSettings} settings
 * @param {(step: string) => void} report
 * @returns {Promise<ServeLoadSystem>}
 */
async function measureServer(server, texts, settings, report) {
  /** @type {ServeLoadStep[]} */
  const steps = [];
  let offset = 0;
  const run = async (/** @type {number} */ rate, /** @type {number} */ seconds, /** @type {boolean} */ refinement) => {
    report(`${server.id} at ${rate} req/s${refinement ? ' (refining)' : ''}`);
    const step = await measureRate(server.args, texts, settings, { rate, seconds, offset });
    offset += step.sent;
    steps.push({ ...step, refinement });
    return step;
  };
  for (const rate of settings.rates) await run(rate, settings.seconds, false);

  const passed = (/** @type {ServeLoadStep} */ s) => meetsTarget(s, settings.p99TargetMs);
  const bracket = () => {
    const sorted = [...steps].sort((a, b) => a.rate - b.rate);
    const best = sorted.filter(passed).at(-1);
    const low = best?.rate ?? 0;
    const high = sorted.find((s) => s.rate > low && !passed(s))?.rate;
    return { low, high };
  };
  for (let i = 0; i < settings.refineSteps; i++) {
    const { low, high } = bracket();
    if (high === undefined) break;
    const mid = midRate(low, high);
    if (mid <= low || mid >= high || steps.some((s) => s.rate === mid)) break;
    await run(mid, settings.refineSeconds, true);
  }
  const { low, high } = bracket();
  steps.sort((a, b) => a.rate - b.rate);
  return { id: server.id, label: server.label, steps, maxRateUnderTarget: low > 0 ? low : null, firstRateOverTarget: high ?? null };
}

/**
 * The load test: each server in turn, every rate on a fresh server.
 * @param {{ quick: boolean; texts: string[]; transformersVersion: string; log?: (line: string) => void }} options
 * @returns {Promise<ServeLoadResult>}
 */
export async function runServeLoad({ quick, texts, transformersVersion, log = (line) => process.stderr.write(`${line}\n`) }) {
  const settings = quick ? QUICK_SERVE_LOAD : FULL_SERVE_LOAD;
  const started = performance.now();
  const busyStart = machineBusySeconds();
  const ownStart = ownCpuSeconds();
  serverCpuSeconds = 0;
  /** @type {ServeLoadSystem[]} */
  const systems = [];
  /** @type {{ id: string; label: string; error: string }[]} */
  const failures = [];
  for (const server of serverSpecs(transformersVersion)) {
    try {
      systems.push(await measureServer(server, texts, settings, (step) => log(`bench: serve load: ${step}`)));
    } catch (error) {
      failures.push({ id: server.id, label: server.label, error: error instanceof Error ? error.message : String(error) });
    }
  }
  const seconds = (performance.now() - started) / 1000;
  // The share of the machine's CPU time used by processes other than the harness and its servers meanwhile.
  const busyEnd = machineBusySeconds();
  const otherCpuShare =
    busyStart === null || busyEnd === null
      ? null
      : Math.max(0, (busyEnd - busyStart - (ownCpuSeconds() - ownStart) - serverCpuSeconds) / (seconds * cpus().length));
  return { settings, sentences: texts.length, seconds, otherCpuShare, systems, failures };
}
