// The HTTP service: POST /extract, GET /healthz, GET /metrics (Prometheus text format). Concurrent requests are
// separate extract calls, which the engine merges into shared model batches.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NerError } from './errors';
import type { Entity, NativeNer } from './ner';
import { checkExtractOptions, type ExtractOptions } from './options';

export interface ServeOptions {
  /** Largest request body accepted, in bytes; larger ones get 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Most texts in one request; more get 413. Default 1,000. */
  maxTexts?: number;
}

/** Request handling errors that map to a status code. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

class Histogram {
  private readonly counts = new Array<number>(LATENCY_BUCKETS.length).fill(0);
  private sum = 0;
  private count = 0;

  observe(seconds: number): void {
    LATENCY_BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) this.counts[i]++;
    });
    this.sum += seconds;
    this.count++;
  }

  render(name: string, help: string): string[] {
    const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
    LATENCY_BUCKETS.forEach((bound, i) => lines.push(`${name}_bucket{le="${bound}"} ${this.counts[i]}`));
    lines.push(`${name}_bucket{le="+Inf"} ${this.count}`, `${name}_sum ${this.sum}`, `${name}_count ${this.count}`);
    return lines;
  }
}

/** Counters keyed by one label's value. */
class LabelledCounter {
  readonly values = new Map<string, number>();
  add(key: string, n = 1): void {
    this.values.set(key, (this.values.get(key) ?? 0) + n);
  }
  render(name: string, help: string, label: string): string[] {
    const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} counter`];
    for (const [key, value] of [...this.values].sort()) lines.push(`${name}{${label}="${escapeLabel(key)}"} ${value}`);
    return lines;
  }
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

class Metrics {
  readonly requestSeconds = new Histogram();
  readonly inferenceSeconds = new Histogram();
  readonly requests = new LabelledCounter(); // by status code
  readonly errors = new LabelledCounter(); // by error code
  readonly entities = new LabelledCounter(); // by label
  texts = 0;

  /** `tokens`: the model's own count since it was loaded (the service owns the model). */
  render(inFlight: number, tokens: number): string {
    const counter = (name: string, help: string, value: number) => [`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${value}`];
    return [
      ...this.requests.render('native_ner_http_requests_total', 'HTTP requests answered, by status code.', 'code'),
      ...this.requestSeconds.render('native_ner_http_request_duration_seconds', 'Time to answer a request.'),
      ...this.inferenceSeconds.render('native_ner_inference_duration_seconds', "Time of a request's extract call."),
      ...counter('native_ner_texts_total', 'Texts processed.', this.texts),
      ...counter('native_ner_tokens_total', 'Model tokens of the texts processed.', tokens),
      ...this.entities.render('native_ner_entities_total', 'Entities found, by label.', 'label'),
      ...this.errors.render('native_ner_errors_total', 'Failed requests, by error code.', 'code'),
      '# HELP native_ner_http_requests_in_flight Requests being answered.',
      '# TYPE native_ner_http_requests_in_flight gauge',
      `native_ner_http_requests_in_flight ${inFlight}`,
      '',
    ].join('\n');
  }
}

async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    throw new HttpError(413, 'ERR_BODY_TOO_LARGE', `request body of ${declared} bytes is over the limit of ${limit}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, 'ERR_BODY_TOO_LARGE', `request body is over the limit of ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads {"texts": [...]} or {"text": "..."} and optional "options". */
function parseExtractBody(body: Buffer, maxTexts: number): { texts: string[]; single: boolean; options: ExtractOptions } {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'ERR_BAD_JSON', 'the request body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(400, 'ERR_BAD_REQUEST', 'the body must be an object: {"texts": [...]} or {"text": "..."}');
  }
  const { texts, text, options, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new HttpError(400, 'ERR_BAD_REQUEST', `unknown field ${unknown.join(', ')}`);
  const single = text !== undefined;
  if (single === (texts !== undefined)) throw new HttpError(400, 'ERR_BAD_REQUEST', 'give exactly one of "texts" or "text"');
  const list = single ? [text] : texts;
  if (!Array.isArray(list) || list.some((t) => typeof t !== 'string')) {
    throw new HttpError(400, 'ERR_BAD_REQUEST', single ? '"text" must be a string' : '"texts" must be an array of strings');
  }
  if (list.length > maxTexts) throw new HttpError(413, 'ERR_TOO_MANY_TEXTS', `${list.length} texts is over the limit of ${maxTexts}`);
  return { texts: list as string[], single, options: checkExtractOptions(options) };
}

function statusOf(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof NerError) {
    const status = error.code === 'ERR_INVALID_ARGUMENT' ? 400 : error.code === 'ERR_TEXT_TOO_LONG' ? 413 : error.code === 'ERR_DISPOSED' ? 503 : 500;
    return new HttpError(status, error.code, error.message);
  }
  if (error instanceof TypeError) return new HttpError(400, 'ERR_BAD_REQUEST', error.message);
  return new HttpError(500, 'ERR_INTERNAL', (error as Error)?.message ?? String(error));
}

export interface NerService {
  server: Server;
  /** Stops accepting requests, answers those in flight, then releases the model. */
  shutdown(): Promise<void>;
  /** The address the server listens on, once listening. */
  url(): string;
}

/** Serves `ner` over HTTP. Call listen() on the returned server (or use serve()). */
export function createService(ner: NativeNer, options: ServeOptions = {}): NerService {
  const maxBodyBytes = options.maxBodyBytes ?? 1 << 20;
  const maxTexts = options.maxTexts ?? 1000;
  const metrics = new Metrics();
  let inFlight = 0;
  let draining = false;
  let drained: (() => void) | null = null;

  const send = (response: ServerResponse, status: number, body: unknown, type = 'application/json') => {
    const text = type === 'application/json' ? JSON.stringify(body) : String(body);
    if (draining) response.setHeader('connection', 'close');
    response.writeHead(status, { 'content-type': type === 'application/json' ? 'application/json; charset=utf-8' : type });
    response.end(text);
  };

  async function extract(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const type = String(request.headers['content-type'] ?? '');
    if (!/^application\/json\b/i.test(type)) {
      throw new HttpError(415, 'ERR_UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
    }
    const { texts, single, options: extractOptions } = parseExtractBody(await readBody(request, maxBodyBytes), maxTexts);
    const started = performance.now();
    const results = await ner.extract(texts, extractOptions);
    metrics.inferenceSeconds.observe((performance.now() - started) / 1000);
    metrics.texts += texts.length;
    for (const entities of results) for (const e of entities) metrics.entities.add(e.label);
    send(response, 200, { entities: single ? results[0] : results } satisfies { entities: Entity[] | Entity[][] });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    inFlight++;
    try {
      const path = (request.url ?? '/').split('?')[0];
      if (draining && path !== '/metrics') throw new HttpError(503, 'ERR_SHUTTING_DOWN', 'the server is shutting down');
      if (path === '/extract') {
        if (request.method !== 'POST') throw new HttpError(405, 'ERR_METHOD_NOT_ALLOWED', 'use POST /extract');
        await extract(request, response);
      } else if (path === '/healthz') {
        if (request.method !== 'GET') throw new HttpError(405, 'ERR_METHOD_NOT_ALLOWED', 'use GET /healthz');
        const { modelPath, entityTypes, head } = ner.info;
        send(response, 200, { status: 'ok', model: modelPath, head, entityTypes });
      } else if (path === '/metrics') {
        if (request.method !== 'GET') throw new HttpError(405, 'ERR_METHOD_NOT_ALLOWED', 'use GET /metrics');
        send(response, 200, metrics.render(inFlight, ner.stats().tokens), 'text/plain; version=0.0.4; charset=utf-8');
      } else {
        throw new HttpError(404, 'ERR_NOT_FOUND', `no route ${path}; use POST /extract, GET /healthz or GET /metrics`);
      }
    } catch (error) {
      const failure = statusOf(error);
      metrics.errors.add(failure.code);
      if (!response.headersSent) send(response, failure.status, { error: { code: failure.code, message: failure.message } });
      else response.destroy();
    } finally {
      metrics.requests.add(String(response.statusCode));
      metrics.requestSeconds.observe((performance.now() - started) / 1000);
      inFlight--;
      if (draining && inFlight === 0) drained?.();
    }
  }

  const server = createServer((request, response) => {
    void handle(request, response);
  });

  return {
    server,
    url() {
      const address = server.address() as AddressInfo | null;
      if (!address) throw new Error('the server is not listening');
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${host}:${address.port}`;
    },
    async shutdown() {
      if (draining) return;
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      server.closeAllConnections();
      await closed;
      await ner.dispose();
    },
  };
}
