// The queue worker's loop (lib/worker/worker.ts) against an in-memory queue with consumer-group semantics (a
// pending list with owners, idle times and delivery counts) and a stand-in engine: no Redis, no model. Covers one
// engine call per read, results before acknowledgements, dead letters (malformed, oversized, refused by the engine,
// delivered too often), retries of passing failures, claims of stale messages, backpressure, queue outages with
// backoff, shutdown with work in flight, and the metrics.
import { describe, expect, it } from 'vitest';
import { NerError } from '../../lib/errors';
import type { Entity } from '../../lib/ner';
import type { RedactedText } from '../../lib/redaction';
import { parseCommandLine, UsageError, type CommandLine } from '../../lib/commands';
import { runWorkerCommand } from '../../lib/worker/command';
import { parseMessage } from '../../lib/worker/messages';
import type { Backlog, OutputEntry, QueueMessage, WorkerTransport } from '../../lib/worker/transport';
import { createWorker, type CreateWorkerOptions, type WorkerEngine } from '../../lib/worker/worker';

/** One queue, one group: entries, the pending list (owner, last delivery time, deliveries) and what was written. */
class MemoryQueue {
  readonly entries: { id: string; fields: Record<string, string> }[] = [];
  readonly pending = new Map<string, { owner: string; since: number; deliveries: number }>();
  readonly results: OutputEntry[] = [];
  readonly deadLetters: OutputEntry[] = [];
  readonly acked: string[] = [];
  /** Every operation, in order: 'read 3', 'publish 2', 'ack 2', ... */
  readonly log: string[] = [];
  private next = 0;
  /** Reads delivered up to here (the group's last-delivered ID). */
  private delivered = 0;
  /** Queue operations fail while this is true. */
  down = false;

  add(fields: Record<string, string>): string {
    const id = `${++this.next}-0`;
    this.entries.push({ id, fields });
    return id;
  }

  transport(consumer: string): WorkerTransport & { closed: boolean } {
    const queue = this;
    const check = (what: string) => {
      queue.log.push(what);
      if (queue.down) throw new Error('connection refused');
    };
    return {
      kind: 'memory',
      closed: false,
      async start() {
        check('start');
      },
      async read(count, blockMs) {
        check(`read ${count}`);
        const fresh = queue.entries.slice(queue.delivered, queue.delivered + count);
        queue.delivered += fresh.length;
        if (fresh.length === 0) await new Promise((resolve) => setTimeout(resolve, Math.min(blockMs, 5)));
        for (const { id } of fresh) queue.pending.set(id, { owner: consumer, since: Date.now(), deliveries: 1 });
        return fresh.map(({ id, fields }) => ({ id, fields, deliveries: 1 }));
      },
      async claimStale(minIdleMs, count) {
        check('claim');
        const stale = [...queue.pending].filter(([, p]) => Date.now() - p.since >= minIdleMs).slice(0, count);
        return stale.map(([id, p]): QueueMessage => {
          p.owner = consumer;
          p.since = Date.now();
          p.deliveries++;
          return { id, fields: queue.entries.find((e) => e.id === id)!.fields, deliveries: p.deliveries };
        });
      },
      async publish(entries) {
        check(`publish ${entries.length}`);
        queue.results.push(...entries);
      },
      async deadLetter(entries) {
        check(`dead-letter ${entries.length}`);
        queue.deadLetters.push(...entries);
      },
      async ack(ids) {
        check(`ack ${ids.length}`);
        for (const id of ids) if (queue.pending.delete(id)) queue.acked.push(id);
      },
      async backlog(): Promise<Backlog> {
        return { pending: queue.pending.size, lag: queue.entries.length - queue.delivered };
      },
      connected: () => !queue.down,
      async close() {
        this.closed = true;
      },
    };
  }
}

/** A stand-in engine: one PER entity per text that starts with a capital; calls recorded; `fail` can refuse texts. */
class FakeEngine implements WorkerEngine {
  readonly calls: string[][] = [];
  readonly info = { modelPath: '/models/fake-model/model.onnx', identity: { sha256: 'a'.repeat(64), modelSha256: 'b'.repeat(64), tokenizerSha256: 'c'.repeat(64), configSha256: 'd'.repeat(64) } };
  fail: (text: string) => Error | undefined = () => undefined;
  /** Resolves engine calls when set: lets a test hold calls in flight. */
  gate: Promise<void> | undefined;

  async extract(texts: string[]): Promise<Entity[][]> {
    this.calls.push(texts);
    if (this.gate) await this.gate;
    for (const text of texts) {
      const error = this.fail(text);
      if (error) throw error;
    }
    return texts.map((text) => (/^[A-Z]/.test(text) ? [{ label: 'PER', start: 0, end: 1, text: text[0], score: 0.9 }] : []));
  }

  async redact(texts: string[]): Promise<RedactedText[]> {
    const entities = await this.extract(texts);
    return texts.map((text, i) => ({ text: entities[i].length ? `<PER>${text.slice(1)}` : text, items: [] }));
  }
}

/** Runs a worker until `done()` holds (polled), then stops it; fails after `ms`. */
async function runUntil(worker: ReturnType<typeof createWorker>, done: () => boolean, ms = 5000): Promise<void> {
  const running = worker.run();
  const started = Date.now();
  while (!done()) {
    if (Date.now() - started > ms) {
      await worker.stop();
      throw new Error('the worker did not get there in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await worker.stop();
  await running;
}

const FAST: CreateWorkerOptions = { blockMs: 5, claimIntervalMs: 10, claimIdleMs: 50, reconnectMaxMs: 100, shutdownGraceMs: 2000 };

describe('the queue worker loop', () => {
  it('runs each read as one engine call and writes one result per message, keyed by its ID, before acknowledging it', async () => {
    const queue = new MemoryQueue();
    const ids = Array.from({ length: 50 }, (_, i) => queue.add(i % 5 === 0 ? { id: `doc${i}`, texts: JSON.stringify([`Ann ${i}`, 'plain']) } : { text: `Bob ${i}` }));
    const engine = new FakeEngine();
    const worker = createWorker(engine, queue.transport('c1'), { ...FAST, readCount: 8 });
    await runUntil(worker, () => queue.acked.length === ids.length);
    expect(queue.results.map((r) => r.key).sort()).toEqual([...ids].sort());
    expect(queue.pending.size).toBe(0);
    // Reads of at most 8 messages, each one engine call over all its texts.
    expect(engine.calls.length).toBeLessThanOrEqual(Math.ceil(ids.length / 8) + 1);
    expect(engine.calls.flat().length).toBe(50 + 10);
    const doc0 = queue.results.find((r) => r.key === ids[0])!;
    expect(doc0).toEqual({
      key: ids[0],
      id: 'doc0',
      model: 'a'.repeat(64),
      entities: JSON.stringify([[{ label: 'PER', start: 0, end: 1, text: 'A', score: 0.9 }], []]),
    });
    expect(JSON.parse(queue.results.find((r) => r.key === ids[1])!.entities)).toEqual([{ label: 'PER', start: 0, end: 1, text: 'B', score: 0.9 }]);
    // Every acknowledgement follows the write of the results it acknowledges.
    let written = 0;
    let acked = 0;
    for (const op of queue.log) {
      const [name, n] = op.split(' ');
      if (name === 'publish') written += Number(n);
      if (name === 'ack') acked += Number(n);
      expect(acked).toBeLessThanOrEqual(written);
    }
    expect(worker.metrics.processed).toBe(50);
    expect(worker.metrics.texts).toBe(60);
  });

  it('dead-letters malformed, oversized and engine-refused messages at once, with their codes, and the rest flows', async () => {
    const queue = new MemoryQueue();
    const good = [queue.add({ text: 'Ann' }), queue.add({ text: 'Bob' })];
    const malformed = [queue.add({ other: 'x' }), queue.add({ text: 'a', texts: '["b"]' }), queue.add({ texts: '[1, 2]' }), queue.add({ texts: '{' })];
    const tooLarge = [queue.add({ text: 'x'.repeat(101) }), queue.add({ texts: JSON.stringify(['a', 'b', 'c', 'd']) })];
    const refused = queue.add({ id: 'bad', text: 'POISON' });
    good.push(queue.add({ text: 'Cid' }));
    const engine = new FakeEngine();
    engine.fail = (text) => (text === 'POISON' ? new NerError('ERR_TEXT_TOO_LONG', 'the text needs 9999 tokens') : undefined);
    const worker = createWorker(engine, queue.transport('c1'), { ...FAST, maxMessageChars: 100, maxMessageTexts: 3 });
    await runUntil(worker, () => queue.acked.length === 10);
    expect(queue.results.map((r) => r.key).sort()).toEqual([...good].sort());
    const codeOf = new Map(queue.deadLetters.map((d) => [d.key, d.error]));
    for (const id of malformed) expect(codeOf.get(id)).toBe('ERR_MALFORMED_MESSAGE');
    for (const id of tooLarge) expect(codeOf.get(id)).toBe('ERR_MESSAGE_TOO_LARGE');
    expect(codeOf.get(refused)).toBe('ERR_TEXT_TOO_LONG');
    const letter = queue.deadLetters.find((d) => d.key === refused)!;
    expect(letter).toMatchObject({ id: 'bad', message: 'the text needs 9999 tokens', deliveries: '1', fields: JSON.stringify({ id: 'bad', text: 'POISON' }) });
    expect(queue.pending.size).toBe(0);
    expect(Object.fromEntries(worker.metrics.deadLettered)).toEqual({ ERR_MALFORMED_MESSAGE: 4, ERR_MESSAGE_TOO_LARGE: 2, ERR_TEXT_TOO_LONG: 1 });
  });

  it('leaves a message pending on a passing engine failure and processes it when claimed again', async () => {
    const queue = new MemoryQueue();
    const id = queue.add({ text: 'Flaky' });
    const engine = new FakeEngine();
    let failures = 1;
    engine.fail = () => (failures-- > 0 ? new NerError('ERR_TIMEOUT', 'the call took too long') : undefined);
    const worker = createWorker(engine, queue.transport('c1'), FAST);
    await runUntil(worker, () => queue.acked.includes(id));
    expect(worker.metrics.failed).toBe(1);
    expect(worker.metrics.claimed).toBe(1);
    expect(queue.results.map((r) => r.key)).toEqual([id]);
    expect(queue.deadLetters).toEqual([]);
  });

  it('dead-letters a message delivered more than maxDeliveries times, naming its last error, and acknowledges it', async () => {
    const queue = new MemoryQueue();
    const id = queue.add({ text: 'Always fails' });
    const after = queue.add({ text: 'Fine' });
    const engine = new FakeEngine();
    engine.fail = (text) => (text === 'Always fails' ? new NerError('ERR_INFERENCE_FAILED', 'onnx said no') : undefined);
    const worker = createWorker(engine, queue.transport('c1'), { ...FAST, maxDeliveries: 3 });
    await runUntil(worker, () => queue.acked.includes(id));
    const letter = queue.deadLetters.find((d) => d.key === id)!;
    expect(letter.error).toBe('ERR_TOO_MANY_DELIVERIES');
    expect(letter.deliveries).toBe('4');
    expect(letter.message).toContain('ERR_INFERENCE_FAILED: onnx said no');
    expect(worker.metrics.failed).toBe(3);
    expect(queue.results.map((r) => r.key)).toEqual([after]);
    expect(queue.pending.size).toBe(0);
  });

  it('claims messages a dead consumer left pending', async () => {
    const queue = new MemoryQueue();
    const ids = [queue.add({ text: 'Ann' }), queue.add({ text: 'Bob' })];
    // Consumer "dead" read them and died.
    await queue.transport('dead').read(10, 1);
    const worker = createWorker(new FakeEngine(), queue.transport('alive'), FAST);
    await runUntil(worker, () => queue.acked.length === 2);
    expect(queue.results.map((r) => r.key).sort()).toEqual(ids);
    expect(worker.metrics.claimed).toBe(2);
  });

  it('never has more than maxInFlight messages read and unacknowledged, and reads no more while the engine holds them', async () => {
    const queue = new MemoryQueue();
    for (let i = 0; i < 40; i++) queue.add({ text: `T${i}` });
    const engine = new FakeEngine();
    let release: () => void = () => undefined;
    engine.gate = new Promise((resolve) => (release = resolve));
    const worker = createWorker(engine, queue.transport('c1'), { ...FAST, readCount: 4, maxInFlight: 10 });
    const running = worker.run();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Two reads of 4 fit; a third would pass 10; the engine holds them, so the loop waits.
    expect(worker.inFlight).toBe(8);
    expect(queue.pending.size).toBe(8);
    const reads = queue.log.filter((op) => op.startsWith('read')).length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(queue.log.filter((op) => op.startsWith('read')).length).toBe(reads);
    engine.gate = undefined;
    release();
    const started = Date.now();
    while (queue.acked.length < 40 && Date.now() - started < 5000) await new Promise((resolve) => setTimeout(resolve, 5));
    await worker.stop();
    await running;
    expect(queue.acked.length).toBe(40);
  });

  it('retries queue operations with backoff while the queue is down and carries on when it is back', async () => {
    const queue = new MemoryQueue();
    const ids = Array.from({ length: 5 }, (_, i) => queue.add({ text: `T${i}` }));
    const engine = new FakeEngine();
    let release: () => void = () => undefined;
    engine.gate = new Promise((resolve) => (release = resolve));
    const lines: string[] = [];
    const worker = createWorker(engine, queue.transport('c1'), { ...FAST, log: (line) => lines.push(line) });
    const running = worker.run();
    while (engine.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    queue.down = true;  // the queue goes away while the engine runs: publishing must wait for it
    engine.gate = undefined;
    release();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(queue.results).toEqual([]);
    const attempts = queue.log.filter((op) => op.startsWith('publish')).length;
    // Backoff: 100 ms at most here, so about 300 ms / (a doubling from 100 ms capped at 100 ms): a few, not hundreds.
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThan(10);
    queue.down = false;
    while (queue.acked.length < 5) await new Promise((resolve) => setTimeout(resolve, 5));
    await worker.stop();
    await running;
    expect(queue.results.map((r) => r.key)).toEqual(ids);
    expect(worker.metrics.queueErrors).toBeGreaterThan(0);
    expect(lines.some((line) => line.includes('retrying with backoff'))).toBe(true);
    expect(lines.some((line) => line.includes('answers again'))).toBe(true);
  });

  it('on stop, reads no more, finishes and acknowledges the messages in flight, and closes the transport', async () => {
    const queue = new MemoryQueue();
    for (let i = 0; i < 6; i++) queue.add({ text: `T${i}` });
    const engine = new FakeEngine();
    let release: () => void = () => undefined;
    engine.gate = new Promise((resolve) => (release = resolve));
    const transport = queue.transport('c1');
    const worker = createWorker(engine, transport, { ...FAST, readCount: 3, maxInFlight: 3 });
    const running = worker.run();
    while (engine.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const stopped = worker.stop();
    const readsAtStop = queue.log.filter((op) => op.startsWith('read')).length;
    engine.gate = undefined;
    release();
    await stopped;
    await running;
    expect(queue.acked.length).toBe(3);  // the batch in flight
    expect(queue.log.filter((op) => op.startsWith('read')).length).toBe(readsAtStop);
    expect(queue.entries.length - queue.acked.length).toBe(3);  // never read: left for the others
    expect(transport.closed).toBe(true);
  });

  it('gives up at the shutdown deadline when the queue stays down, leaving the messages pending', async () => {
    const queue = new MemoryQueue();
    queue.add({ text: 'T' });
    const engine = new FakeEngine();
    let release: () => void = () => undefined;
    engine.gate = new Promise((resolve) => (release = resolve));
    const worker = createWorker(engine, queue.transport('c1'), { ...FAST, shutdownGraceMs: 200 });
    const running = worker.run();
    while (engine.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    queue.down = true;  // before the result can be written
    release();
    const started = Date.now();
    await worker.stop();
    await running;
    expect(Date.now() - started).toBeLessThan(1500);
    expect(queue.acked).toEqual([]);
    expect(queue.pending.size).toBe(1);
  });

  it('redacts with redact options: results carry "redacted"; pseudonym numbering across a batch is refused', async () => {
    const queue = new MemoryQueue();
    const id = queue.add({ text: 'Ann here' });
    const worker = createWorker(new FakeEngine(), queue.transport('c1'), { ...FAST, redact: { operators: { '*': 'replace' } } });
    await runUntil(worker, () => queue.acked.length === 1);
    expect(queue.results[0]).toMatchObject({ key: id, redacted: JSON.stringify({ text: '<PER>nn here', items: [] }) });
    expect(queue.results[0].entities).toBeUndefined();
    expect(() => createWorker(new FakeEngine(), queue.transport('c2'), { redact: { pseudonyms: 'call' } })).toThrow(/pseudonyms must be 'text'/);
    expect(() => createWorker(new FakeEngine(), queue.transport('c2'), { readCount: 0 })).toThrow(/readCount must be an integer from 1/);
  });

  it('exports Prometheus metrics: counters, batch sizes, the backlog and the model identity, never a text', async () => {
    const queue = new MemoryQueue();
    queue.add({ text: 'Secret Person' });
    queue.add({ other: 'x' });
    const worker = createWorker(new FakeEngine(), queue.transport('c1'), { ...FAST, metricsPort: 0 });
    await runUntil(worker, () => queue.acked.length === 2 && worker.endpoint !== undefined);
    const text = await worker.renderMetrics();
    expect(text).toContain('native_ner_worker_processed_total 1\n');
    expect(text).toContain('native_ner_worker_dead_lettered_total{code="ERR_MALFORMED_MESSAGE"} 1\n');
    expect(text).toContain('native_ner_worker_batch_messages_bucket{le="1"} 1\n');
    expect(text).toContain('native_ner_worker_group_pending_messages 0\n');
    expect(text).toContain('native_ner_worker_group_lag_messages 0\n');
    expect(text).toContain(`native_ner_model_info{model="fake-model",sha256="${'a'.repeat(64)}"`);
    expect(text).not.toContain('Secret');
  });

  it('serves /metrics and /healthz on metricsPort while it runs', async () => {
    const queue = new MemoryQueue();
    const worker = createWorker(new FakeEngine(), queue.transport('c1'), { ...FAST, metricsPort: 0 });
    const running = worker.run();
    while (worker.endpoint === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    const { url } = worker.endpoint;
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('native_ner_worker_connected 1');
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ status: 'ok', connected: true, model: { name: 'fake-model' } });
    await worker.stop();
    await running;
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});

describe('the message format', () => {
  const limits = { maxMessageTexts: 3, maxMessageChars: 10 };
  it('takes "text" or a JSON array "texts", an optional "id", and ignores other fields', () => {
    expect(parseMessage({ text: 'a', extra: 'x' }, limits)).toEqual({ id: undefined, texts: ['a'], single: true });
    expect(parseMessage({ id: 'k', texts: '["a","b"]' }, limits)).toEqual({ id: 'k', texts: ['a', 'b'], single: false });
    expect(parseMessage({ texts: '[]' }, limits)).toEqual({ id: undefined, texts: [], single: false });
  });
  it('refuses what is not one of them, and messages over the limits', () => {
    const code = (fields: Record<string, string>) => {
      try {
        parseMessage(fields, limits);
      } catch (error) {
        return (error as { code: string }).code;
      }
      return 'accepted';
    };
    expect(code({})).toBe('ERR_MALFORMED_MESSAGE');
    expect(code({ text: 'a', texts: '[]' })).toBe('ERR_MALFORMED_MESSAGE');
    expect(code({ texts: '"a"' })).toBe('ERR_MALFORMED_MESSAGE');
    expect(code({ texts: '[null]' })).toBe('ERR_MALFORMED_MESSAGE');
    expect(code({ text: 'a', id: 'x'.repeat(1025) })).toBe('ERR_MALFORMED_MESSAGE');
    expect(code({ texts: '["a","b","c","d"]' })).toBe('ERR_MESSAGE_TOO_LARGE');
    expect(code({ text: 'x'.repeat(11) })).toBe('ERR_MESSAGE_TOO_LARGE');
    expect(code({ text: 'x'.repeat(10) })).toBe('accepted');
  });
});

describe('native-ner worker, before it loads anything', () => {
  /** The UsageError of a worker command line, or null if it got as far as loading the model. */
  async function usageError(args: string[]): Promise<string | null> {
    const line = parseCommandLine('worker', ['--model', 'm', ...args]) as CommandLine;
    const tools = {
      loadModel: () => Promise.reject(new Error('loaded')),
      keysOf: () => ({}),
    };
    try {
      await runWorkerCommand(line, tools);
    } catch (error) {
      if (error instanceof UsageError) return error.message;
      expect((error as Error).message).toBe('loaded');
      return null;
    }
    throw new Error('the command returned');
  }

  it('needs --stream and --group', async () => {
    expect(await usageError(['--group', 'g'])).toBe('--stream IN is required');
    expect(await usageError(['--stream', 's'])).toBe('--group G is required');
    expect(await usageError(['--stream', 's', '--group', 'g'])).toBeNull();
  });

  it("refuses redaction's flags without --redact, and pseudonyms numbered across a batch", async () => {
    expect(await usageError(['--stream', 's', '--group', 'g', '--operator', 'PER=mask'])).toBe('--operator needs --redact');
    expect(await usageError(['--stream', 's', '--group', 'g', '--allow', 'x', '--hash-key', 'f'])).toBe('--allow, --hash-key need --redact');
    expect(await usageError(['--stream', 's', '--group', 'g', '--redact', '--pseudonyms', 'call'])).toMatch(/^--pseudonyms call: /);
    expect(await usageError(['--stream', 's', '--group', 'g', '--redact', '--operator', 'PER=mask'])).toBeNull();
  });
});
