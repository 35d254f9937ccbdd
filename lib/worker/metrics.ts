// The queue worker's metrics in Prometheus text format: messages processed, failed and dead-lettered, claims,
// queue errors, texts, batch sizes and engine time (histograms), messages in flight, the group's pending entries and
// lag, the connection, and the model's identity (native_ner_model_info, as the HTTP service exports it). An optional
// HTTP endpoint serves them (GET /metrics) beside GET /healthz. No message text or ID ever becomes a label.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ModelIdentity } from '../identity';
import type { Backlog } from './transport';

/** Messages per engine call: powers of two up to the largest read. */
export const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 10_000];
/** Seconds of one engine call. */
export const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** A Prometheus histogram over fixed buckets. */
export class BucketHistogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(private readonly buckets: readonly number[]) {
    this.counts = new Array<number>(buckets.length).fill(0);
  }

  observe(value: number): void {
    this.buckets.forEach((bound, i) => {
      if (value <= bound) this.counts[i]++;
    });
    this.sum += value;
    this.count++;
  }

  get observations(): number {
    return this.count;
  }

  render(name: string, help: string): string[] {
    const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
    this.buckets.forEach((bound, i) => lines.push(`${name}_bucket{le="${bound}"} ${this.counts[i]}`));
    lines.push(`${name}_bucket{le="+Inf"} ${this.count}`, `${name}_sum ${this.sum}`, `${name}_count ${this.count}`);
    return lines;
  }
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** The model a worker runs, for native_ner_model_info. */
export interface WorkerModel {
  name: string;
  identity?: ModelIdentity;
}

/** What the metrics show besides the counters: the state at the time of the scrape. */
export interface WorkerGauges {
  inFlight: number;
  connected: boolean;
  /** The group's backlog; null when the queue could not be asked. */
  backlog: Backlog | null;
}

/** The worker's counters and histograms. */
export class WorkerMetrics {
  /** Messages whose result was written and which were acknowledged. */
  processed = 0;
  /** Texts of those messages. */
  texts = 0;
  /** Messages the engine failed on for a passing reason (left pending, to be claimed again). */
  failed = 0;
  /** Messages taken from a dead or stalled consumer (XAUTOCLAIM). */
  claimed = 0;
  /** Failed queue operations (each retried after a backoff). */
  queueErrors = 0;
  /** Dead-lettered messages, by code. */
  readonly deadLettered = new Map<string, number>();
  /** Messages per engine call. */
  readonly batchMessages = new BucketHistogram(BATCH_BUCKETS);
  /** Seconds per engine call. */
  readonly batchSeconds = new BucketHistogram(SECONDS_BUCKETS);

  addDeadLetter(code: string): void {
    this.deadLettered.set(code, (this.deadLettered.get(code) ?? 0) + 1);
  }

  /** Dead-lettered messages, all codes together. */
  get deadLetteredTotal(): number {
    return [...this.deadLettered.values()].reduce((a, b) => a + b, 0);
  }

  render(gauges: WorkerGauges, model: WorkerModel): string {
    const counter = (name: string, help: string, value: number) => [`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${value}`];
    const gauge = (name: string, help: string, value: number) => [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${value}`];
    const lines = [
      ...counter('native_ner_worker_processed_total', 'Messages processed: result written, then acknowledged.', this.processed),
      ...counter('native_ner_worker_texts_total', 'Texts of the processed messages.', this.texts),
      ...counter('native_ner_worker_failed_total', 'Messages the engine failed on for a passing reason, left pending to be retried.', this.failed),
      '# HELP native_ner_worker_dead_lettered_total Messages sent to the dead-letter stream and acknowledged, by error code.',
      '# TYPE native_ner_worker_dead_lettered_total counter',
      ...[...this.deadLettered].sort().map(([code, n]) => `native_ner_worker_dead_lettered_total{code="${escapeLabel(code)}"} ${n}`),
      ...counter('native_ner_worker_claimed_total', 'Messages claimed from consumers that left them pending too long.', this.claimed),
      ...counter('native_ner_worker_queue_errors_total', 'Failed queue operations, each retried after a backoff.', this.queueErrors),
      ...this.batchMessages.render('native_ner_worker_batch_messages', 'Messages per engine call.'),
      ...this.batchSeconds.render('native_ner_worker_batch_duration_seconds', 'Time of one engine call.'),
      ...gauge('native_ner_worker_in_flight_messages', 'Messages read and not yet acknowledged by this worker.', gauges.inFlight),
      ...gauge('native_ner_worker_connected', 'Whether the queue connection is up (1) or not (0).', gauges.connected ? 1 : 0),
    ];
    if (gauges.backlog?.pending != null) {
      lines.push(...gauge('native_ner_worker_group_pending_messages', "The group's messages delivered and not yet acknowledged, all consumers.", gauges.backlog.pending));
    }
    if (gauges.backlog?.lag != null) {
      lines.push(...gauge('native_ner_worker_group_lag_messages', "The group's consumer lag: messages in the input not yet delivered.", gauges.backlog.lag));
    }
    lines.push(...renderModelInfo(model));
    return lines.join('\n') + '\n';
  }
}

/** native_ner_model_info{model, sha256, ...} 1: the same series as the HTTP service's /metrics. */
function renderModelInfo({ name, identity }: WorkerModel): string[] {
  const values: Record<string, string> = { model: name };
  if (identity) {
    Object.assign(values, {
      sha256: identity.sha256,
      model_sha256: identity.modelSha256,
      tokenizer_sha256: identity.tokenizerSha256,
      config_sha256: identity.configSha256,
    });
  }
  const labels = Object.entries(values)
    .map(([label, value]) => `${label}="${escapeLabel(value)}"`)
    .join(',');
  return [
    '# HELP native_ner_model_info The model the worker runs: its combined identity (sha256) and the SHA-256 of each file.',
    '# TYPE native_ner_model_info gauge',
    `native_ner_model_info{${labels}} 1`,
  ];
}

export interface MetricsEndpoint {
  server: Server;
  /** http://host:port */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves GET /metrics (`render()`, Prometheus text) and GET /healthz (`health()` as JSON, 200) on host:port (0: a
 * free port). Liveness only: a queue that is down makes /healthz say so, not fail, since restarting the worker
 * would not bring the queue back.
 */
export async function startMetricsEndpoint(
  host: string,
  port: number,
  render: () => Promise<string>,
  health: () => Record<string, unknown>,
): Promise<MetricsEndpoint> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const answer = (status: number, type: string, body: string) => {
      response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      response.end(body);
    };
    if (request.method !== 'GET') return answer(405, 'text/plain', 'GET only\n');
    if (path === '/healthz') return answer(200, 'application/json', JSON.stringify(health()));
    if (path !== '/metrics') return answer(404, 'text/plain', 'GET /metrics or GET /healthz\n');
    render().then(
      (text) => answer(200, 'text/plain; version=0.0.4; charset=utf-8', text),
      (error: unknown) => answer(500, 'text/plain', `${(error as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${shown}:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
