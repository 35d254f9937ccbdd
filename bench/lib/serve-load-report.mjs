// The "latency under load" section of bench.md, from bench/systems/serve-load.mjs's result.

/** @typedef {import('./types.js').ServeLoadResult} ServeLoadResult */

/** @param {number} value @param {number} [digits] */
const num = (value, digits = 0) =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a';

/** Above this share of the CPU taken by other processes the figures are flagged (as bench/run.mjs does). */
const BUSY_MACHINE_SHARE = 0.03;

/** @param {string[]} cells */
const tableRow = (cells) => `| ${cells.join(' | ')} |`;

/** @param {ServeLoadResult} load */
export function serveLoadMarkdown(load) {
  const { settings } = load;
  const head = ['server (latency under load)', 'offered req/s', 'achieved req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'unanswered', `p99 < ${settings.p99TargetMs} ms`];
  const body = load.systems.flatMap((system) =>
    system.steps.map((step) => [
      system.label,
      `${num(step.rate)}${step.refinement ? ' (refining)' : ''}`,
      num(step.achievedPerSecond),
      num(step.p50, 1),
      num(step.p95, 1),
      num(step.p99, 1),
      num(step.errors),
      num(step.unanswered),
      step.errors === 0 && step.unanswered === 0 && step.p99 < settings.p99TargetMs ? 'yes' : 'no',
    ]),
  );
  const lines = [
    tableRow(head),
    tableRow(head.map((_, i) => (i === 0 || i === head.length - 1 ? '---' : '---:'))),
    ...body.map(tableRow),
  ];
  const verdicts = load.systems.map((system) => {
    const best = system.maxRateUnderTarget === null ? `none of the rates tried` : `${num(system.maxRateUnderTarget)} req/s`;
    const next = system.firstRateOverTarget === null ? 'every rate tried met it' : `${num(system.firstRateOverTarget)} req/s did not`;
    return `- ${system.label}: highest rate served with p99 under ${settings.p99TargetMs} ms: **${best}** (${next}).`;
  });
  const allSteps = load.systems.flatMap((s) => s.steps);
  const clientShare = Math.max(0, ...allSteps.map((step) => step.clientCpuShare));
  const sendLag = Math.max(0, ...allSteps.map((step) => step.sendLagP99Ms));
  const method =
    `Method: an open-loop client in the harness process sends single-sentence \`POST /extract {"text": ...}\` requests ` +
    `(CoNLL-2003 test sentences in turn, ${num(load.sentences)} of them) to a server child process on 127.0.0.1 on a fixed ` +
    `schedule, ${num(settings.seconds)} s per rate (${num(settings.refineSeconds)} s for refining rates), whether or not earlier ` +
    `requests were answered; latency runs from each request's scheduled send time to the end of its answer, so queueing in ` +
    `the server or the client counts. node:http keep-alive agent, up to ${num(settings.maxSockets)} sockets. Each rate runs on ` +
    `a fresh server warmed up with ${num(2 * settings.warmupRequests)} requests; answers not in within ${num(settings.drainSeconds)} s ` +
    `of the last send are unanswered. Achieved req/s: 200 answers from the first send to the last answer. ` +
    `p50/p95/p99 over the 200 answers. A rate meets the target with p99 under ${settings.p99TargetMs} ms and no errors or ` +
    `unanswered requests; refining rates halve the gap between the best rate that met it and the next. The client used up ` +
    `to ${num(100 * clientShare)}% of one core, on the same machine as the server, and handed 99% of requests to ` +
    `node:http within ${num(sendLag, 1)} ms of their schedule (worst rate). \`native-ner serve\` runs with its ` +
    'defaults; the transformers.js server (bench/systems/serve-load-tjs-server.mjs) is plain node:http calling its ' +
    "token-classification pipeline (fp32, default options) once per request and answering its output as JSON. " +
    `Load test: ${num(load.seconds, 1)} s` +
    (load.otherCpuShare === null ? '.' : `; other processes used ${num(100 * load.otherCpuShare, 1)}% of the machine's CPU time meanwhile.`);
  if (load.otherCpuShare !== null && load.otherCpuShare > BUSY_MACHINE_SHARE) {
    verdicts.push('- **Warning: the machine was not idle during the load test; its latencies overstate both servers\'. Rerun on an idle machine.**');
  }
  const failures = load.failures.map((f) => `- **${f.label} failed**: ${f.error.split('\n')[0]}`);
  return [lines.join('\n'), [...verdicts, ...failures].join('\n'), method].join('\n\n');
}
