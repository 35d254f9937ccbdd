// The service's request log (serve --request-log FILE): one JSON line per request once its connection is done with
// it: when it arrived, its id (the x-request-id header both ways), route, status, error code, texts, model tokens,
// latency, entities per label and the model's identity. No text of a request or an answer is written unless
// logTexts is set (serve --log-texts): the log then holds personal data. docs/server.md "Request log" describes it.
import { randomUUID } from 'node:crypto';
import { closeSync, createWriteStream, openSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';

/**
 * A client's x-request-id is kept only if it looks like an id: 8 to 64 hex digits and dashes (a UUID, a W3C trace id).
 * Free text is refused, so the header cannot carry names or other text into the log; any other value gets a new id.
 */
export const CLIENT_REQUEST_ID = /^[0-9A-Fa-f][0-9A-Fa-f-]{7,63}$/;

/** The request's id: the client's x-request-id when CLIENT_REQUEST_ID accepts it, else a new UUID. */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
}

/** The routes a line names; any other path is logged as 'other', never as the path a client sent. */
const ROUTES = ['/extract', '/redact', '/healthz', '/metrics'];
/** Methods as Node parses them are a fixed set, but a line names only the ones the service answers. */
const METHODS = ['GET', 'HEAD', 'POST'];

/** One line of the request log. */
export interface RequestLogLine {
  /** When the request's headers arrived, ISO 8601 in UTC. */
  time: string;
  /** The x-request-id the answer carried. */
  id: string;
  /** GET, HEAD, POST or OTHER. */
  method: string;
  /** /extract, /redact, /healthz, /metrics or other. */
  route: string;
  /** The HTTP status, as native_ner_http_requests_total counts it (499: the client left first). */
  status: number;
  /** The error code of a failed request (as native_ner_errors_total), absent otherwise. */
  error?: string;
  /** Texts in the request (0 for requests refused before their texts were read). */
  texts: number;
  /** Model tokens counted by the engine during the request's call. */
  tokens: number;
  /** Present (true) when other calls of the model ran at the same time: `tokens` then includes some of theirs. */
  tokensShared?: true;
  /** Milliseconds from the headers' arrival to the connection being done with the answer. */
  latencyMs: number;
  /** Entities (/extract) or rewritten values (/redact) per label. */
  entities: Record<string, number>;
  /** The combined model identity (ner.info.identity.sha256). */
  sha256: string;
  /** With logTexts only: the request's texts, and what the answer held for them (entities or redactions). */
  input?: string[];
  output?: unknown;
}

/** What the service learns about one request while answering it. */
export class RequestTrace {
  readonly id: string;
  readonly arrived = new Date();
  readonly started = performance.now();
  readonly method: string;
  readonly route: string;
  /** The first error code counted for the request. */
  error?: string;
  texts = 0;
  tokens = 0;
  tokensShared = false;
  readonly entities: Record<string, number> = {};
  input?: string[];
  output?: unknown;

  constructor(request: IncomingMessage) {
    this.id = requestIdOf(request);
    const path = (request.url ?? '/').split('?')[0];
    this.route = ROUTES.includes(path) ? path : 'other';
    this.method = METHODS.includes(request.method ?? '') ? (request.method as string) : 'OTHER';
  }

  /** Counts one entity (or rewritten value) of `label`: a label of the model or the server's rules, never text. */
  countLabel(label: string): void {
    this.entities[label] = (this.entities[label] ?? 0) + 1;
  }

  /** The log line, once the request is done; `withTexts` adds the input and output kept on the trace. */
  toLine(status: number, sha256: string, withTexts: boolean): RequestLogLine {
    const { error } = this;
    const line: RequestLogLine = {
      time: this.arrived.toISOString(),
      id: this.id,
      method: this.method,
      route: this.route,
      status,
      ...(error === undefined ? {} : { error }),
      texts: this.texts,
      tokens: this.tokens,
      ...(this.tokensShared ? { tokensShared: true as const } : {}),
      latencyMs: Math.round((performance.now() - this.started) * 1000) / 1000,
      entities: this.entities,
      sha256,
    };
    if (withTexts && this.input !== undefined) Object.assign(line, { input: this.input, output: this.output });
    return line;
  }
}

/**
 * Model tokens per call, from the engine's counter (ner.stats().tokens) before and after it. Calls that overlap
 * (concurrent requests share model batches) cannot be told apart by the counter: each is marked shared.
 */
export class TokenMeter {
  private readonly running = new Set<{ shared: boolean }>();

  /** `tokensNow`: the engine's count; NaN when it cannot be read (the model is released). */
  constructor(private readonly tokensNow: () => number) {}

  async measure<T>(trace: RequestTrace, call: () => Promise<T>): Promise<T> {
    const entry = { shared: this.running.size > 0 };
    for (const other of this.running) other.shared = true;
    this.running.add(entry);
    const before = this.tokensNow();
    try {
      return await call();
    } finally {
      this.running.delete(entry);
      const counted = this.tokensNow() - before;
      if (Number.isFinite(counted)) trace.tokens += counted;
      trace.tokensShared ||= entry.shared;
    }
  }
}

/** Where the lines go. */
export interface RequestLog {
  /** The file, or '-' for standard output. */
  readonly target: string;
  write(line: RequestLogLine): void;
  /** Flushes and closes the file (standard output stays open). */
  close(): Promise<void>;
}

/**
 * Opens the request log: '-' is standard output, any other target a file opened for appending now, so a path that
 * cannot be written fails at start. A write failing later (a full disk) is reported once through `warn` and the
 * lines after it are dropped: the log never stops the service.
 */
export function openRequestLog(target: string, warn: (message: string) => void): RequestLog {
  if (target === '-') {
    return {
      target,
      write: (line) => void process.stdout.write(`${JSON.stringify(line)}\n`),
      close: () => Promise.resolve(),
    };
  }
  const fd = openSync(target, 'a');
  let stream;
  try {
    stream = createWriteStream(target, { fd });
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  let failed = false;
  stream.on('error', (error) => {
    if (!failed) warn(`native-ner: request log ${target}: ${error.message}; no further lines are written`);
    failed = true;
  });
  const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
  return {
    target,
    write(line) {
      if (!failed && !stream.writableEnded) stream.write(`${JSON.stringify(line)}\n`);
    },
    close() {
      if (!stream.writableEnded) stream.end();
      return closed;
    },
  };
}
