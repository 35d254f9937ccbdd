// The HTTP service: POST /extract, POST /redact, GET /healthz, GET /metrics (Prometheus text format); createService()
// builds it, `native-ner serve` runs it. Concurrent requests are separate extract (or redact) calls, which the engine
// merges into shared model batches. Every limit (SERVE_LIMITS, entries of the option table in options.ts) bounds what
// one client can cost the others; docs/server.md lists them. Nothing a client sends (texts, option names or values)
// is logged or becomes a metric label: test/server-no-leak.test.ts holds the service to that. The optional request
// log (lib/request-log.ts) writes counts per request, and texts only when asked to.
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname } from 'node:path';
import { NerError, type NerErrorCode } from './errors';
import type { Entity, ModelInfo, NativeNer } from './ner';
import { openRequestLog, RequestTrace, TokenMeter } from './request-log';
import type { Operator, OperatorObject, RedactedText, RedactionKeys } from './redaction';
import type { Rules } from './rules';
import { createShadow, type ShadowExtractor } from './shadow';
import type { DriftWindow } from './drift/window';
import type { Monitor } from './monitoring';
import {
  checkExtractOptions,
  checkRedactOptions,
  checkServeOptions,
  REQUEST_BOUNDS,
  SERVE_LIMITS,
  type ExtractOptions,
  type RedactOptions,
  type ServeOptions,
} from './options';

// The service's options and limits are entries of the option table (lib/options.ts).
export { SERVE_LIMITS, type ServeLimit, type ServeOptions } from './options';

/** A failed request: its status, error code and any headers the answer needs (Retry-After). */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: OutgoingHttpHeaders = {},
  ) {
    super(message);
  }
}

/** Status of NerErrors that are the request's doing or a passing condition; any other code is a 500. */
const STATUS_OF_NER_CODE: Partial<Record<NerErrorCode, number>> = {
  ERR_INVALID_ARGUMENT: 400,
  ERR_TEXT_TOO_LONG: 413,
  ERR_TOO_MANY_WINDOWS: 413,
  ERR_TIMEOUT: 503,
  ERR_DISPOSED: 503,
};

// A timed-out call means the queue was long; a second lets it drain before the client tries again.
const RETRY_AFTER_SECONDS = 1;

// An answer sent before the body arrived (413, 404, ...) reads and drops the rest, so the client can finish
// writing and read it; a body still coming after this many bytes has its connection closed instead.
const DISCARD_LIMIT_BYTES = 64 << 20;

export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A Prometheus histogram of durations in seconds, over LATENCY_BUCKETS. */
export class Histogram {
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
export class LabelledCounter {
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

/** Counters keyed by the values of two labels (a redaction's entity label and operator). */
export class LabelPairCounter {
  private readonly values = new Map<string, { first: string; second: string; count: number }>();
  add(first: string, second: string, n = 1): void {
    const key = JSON.stringify([first, second]);
    const entry = this.values.get(key) ?? { first, second, count: 0 };
    entry.count += n;
    this.values.set(key, entry);
  }
  render(name: string, help: string, [firstLabel, secondLabel]: [string, string]): string[] {
    const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} counter`];
    const order = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
    const entries = [...this.values.values()].sort((a, b) => order(a.first, b.first) || order(a.second, b.second));
    for (const { first, second, count } of entries) {
      lines.push(`${name}{${firstLabel}="${escapeLabel(first)}",${secondLabel}="${escapeLabel(second)}"} ${count}`);
    }
    return lines;
  }
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** The service's counters and histograms, rendered as Prometheus text by GET /metrics. */
export class Metrics {
  readonly requestSeconds = new Histogram();
  readonly inferenceSeconds = new Histogram();
  readonly requests = new LabelledCounter(); // by status code
  readonly errors = new LabelledCounter(); // by error code
  readonly entities = new LabelledCounter(); // by label
  readonly redactions = new LabelPairCounter(); // by entity label and operator
  texts = 0;

  /** `tokens`: the model's own count since it was loaded (the service owns the model). */
  render(inFlight: number, tokens: number): string {
    const counter = (name: string, help: string, value: number) => [`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${value}`];
    return [
      ...this.requests.render(
        'native_ner_http_requests_total',
        'HTTP requests, by status code; 499: the client closed the connection before the answer.',
        'code',
      ),
      ...this.requestSeconds.render('native_ner_http_request_duration_seconds', 'Time to answer a request.'),
      ...this.inferenceSeconds.render('native_ner_inference_duration_seconds', "Time of a request's extract or redact call."),
      ...counter('native_ner_texts_total', 'Texts processed.', this.texts),
      ...counter('native_ner_tokens_total', 'Model tokens of the texts processed.', tokens),
      ...this.entities.render('native_ner_entities_total', 'Entities found by /extract, by label.', 'label'),
      ...this.redactions.render('native_ner_redactions_total', 'Values rewritten (or kept) by /redact, by label and operator.', [
        'label',
        'operator',
      ]),
      ...this.errors.render('native_ner_errors_total', 'Failed requests, by error code (client disconnects excluded).', 'code'),
      '# HELP native_ner_http_requests_in_flight Requests being answered.',
      '# TYPE native_ner_http_requests_in_flight gauge',
      `native_ner_http_requests_in_flight ${inFlight}`,
      '',
    ].join('\n');
  }
}

/** The request body, at most `limit` bytes. On a 413 the rest is left unread, paused, for discardBody. */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new HttpError(413, 'ERR_BODY_TOO_LARGE', `request body of ${declared} bytes is over the limit of ${limit}`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      request.off('data', onData).off('end', onEnd).off('error', onGone).off('close', onGone);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      stop();
      request.pause();
      reject(new HttpError(413, 'ERR_BODY_TOO_LARGE', `request body is over the limit of ${limit} bytes`));
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    // The connection closed before the body ended; the response's 'close' listener counts the request.
    const onGone = () => {
      stop();
      reject(new ConnectionGone());
    };
    request.on('data', onData).once('end', onEnd).once('error', onGone).once('close', onGone);
  });
}

/** The client's connection is gone (closed by the client, a timeout or shutdown): nothing can be answered. */
class ConnectionGone extends Error {}

/** Reads and drops the rest of a request body, up to DISCARD_LIMIT_BYTES; beyond that it closes the connection. */
function discardBody(request: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    if (request.readableEnded || request.destroyed) return resolve();
    let dropped = 0;
    request.on('data', (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > DISCARD_LIMIT_BYTES) request.socket.destroy();
    });
    request.once('end', resolve).once('close', resolve).once('error', () => resolve());
    request.resume();
  });
}

/** Whether the request has a body that has not all arrived yet. */
function bodyPending(request: IncomingMessage): boolean {
  const { 'content-length': length, 'transfer-encoding': encoding } = request.headers;
  return !request.complete && (Number(length) > 0 || encoding !== undefined);
}

/** Reads {"texts": [...]} or {"text": "..."} and optional "options", which `checkOptions` checks. */
function parseBody<T>(body: Buffer, maxTexts: number, checkOptions: (options: unknown) => T): { texts: string[]; single: boolean; options: T } {
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
  // Rules are the server's (serve --rules FILE): a client naming files on this machine, or sending a list to build
  // per request, is refused.
  if (options !== null && typeof options === 'object' && 'rules' in options) {
    throw new HttpError(400, 'ERR_BAD_REQUEST', 'options.rules is not taken per request; the server has its rules (--rules FILE)');
  }
  if (options !== null && typeof options === 'object' && 'monitor' in options) {
    throw new HttpError(400, 'ERR_BAD_REQUEST', 'options.monitor is not taken per request; the server monitors drift itself (--baseline FILE)');
  }
  return { texts: list as string[], single, options: checkOptions(options) };
}

/**
 * A /redact request's options: extract's and redaction's, checked by the option table. Keys are the server's alone
 * (a client sending them would be choosing what protects other clients' hashes and tokens), and a pseudonym map
 * lives in one process, so pseudonyms is 'text' or 'call' (the request's texts).
 */
function checkRequestRedactOptions(options: unknown): RedactOptions {
  if (options !== null && typeof options === 'object' && !Array.isArray(options)) {
    if ('keys' in options) {
      throw new HttpError(
        400,
        'ERR_BAD_REQUEST',
        'options.keys is not taken per request; the server has its keys (--hash-key FILE, --encrypt-key FILE)',
      );
    }
    const { pseudonyms } = options as { pseudonyms?: unknown };
    if (pseudonyms !== undefined && pseudonyms !== 'text' && pseudonyms !== 'call') {
      throw new HttpError(400, 'ERR_BAD_REQUEST', "options.pseudonyms must be 'text' or 'call' (one numbering for the request's texts)");
    }
  }
  const { extract, redact } = checkRedactOptions(options);
  return { ...extract, ...redact };
}

/** The serve flag that gives the server the key of each keyed operator. */
export const KEY_FILE_FLAGS = { hash: '--hash-key', encrypt: '--encrypt-key' } as const;

/** The first keyed operator (hash, encrypt) of checked `operators` whose key `keys` lacks, and its label; else null. */
function missingKey(
  operators: Record<string, OperatorObject>,
  keys: RedactionKeys,
): { label: string; type: 'hash' | 'encrypt' } | null {
  for (const [label, { type }] of Object.entries(operators)) {
    if ((type === 'hash' || type === 'encrypt') && keys[type] === undefined) return { label, type };
  }
  return null;
}

/** What /redact takes from the server's configuration (createService's `redact`, serve's flags), never from a request. */
export interface RedactDefaults {
  /**
   * Operators by label ('*': every label not listed) for every request; a request's own `operators` replace them
   * label by label. Default: replace for every label.
   */
  operators?: Record<string, Operator>;
  /** Keys of the hash and encrypt operators (serve --hash-key, --encrypt-key); without one, requests for its operator get 400. */
  keys?: RedactionKeys;
}

/** createService's options: the limits (ServeOptions), and /redact's defaults and keys. */
export interface ServiceOptions extends ServeOptions {
  redact?: RedactDefaults;
  /**
   * A second model (serve --shadow DIR) run on shadowShare of /extract requests after they are answered, its
   * agreement with `ner` exported by /metrics (lib/shadow.ts). The service owns it and disposes it on shutdown.
   */
  shadow?: ShadowExtractor;
  /**
   * Drift monitoring (serve --baseline FILE): every /extract and /redact request is counted into the window's
   * monitor, and /metrics exports its drift gauges and histograms (lib/drift/window.ts, docs/monitoring.md).
   */
  drift?: DriftWindow<Monitor>;
}

/** Splits createService's options into the limits, for checkServeOptions, and /redact's defaults, checked here. */
function splitServiceOptions(options: unknown): {
  serve: unknown;
  redact: { operators: Record<string, OperatorObject>; keys: RedactionKeys };
} {
  if (options === null || typeof options !== 'object' || Array.isArray(options) || !('redact' in options)) {
    return { serve: options, redact: { operators: {}, keys: {} } };
  }
  const { redact: given, ...serve } = options as ServiceOptions;
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    throw new TypeError('redact must be an object: { operators?, keys? }');
  }
  const unknown = Object.keys(given).filter((key) => key !== 'operators' && key !== 'keys');
  if (unknown.length > 0) {
    throw new NerError('ERR_INVALID_ARGUMENT', `unknown redact default '${unknown[0]}'; known: operators, keys`);
  }
  const { redact } = checkRedactOptions({ operators: given.operators, keys: given.keys });
  const defaults = { operators: (redact.operators ?? {}) as Record<string, OperatorObject>, keys: redact.keys ?? {} };
  const missing = missingKey(defaults.operators, defaults.keys);
  if (missing) {
    const { label, type } = missing;
    const message = `redact.operators.${label} is ${type}, which needs redact.keys.${type} (serve ${KEY_FILE_FLAGS[type]} FILE)`;
    throw new NerError('ERR_INVALID_ARGUMENT', message);
  }
  return { serve, redact: defaults };
}

function statusOf(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof NerError) {
    const headers = error.code === 'ERR_TIMEOUT' ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {};
    return new HttpError(STATUS_OF_NER_CODE[error.code] ?? 500, error.code, error.message, headers);
  }
  if (error instanceof TypeError) return new HttpError(400, 'ERR_BAD_REQUEST', error.message);
  return new HttpError(500, 'ERR_INTERNAL', (error as Error)?.message ?? String(error));
}

/** The model directory's name: the ONNX file's folder, or its parent for a Hugging Face export's onnx/ folder. */
function modelNameOf(modelPath: string): string {
  const folder = dirname(modelPath);
  return basename(basename(folder) === 'onnx' ? dirname(folder) : folder);
}

/**
 * native_ner_model_info: which model answers, as labels of a constant 1 (the Prometheus info pattern), so a
 * dashboard can show the hash and an alert can fire when it changes.
 */
export function renderModelInfo(name: string, info: Pick<ModelInfo, 'identity' | 'ortVersion' | 'device'>): string[] {
  const { sha256, modelSha256, tokenizerSha256, configSha256 } = info.identity;
  const labels = Object.entries({
    model: name,
    sha256,
    model_sha256: modelSha256,
    tokenizer_sha256: tokenizerSha256,
    config_sha256: configSha256,
    ort_version: info.ortVersion,
    device: info.device,
  })
    .map(([label, value]) => `${label}="${escapeLabel(value)}"`)
    .join(',');
  return [
    '# HELP native_ner_model_info The model served: its combined identity (sha256) and the SHA-256 of each file, ONNX Runtime version and device.',
    '# TYPE native_ner_model_info gauge',
    `native_ner_model_info{${labels}} 1`,
  ];
}

function delay(ms: number): { promise: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return { promise, cancel: () => clearTimeout(timer) };
}

/** One line saying what a rules set holds, for the log: its rules (entities' sources) and phrase count. */
export function describeRules(rules: Rules): string {
  const names = rules.sourceNames.slice(1);
  return `${names.length} rule${names.length === 1 ? '' : 's'} (${names.join(', ') || 'none'}), ${rules.phraseCount} phrases`;
}

export interface RulesReloader {
  /**
   * Loads the rules file again and, when it is valid, makes it the model's rules (ner.setRules: requests already
   * made finish with the set they started with); an invalid file leaves the current set. Logs either outcome.
   * Reloads asked for while one runs wait for it, so the file's latest content always wins. Resolves true once the
   * new set is in use.
   */
  reload(): Promise<boolean>;
}

/** Reloads `file` into `ner` on demand (serve reloads on SIGHUP); `log` gets one line per reload. */
export function createRulesReloader(ner: NativeNer, file: string, log: (line: string) => void): RulesReloader {
  let last: Promise<unknown> = Promise.resolve();
  const load = async (): Promise<boolean> => {
    let rules: Rules;
    try {
      // Loaded when first used, so the service's module (and its unit tests) does not load the addon's binding.
      const { loadRules } = await import('./rules');
      rules = await loadRules(file);
    } catch (error) {
      // The native loader's message names the file, line and entry.
      const reason = error instanceof NerError ? `${error.message} (${error.code})` : String((error as Error)?.message ?? error);
      log(`native-ner: rules not reloaded, keeping the previous set: ${reason}`);
      return false;
    }
    await ner.setRules(rules);
    log(`native-ner: rules reloaded from ${file}: ${describeRules(rules)}`);
    return true;
  };
  return {
    reload() {
      const next = last.then(load);
      last = next;
      return next;
    },
  };
}

export interface NerService {
  server: Server;
  /**
   * Stops accepting connections and closes idle ones, answers the requests in flight for up to shutdownGraceMs,
   * then closes the connections left and releases the model. Calling it again returns the same promise.
   */
  shutdown(): Promise<void>;
  /** The address the server listens on, once listening. */
  url(): string;
}

/** Serves `ner` over HTTP. Call listen() on the returned server; the service owns `ner` and disposes it on shutdown. */
export function createService(ner: NativeNer, options: ServiceOptions = {}): NerService {
  const isObject = options !== null && typeof options === 'object' && !Array.isArray(options);
  const { shadow: shadowModel, drift, ...serviceOptions } = isObject ? options : { shadow: undefined, drift: undefined };
  const { serve: serveOptions, redact: redactDefaults } = splitServiceOptions(isObject ? serviceOptions : options);
  const limits = checkServeOptions(serveOptions);
  const shadow =
    shadowModel === undefined
      ? null
      : createShadow(shadowModel, { share: limits.shadowShare, maxCalls: limits.shadowMaxCalls, timeoutMs: limits.shadowTimeoutMs });
  // A default for a label nobody gives would fail every /redact request as if the client had made the typo.
  const known = [...ner.info.entityTypes, ...(ner.currentRules?.labels ?? [])];
  const unknownLabel = Object.keys(redactDefaults.operators).find((label) => label !== '*' && !known.includes(label));
  if (unknownLabel !== undefined) {
    const message = `the default operator of ${unknownLabel} names a label the model and its rules do not give (they give ${known.join(', ')})`;
    throw new NerError('ERR_INVALID_ARGUMENT', message);
  }
  const metrics = new Metrics();
  const modelName = modelNameOf(ner.info.modelPath);
  const { identity } = ner.info; // hashed when the model was loaded
  const modelInfoText = `${renderModelInfo(modelName, ner.info).join('\n')}\n`;
  const requestLog = limits.requestLog === undefined ? null : openRequestLog(limits.requestLog, (line) => process.stderr.write(`${line}\n`));
  const traces = new WeakMap<IncomingMessage, RequestTrace>();
  const tokenMeter = new TokenMeter(() => (ner.disposed ? Number.NaN : ner.stats().tokens));
  let inFlight = 0;
  let draining = false;
  let forcedClose = false;
  let stopping: Promise<void> | null = null;

  /** Starts the answer; during shutdown, or with the body still arriving, the connection closes after it. */
  const writeHead = (
    request: IncomingMessage,
    response: ServerResponse,
    status: number,
    type: string,
    text: string,
    headers: OutgoingHttpHeaders = {},
  ) => {
    const close = draining || bodyPending(request);
    response.writeHead(status, {
      'content-type': type,
      'content-length': Buffer.byteLength(text),
      ...(close ? { connection: 'close' } : {}),
      ...headers,
    });
  };

  /** The request's trace (its id, counts and texts for the request log), begun when it arrived. */
  function traceOf(request: IncomingMessage): RequestTrace {
    let trace = traces.get(request);
    if (!trace) {
      trace = new RequestTrace(request);
      traces.set(request, trace);
    }
    return trace;
  }

  /** Gives the request its id, in the answer's x-request-id header whatever the answer is. */
  function beginTrace(request: IncomingMessage, response: ServerResponse): void {
    response.setHeader('x-request-id', traceOf(request).id);
  }

  /** Counts a failed request's error code, for /metrics and the request's log line. */
  function countError(request: IncomingMessage, code: string): void {
    metrics.errors.add(code);
    traceOf(request).error ??= code;
  }

  /** The request's texts: their count, and the texts themselves only when the log is to hold them. */
  function traceTexts(request: IncomingMessage, texts: string[]): void {
    const trace = traceOf(request);
    trace.texts = texts.length;
    if (requestLog && limits.logTexts) trace.input = texts;
  }

  /** The answer's labels, counted for the log line, and the answer itself only when the log is to hold texts. */
  function traceAnswer(request: IncomingMessage, labels: Iterable<string>, output: unknown): void {
    if (!requestLog) return;
    const trace = traceOf(request);
    for (const label of labels) trace.countLabel(label);
    if (limits.logTexts) trace.output = output;
  }

  /** Runs a model call, counting its tokens for the request's log line when there is a log. */
  function measured<T>(request: IncomingMessage, call: () => Promise<T>): Promise<T> {
    return requestLog ? tokenMeter.measure(traceOf(request), call) : call();
  }

  /** Writes the request's log line once its connection is done with it. */
  function finishTrace(request: IncomingMessage, status: number): void {
    const trace = traceOf(request);
    requestLog?.write(trace.toLine(status, identity.sha256, limits.logTexts));
  }

  const sendJson = (request: IncomingMessage, response: ServerResponse, status: number, body: unknown, headers?: OutgoingHttpHeaders) => {
    const text = JSON.stringify(body);
    writeHead(request, response, status, 'application/json; charset=utf-8', text, headers);
    response.end(text);
  };

  /**
   * The client's options within the server's limits (REQUEST_BOUNDS): a stride over maxStride is refused, the
   * window and time bounds lowered to the server's.
   */
  function withinLimits<T extends ExtractOptions>(requested: T): T {
    const bounded: T = { ...requested };
    for (const { limit, option, over } of REQUEST_BOUNDS) {
      const value = requested[option];
      if (over === 'lower') {
        bounded[option] = Math.min(value ?? Infinity, limits[limit]);
      } else if (value !== undefined && value > limits[limit]) {
        throw new HttpError(
          400,
          'ERR_INVALID_ARGUMENT',
          `${option} ${value} is over this server's limit of ${limits[limit]} (${SERVE_LIMITS[limit].flag})`,
        );
      }
    }
    return bounded;
  }

  /** Names the server's limit in the engine's too-many-windows and timeout messages: a client cannot raise it. */
  function explainLimit(error: unknown): unknown {
    if (!(error instanceof NerError)) return error;
    const limit =
      error.code === 'ERR_TOO_MANY_WINDOWS'
        ? `this server allows ${limits.maxWindows} windows a request (${SERVE_LIMITS.maxWindows.flag})`
        : error.code === 'ERR_TIMEOUT'
          ? `this server allows ${limits.extractTimeoutMs} ms a request (${SERVE_LIMITS.extractTimeoutMs.flag})`
          : null;
    return limit ? new NerError(error.code, `${error.message}; ${limit}`) : error;
  }

  function requireJson(request: IncomingMessage): void {
    const type = String(request.headers['content-type'] ?? '');
    if (!/^application\/json\b/i.test(type)) {
      throw new HttpError(415, 'ERR_UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
    }
  }

  /** The options of a request's call, counted into the drift window's monitor when the service has one. */
  const monitored = <T extends ExtractOptions>(callOptions: T): T => (drift ? { ...callOptions, monitor: drift.monitorForRequest() } : callOptions);

  async function extract(request: IncomingMessage, response: ServerResponse): Promise<void> {
    requireJson(request);
    const body = await readBody(request, limits.maxBodyBytes);
    const { texts, single, options: requested } = parseBody(body, limits.maxTexts, checkExtractOptions);
    traceTexts(request, texts);
    const extractOptions = withinLimits(requested);
    const started = performance.now();
    const results = await measured(request, () => ner.extract(texts, monitored(extractOptions))).catch((error: unknown) => {
      throw explainLimit(error);
    });
    metrics.inferenceSeconds.observe((performance.now() - started) / 1000);
    metrics.texts += texts.length;
    for (const entities of results) for (const e of entities) metrics.entities.add(e.label);
    traceAnswer(request, results.flatMap((entities) => entities.map((e) => e.label)), results);
    sendJson(request, response, 200, { entities: single ? results[0] : results } satisfies { entities: Entity[] | Entity[][] });
    shadow?.offer(texts, extractOptions, results); // after the answer is written: never on the response's path
  }

  async function redact(request: IncomingMessage, response: ServerResponse): Promise<void> {
    requireJson(request);
    const body = await readBody(request, limits.maxBodyBytes);
    const { texts, single, options: requested } = parseBody(body, limits.maxTexts, checkRequestRedactOptions);
    traceTexts(request, texts);
    // The request's operators replace the server's label by label; the keys are always the server's.
    const operators = { ...redactDefaults.operators, ...(requested.operators as Record<string, OperatorObject> | undefined) };
    const missing = missingKey(operators, redactDefaults.keys);
    if (missing) {
      const { label, type } = missing;
      const which = label === '*' ? 'every label' : label;
      const message = `operator ${type} (${which}) needs this server's ${type} key: start it with ${KEY_FILE_FLAGS[type]} FILE`;
      throw new HttpError(400, 'ERR_INVALID_ARGUMENT', message);
    }
    const redactOptions: RedactOptions = { ...withinLimits(requested), operators, keys: redactDefaults.keys };
    const started = performance.now();
    const results = await measured(request, () => ner.redact(texts, monitored(redactOptions))).catch((error: unknown) => {
      throw explainLimit(error);
    });
    metrics.inferenceSeconds.observe((performance.now() - started) / 1000);
    metrics.texts += texts.length;
    // Labels come from the model and the server's rules, operators from a fixed set: never a client's text.
    for (const { items } of results) for (const item of items) metrics.redactions.add(item.label, item.operator);
    traceAnswer(request, results.flatMap(({ items }) => items.map((item) => item.label)), results);
    sendJson(request, response, 200, { redacted: single ? results[0] : results } satisfies { redacted: RedactedText | RedactedText[] });
  }

  /** GET, or HEAD: the same status and headers without the body (Node leaves it out for HEAD). */
  function requireRead(request: IncomingMessage, path: string): void {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      throw new HttpError(405, 'ERR_METHOD_NOT_ALLOWED', `use GET ${path}`, { allow: 'GET, HEAD' });
    }
  }

  /** Counts a request once its connection is done with it: answered, or cut off before the answer was sent. */
  function countWhenClosed(request: IncomingMessage, response: ServerResponse, started: number): void {
    response.once('close', () => {
      let code = String(response.statusCode);
      if (!response.writableFinished) {
        if ((request.socket.errored as NodeJS.ErrnoException | null)?.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
          code = '408'; // Node answered 408 itself: the client was too slow sending the request
          countError(request, 'ERR_REQUEST_TIMEOUT');
        } else if (forcedClose) {
          code = '503'; // shutdown's grace period ran out
          countError(request, 'ERR_SHUTTING_DOWN');
        } else {
          code = '499'; // the client closed the connection: not a failure of the server
        }
      }
      metrics.requests.add(code);
      metrics.requestSeconds.observe((performance.now() - started) / 1000);
      finishTrace(request, Number(code));
    });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    beginTrace(request, response);
    countWhenClosed(request, response, performance.now());
    inFlight++;
    try {
      const path = (request.url ?? '/').split('?')[0];
      if (draining && path !== '/metrics') throw new HttpError(503, 'ERR_SHUTTING_DOWN', 'the server is shutting down');
      if (path === '/extract') {
        if (request.method !== 'POST') throw new HttpError(405, 'ERR_METHOD_NOT_ALLOWED', 'use POST /extract', { allow: 'POST' });
        await extract(request, response);
      } else if (path === '/redact') {
        if (request.method !== 'POST') throw new HttpError(405, 'ERR_METHOD_NOT_ALLOWED', 'use POST /redact', { allow: 'POST' });
        await redact(request, response);
      } else if (path === '/healthz') {
        requireRead(request, path);
        const { entityTypes, head } = ner.info;
        // model.sha256 stays the ONNX file's, as before identity existed; identity.sha256 is the combined one.
        sendJson(request, response, 200, { status: 'ok', model: { name: modelName, sha256: identity.modelSha256, identity }, head, entityTypes });
      } else if (path === '/metrics') {
        requireRead(request, path);
        const text = metrics.render(inFlight, ner.stats().tokens) + modelInfoText + (shadow ? `${shadow.render().join('\n')}\n` : '') + (drift ? drift.render() : '');
        writeHead(request, response, 200, 'text/plain; version=0.0.4; charset=utf-8', text);
        response.end(text);
      } else {
        throw new HttpError(404, 'ERR_NOT_FOUND', `no route ${path}; use POST /extract, POST /redact, GET /healthz or GET /metrics`);
      }
    } catch (error) {
      if (error instanceof ConnectionGone || response.destroyed) return; // counted by countWhenClosed
      const failure = statusOf(error);
      countError(request, failure.code);
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const text = JSON.stringify({ error: { code: failure.code, message: failure.message } });
      writeHead(request, response, failure.status, 'application/json; charset=utf-8', text, failure.headers);
      if (!bodyPending(request)) {
        response.end(text);
      } else {
        // Answered before the body arrived: let the client finish writing, so it reads this instead of EPIPE.
        response.write(text);
        await discardBody(request);
        response.end();
      }
    } finally {
      inFlight--;
    }
  }

  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // How often Node checks both timeouts; its default, 30 s, would let a slow client outlast them by that much.
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    (request, response) => {
      void handle(request, response);
    },
  );

  async function stop(): Promise<void> {
    draining = true;
    // server.close stops accepting and calls back once every connection has ended; answers sent while draining
    // close their connections (connection: close).
    const allClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const grace = delay(limits.shutdownGraceMs);
    const inTime = await Promise.race([allClosed.then(() => true), grace.promise.then(() => false)]);
    grace.cancel();
    if (!inTime) {
      forcedClose = true;
      server.closeAllConnections();
      await allClosed;
    }
    // Past the grace period, extract calls still running are aborted too, so shutdown does not outlast it by more
    // than the batch ONNX Runtime is running.
    // Every connection has ended, so every request's log line is written: the log can close.
    await Promise.all([ner.dispose({ abortRunning: !inTime }), shadow?.close(), requestLog?.close()]);
  }

  return {
    server,
    url() {
      const address = server.address() as AddressInfo | null;
      if (!address) throw new Error('the server is not listening');
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${host}:${address.port}`;
    },
    shutdown() {
      stopping ??= stop();
      return stopping;
    },
  };
}
