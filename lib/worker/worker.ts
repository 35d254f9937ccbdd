// The queue worker: reads messages from a WorkerTransport (transport.ts) in batches, runs each batch's texts through
// the engine as one call, publishes one result per message and only then acknowledges it. Messages left pending by
// a dead consumer are claimed after claimIdleMs; a message delivered more than maxDeliveries times, malformed, over
// the size limits or refused by the engine for its own content goes to the dead-letter stream and is acknowledged,
// so one poison message never stalls the group. Work in flight is bounded (maxInFlight messages read and not yet
// acknowledged: no read is made beyond it), queue errors are retried with exponential backoff, and stop() finishes
// and acknowledges what is in flight (up to shutdownGraceMs). The loop knows only the transport interface.
import { basename, dirname } from 'node:path';
import type { ModelIdentity } from '../identity';
import type { Entity } from '../ner';
import { checkWorkerOptions, type CheckedWorkerOptions, type ExtractOptions, type RedactOptions, type WorkerOptions } from '../options';
import type { RedactedText } from '../redaction';
import { deadLetterEntry, MessageError, parseMessage, resultEntry, type ParsedMessage } from './messages';
import { startMetricsEndpoint, WorkerMetrics, type MetricsEndpoint } from './metrics';
import type { Backlog, OutputEntry, QueueMessage, WorkerTransport } from './transport';

/** What the worker needs of a model: NativeNer has it; tests give a stand-in. */
export interface WorkerEngine {
  extract(texts: string[], options?: ExtractOptions): Promise<Entity[][]>;
  redact(texts: string[], options?: RedactOptions): Promise<RedactedText[]>;
  readonly info?: { readonly modelPath?: string; readonly identity?: ModelIdentity };
}

/** createWorker's options: the worker's own (the option table's 'worker' scope) and what each engine call gets. */
export interface CreateWorkerOptions extends WorkerOptions {
  /** Options of every extract call (rules, confidence, labels, segment, ...). */
  extract?: ExtractOptions;
  /**
   * Redact instead of extract, with these options (operators, keys, minScores, allow, includeOriginal; pseudonyms
   * 'text' only): results carry "redacted" instead of "entities".
   */
  redact?: RedactOptions;
  /** Address of the metrics endpoint (metricsPort). Default 127.0.0.1. */
  metricsHost?: string;
  /** Gets one line per event worth a log: claims, dead letters, queue errors and recoveries, shutdown. */
  log?: (line: string) => void;
}

export interface Worker {
  /** Runs until stop(): resolves once stopped, the messages in flight finished (or shutdownGraceMs passed). */
  run(): Promise<void>;
  /** Stops reading, lets the messages in flight finish and be acknowledged, closes the transport; resolves when done. */
  stop(): Promise<void>;
  readonly metrics: WorkerMetrics;
  /** Messages read and not yet acknowledged. */
  readonly inFlight: number;
  /** The metrics endpoint, once run() has started it (metricsPort given). */
  readonly endpoint: MetricsEndpoint | undefined;
  /** The metrics as Prometheus text, with the group's backlog asked of the queue. */
  renderMetrics(): Promise<string>;
}

// Engine errors caused by a message's own content: retrying cannot help, so it is dead-lettered at once. Others
// (ERR_TIMEOUT, ERR_INFERENCE_FAILED, ERR_DISPOSED, ERR_INTERNAL, ...) may pass: the message stays pending.
const POISON_CODES = new Set(['ERR_INVALID_ARGUMENT', 'ERR_TEXT_TOO_LONG', 'ERR_TOO_MANY_WINDOWS']);
// Backoff while the queue is unreachable: from this, doubling, up to reconnectMaxMs.
const FIRST_BACKOFF_MS = 100;
// The last engine error of messages left pending, for their dead-letter entry if they come back too often: bounded.
const REMEMBERED_ERRORS = 10_000;

/** An error's code and message, for a dead-letter entry. */
function describeError(error: unknown): { code: string; message: string } {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return { code: typeof code === 'string' ? code : error instanceof TypeError ? 'ERR_INVALID_ARGUMENT' : 'ERR_UNKNOWN', message };
}

function isPoison(error: unknown): boolean {
  return error instanceof TypeError || POISON_CODES.has(describeError(error).code);
}

/** A message after parsing: its texts, or the reason it goes to the dead-letter stream. */
type Sorted = { message: QueueMessage; parsed: ParsedMessage } | { message: QueueMessage; refused: { code: string; message: string } };

/**
 * The model directory's name, as the HTTP service shows it (never the path): the ONNX file's folder, or its parent
 * for a Hugging Face export's onnx/ folder.
 */
function modelNameOf(modelPath: string | undefined): string {
  if (modelPath === undefined) return 'unknown';
  const folder = dirname(modelPath);
  return basename(basename(folder) === 'onnx' ? dirname(folder) : folder);
}

/** The queue was unreachable until the shutdown deadline: the messages concerned stay pending, to be claimed. */
class Abandoned extends Error {}

/**
 * A worker that runs `ner` over the messages of `transport`. Call run() to start it and stop() (e.g. on SIGTERM) to
 * end it. Options are checked here (a wrong one throws before anything runs).
 */
export function createWorker(ner: WorkerEngine, transport: WorkerTransport, options: CreateWorkerOptions = {}): Worker {
  const { extract: extractOptions, redact: redactOptions, metricsHost, log = () => undefined, ...own } = options;
  const config: CheckedWorkerOptions = checkWorkerOptions(own);
  if (redactOptions?.pseudonyms !== undefined && redactOptions.pseudonyms !== 'text') {
    // Numbers running across a call would depend on which messages share a batch: a redelivery could differ.
    throw new TypeError("the worker's redact pseudonyms must be 'text': numbering across a batch is not repeatable");
  }
  const field = redactOptions ? 'redacted' : 'entities';
  const metrics = new WorkerMetrics();
  const modelName = modelNameOf(ner.info?.modelPath);
  const lastErrors = new Map<string, { code: string; message: string }>();
  const inFlightIds = new Set<string>();
  const tasks = new Set<Promise<void>>();
  let inFlight = 0;
  let stopping = false;
  let deadline = Number.POSITIVE_INFINITY;  // when stopping: the end of the grace period
  let running: Promise<void> | undefined;
  let endpoint: MetricsEndpoint | undefined;
  let backoffMs = FIRST_BACKOFF_MS;
  let failing = false;  // the queue is failing now: log the outage once, and its end
  // Whoever waits for room in flight, or the end of a backoff: a finished batch or stop() wakes them all.
  const waiters = new Set<() => void>();
  const nextWake = () => new Promise<void>((resolve) => waiters.add(resolve));
  function wake(): void {
    for (const resolve of waiters) resolve();
    waiters.clear();
  }

  /** Waits `ms`, or less if a batch finishes or stop() is called. */
  async function pause(ms: number): Promise<void> {
    let resolve: () => void = () => undefined;
    const woken = new Promise<void>((r) => (resolve = r));
    waiters.add(resolve);
    const timer = setTimeout(resolve, ms);
    await woken;
    clearTimeout(timer);
    waiters.delete(resolve);
  }

  /** Runs a queue operation until it succeeds, waiting with backoff between attempts; gives up past the deadline. */
  async function retrying<T>(what: string, operation: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        const result = await operation();
        if (failing) log(`native-ner worker: the queue answers again (${transport.kind})`);
        failing = false;
        backoffMs = FIRST_BACKOFF_MS;
        return result;
      } catch (error) {
        metrics.queueErrors++;
        if (!failing) log(`native-ner worker: ${what} failed (${(error as Error).message}); retrying with backoff up to ${config.reconnectMaxMs} ms`);
        failing = true;
        if (Date.now() >= deadline) throw new Abandoned(`${what}: the queue was unreachable until the shutdown deadline`);
        const wait = Math.min(backoffMs, config.reconnectMaxMs, Math.max(0, deadline - Date.now()));
        backoffMs = Math.min(backoffMs * 2, config.reconnectMaxMs);
        await pause(wait);
        // A stop during the wait ends the reads; work in flight keeps trying until the deadline.
        if ((what === 'read' || what === 'start') && stopping) throw new Abandoned('stopping');
      }
    }
  }

  /** Runs the engine on texts: entities or redactions, one per text. */
  async function engine(texts: string[]): Promise<unknown[]> {
    return redactOptions ? ner.redact(texts, redactOptions) : ner.extract(texts, extractOptions);
  }

  /**
   * Each message's results, or its error: one engine call for them all, and if that fails, one per message, so a
   * message whose content the engine refuses is told apart from the others.
   */
  async function runEngine(work: { parsed: ParsedMessage }[]): Promise<({ results: unknown[] } | { error: unknown })[]> {
    const all = work.flatMap(({ parsed }) => parsed.texts);
    const started = performance.now();
    try {
      const results = await engine(all);
      metrics.batchSeconds.observe((performance.now() - started) / 1000);
      let offset = 0;
      return work.map(({ parsed }) => ({ results: results.slice(offset, (offset += parsed.texts.length)) }));
    } catch (error) {
      if (work.length === 1) return [{ error }];
    }
    const outcomes: ({ results: unknown[] } | { error: unknown })[] = [];
    for (const { parsed } of work) {
      try {
        outcomes.push({ results: await engine(parsed.texts) });
      } catch (error) {
        outcomes.push({ error });
      }
    }
    return outcomes;
  }

  function sort(message: QueueMessage): Sorted {
    if (message.deliveries > config.maxDeliveries) {
      const last = lastErrors.get(message.id);
      const because = last ? `; the last error here was ${last.code}: ${last.message}` : '';
      const text = `delivered ${message.deliveries} times, more than maxDeliveries (${config.maxDeliveries})${because}`;
      return { message, refused: { code: 'ERR_TOO_MANY_DELIVERIES', message: text } };
    }
    try {
      return { message, parsed: parseMessage(message.fields, config) };
    } catch (error) {
      if (error instanceof MessageError) return { message, refused: { code: error.code, message: error.message } };
      throw error;
    }
  }

  /** One read's messages: engine, then results and dead letters written, then acknowledgements. */
  async function processBatch(messages: QueueMessage[]): Promise<void> {
    const sorted = messages.map(sort);
    const work = sorted.filter((s): s is Extract<Sorted, { parsed: ParsedMessage }> => 'parsed' in s);
    const letters = sorted.filter((s): s is Extract<Sorted, { refused: unknown }> => 'refused' in s).map(({ message, refused }) => ({ message, error: refused }));
    const results: OutputEntry[] = [];
    const done: string[] = [];
    let texts = 0;
    if (work.length > 0) {
      metrics.batchMessages.observe(work.length);
      const outcomes = await runEngine(work);
      outcomes.forEach((outcome, i) => {
        const { message, parsed } = work[i];
        if ('results' in outcome) {
          results.push(resultEntry(message.id, parsed, field, outcome.results, ner.info?.identity));
          done.push(message.id);
          texts += parsed.texts.length;
        } else if (isPoison(outcome.error)) {
          letters.push({ message, error: describeError(outcome.error) });
        } else {
          // Left pending: claimed again after claimIdleMs, dead-lettered after maxDeliveries.
          metrics.failed++;
          if (lastErrors.size >= REMEMBERED_ERRORS) lastErrors.delete(lastErrors.keys().next().value as string);
          lastErrors.set(message.id, describeError(outcome.error));
          log(`native-ner worker: message ${message.id} failed (${describeError(outcome.error).code}); left pending for a retry`);
        }
      });
    }
    try {
      if (results.length > 0) await retrying('publish', () => transport.publish(results));
      if (letters.length > 0) {
        const entries = letters.map(({ message, error }) => deadLetterEntry(message.id, message.fields, error, message.deliveries));
        await retrying('dead-letter', () => transport.deadLetter(entries));
      }
      const acked = [...done, ...letters.map(({ message }) => message.id)];
      if (acked.length > 0) await retrying('ack', () => transport.ack(acked));
    } catch (error) {
      if (error instanceof Abandoned) return;  // still pending: another consumer claims them
      throw error;
    }
    metrics.processed += done.length;
    metrics.texts += texts;
    for (const { message, error } of letters) {
      metrics.addDeadLetter(error.code);
      lastErrors.delete(message.id);
      log(`native-ner worker: message ${message.id} dead-lettered: ${error.code}`);
    }
    for (const id of done) lastErrors.delete(id);
  }

  /** Starts a batch without waiting for it; it counts in flight until acknowledged. */
  function dispatch(messages: QueueMessage[]): void {
    inFlight += messages.length;
    for (const { id } of messages) inFlightIds.add(id);
    const task = processBatch(messages)
      .catch((error: unknown) => log(`native-ner worker: a batch failed: ${(error as Error).message}`))
      .finally(() => {
        inFlight -= messages.length;
        for (const { id } of messages) inFlightIds.delete(id);
        tasks.delete(task);
        wake();
      });
    tasks.add(task);
  }

  /** How many messages the next read may ask for: 0 while in-flight work leaves no room for a full read. */
  function room(): number {
    const free = config.maxInFlight - inFlight;
    return free >= Math.min(config.readCount, config.maxInFlight) ? Math.min(config.readCount, free) : 0;
  }

  async function loop(): Promise<void> {
    let lastClaim = Number.NEGATIVE_INFINITY;  // claim at once: a restarted worker picks up what was left
    try {
      await retrying('start', () => transport.start());
    } catch (error) {
      if (error instanceof Abandoned) return;
      throw error;
    }
    log(`native-ner worker: reading (${transport.kind}), at most ${config.maxInFlight} message(s) in flight`);
    while (!stopping) {
      const count = room();
      if (count === 0) {
        await nextWake();  // backpressure: a batch finishing (or stop) wakes us
        continue;
      }
      let messages: QueueMessage[] = [];
      try {
        if (Date.now() - lastClaim >= config.claimIntervalMs) {
          const claimed = (await retrying('read', () => transport.claimStale(config.claimIdleMs, count)))
            // A message of ours still running is not taken twice.
            .filter(({ id }) => !inFlightIds.has(id));
          lastClaim = claimed.length === count ? Number.NEGATIVE_INFINITY : Date.now();  // a full claim: there may be more
          if (claimed.length > 0) log(`native-ner worker: claimed ${claimed.length} stale message(s)`);
          metrics.claimed += claimed.length;
          messages = claimed;
        }
        if (messages.length === 0 && !stopping) messages = await retrying('read', () => transport.read(count, config.blockMs));
      } catch (error) {
        if (error instanceof Abandoned) break;
        throw error;
      }
      if (messages.length > 0) dispatch(messages);
    }
    // Finish what is in flight, up to the deadline; what is left stays pending for another consumer.
    while (tasks.size > 0 && Date.now() < deadline) await Promise.race([...tasks, pause(Math.max(0, deadline - Date.now()))]);
    if (tasks.size > 0) log(`native-ner worker: ${inFlight} message(s) still in flight at the deadline stay pending, to be claimed`);
  }

  async function backlog(): Promise<Backlog | null> {
    try {
      return await Promise.race([
        transport.backlog(),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 1000).unref()),
      ]);
    } catch {
      return null;
    }
  }

  const worker: Worker = {
    metrics,
    get inFlight() {
      return inFlight;
    },
    get endpoint() {
      return endpoint;
    },
    async renderMetrics() {
      return metrics.render({ inFlight, connected: transport.connected(), backlog: await backlog() }, { name: modelName, identity: ner.info?.identity });
    },
    run() {
      running ??= (async () => {
        if (config.metricsPort !== undefined) {
          endpoint = await startMetricsEndpoint(metricsHost ?? '127.0.0.1', config.metricsPort, () => worker.renderMetrics(), () => ({
            status: stopping ? 'stopping' : 'ok',
            connected: transport.connected(),
            inFlight,
            model: { name: modelName, sha256: ner.info?.identity?.sha256 },
          }));
          log(`native-ner worker: metrics on ${endpoint.url}/metrics`);
        }
        try {
          await loop();
        } finally {
          await transport.close().catch(() => undefined);
          await endpoint?.close();
        }
      })();
      return running;
    },
    async stop() {
      if (!stopping) {
        stopping = true;
        deadline = Date.now() + config.shutdownGraceMs;
        wake();
      }
      await (running ?? Promise.resolve());
    },
  };
  return worker;
}
