// The queue worker (native-ner worker) against a real Redis: each suite starts its own redis-server on a free
// loopback port (no persistence unless a test restarts it, a temporary directory) and worker processes of the CLI
// with the shared model. Covers 10,000 messages through two workers (one result per input after dedupe, nothing
// pending), a worker killed with SIGKILL mid-batch (the other claims and finishes its messages), poison messages
// (dead-lettered with their codes while the rest flows) and a Redis restart during the run (workers reconnect and
// finish). Texts are CoNLL-2003 test sentences. Skipped, saying why, only when no redis-server can be found.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readConll } from '../lib/eval';
import { CLI, CONLL_MODEL, runCli, SHARED } from './helpers';

const REDIS_SERVER = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
const SKIP = REDIS_SERVER === '' ? 'redis-server not found: install Debian\'s redis-server (.ci/run does)' : '';
const TESTB = join(SHARED, 'datasets', 'conll2003', 'eng.testb');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `done` every 100 ms until it holds; throws with `what` after `ms`. */
async function waitFor(what: string, done: () => Promise<boolean> | boolean, ms: number): Promise<void> {
  const started = Date.now();
  while (!(await done())) {
    if (Date.now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** A redis-server of our own: loopback, a free port, a temporary directory; `persist` keeps data across restarts. */
class RedisServer {
  readonly dir = mkdtempSync(join(tmpdir(), 'native-ner-redis-'));
  private child: ChildProcess | undefined;
  port = 0;

  constructor(private readonly persist = false) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    // appendfsync always: a restart loses nothing that was acknowledged to a client.
    const persistence = this.persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', this.dir, '--daemonize', 'no'];
    this.child = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await waitFor('redis-server to answer', async () => {
        try {
          if (probe.status !== 'ready') await probe.connect();
          return (await probe.ping()) === 'PONG';
        } catch {
          probe.disconnect();
          return false;
        }
      }, 10_000);
    } finally {
      probe.disconnect();
    }
  }

  /** Stops it (SIGTERM: with persistence, it writes its data first) and waits for the exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A `native-ner worker` child process; ready once it logged that it reads. */
interface WorkerProcess {
  child: ChildProcess;
  name: string;
  log: () => string;
  exited: Promise<number | null>;
}

const workers: WorkerProcess[] = [];

async function startWorker(redis: RedisServer, name: string, extra: string[] = []): Promise<WorkerProcess> {
  const args = [CLI, 'worker', '--model', CONLL_MODEL, '--redis', redis.url, '--stream', 'in', '--group', 'ner', '--consumer', name, '--threads', '1', ...extra];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const worker = { child, name, log: () => log, exited };
  workers.push(worker);
  await Promise.race([
    waitFor(`worker ${name} to start`, () => log.includes('native-ner worker: reading'), 60_000),
    exited.then((code) => {
      throw new Error(`worker ${name} exited with ${code}: ${log}`);
    }),
  ]);
  return worker;
}

/** SIGTERM, then the exit code (SIGKILL after 30 s). */
async function stopWorker(worker: WorkerProcess): Promise<number | null> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return worker.exited;
  worker.child.kill('SIGTERM');
  const code = await Promise.race([worker.exited, sleep(30_000).then(() => 'late' as const)]);
  if (code === 'late') {
    worker.child.kill('SIGKILL');
    throw new Error(`worker ${worker.name} did not stop within 30 s: ${worker.log()}`);
  }
  return code;
}

/** Adds messages to `in`, 1,000 per round trip; returns their IDs in order. */
async function addMessages(client: Redis, messages: Record<string, string>[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < messages.length; i += 1000) {
    const pipeline = client.pipeline();
    for (const fields of messages.slice(i, i + 1000)) pipeline.xadd('in', '*', ...Object.entries(fields).flat());
    for (const [error, id] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      ids.push(id as string);
    }
  }
  return ids;
}

/** Every entry of a stream, as field maps keyed by entry ID, read in pages. */
async function readStream(client: Redis, stream: string): Promise<Record<string, string>[]> {
  const entries: Record<string, string>[] = [];
  let start = '-';
  for (;;) {
    const page = await client.xrange(stream, start, '+', 'COUNT', 5000);
    for (const [, flat] of page) {
      const fields: Record<string, string> = {};
      for (let i = 0; i < flat.length; i += 2) fields[flat[i]] = flat[i + 1];
      entries.push(fields);
    }
    if (page.length < 5000) return entries;
    start = `(${page[page.length - 1][0]}`;
  }
}

/** The results by key, after dropping duplicates (each duplicate must equal the first: the same key, the same result). */
async function dedupedResults(client: Redis): Promise<Map<string, Record<string, string>>> {
  const byKey = new Map<string, Record<string, string>>();
  for (const result of await readStream(client, 'in:results')) {
    const seen = byKey.get(result.key);
    if (seen) expect(result, `duplicate of ${result.key}`).toEqual(seen);
    else byKey.set(result.key, result);
  }
  return byKey;
}

async function pendingCount(client: Redis): Promise<number> {
  const [count] = (await client.xpending('in', 'ner')) as [number];
  return Number(count);
}

/** Whether every input has a result or a dead letter and nothing is pending. */
async function allDone(client: Redis, expected: number): Promise<boolean> {
  const [results, letters] = await Promise.all([client.xlen('in:results'), client.xlen('in:dead-letter')]);
  if (results + letters < expected) return false;
  const keys = new Set([...(await readStream(client, 'in:results')), ...(await readStream(client, 'in:dead-letter'))].map((e) => e.key));
  return keys.size >= expected && (await pendingCount(client)) === 0;
}

/** Each result holds entities whose text is its input's slice: results are the right texts', not a neighbour's. */
function expectResultsMatch(byKey: Map<string, Record<string, string>>, ids: string[], texts: string[], model: string): void {
  ids.forEach((id, i) => {
    const result = byKey.get(id);
    expect(result, `the result of ${id}`).toBeDefined();
    expect(result!.id).toBe(`doc-${i}`);
    expect(result!.model).toBe(model);
    for (const entity of JSON.parse(result!.entities) as { start: number; end: number; text: string }[]) {
      expect(entity.text).toBe(texts[i].slice(entity.start, entity.end));
    }
  });
}

describe.skipIf(SKIP !== '')(`native-ner worker on Redis Streams${SKIP ? ` (skipped: ${SKIP})` : ''}`, () => {
  let sentences: string[] = [];
  let modelSha = '';

  beforeAll(() => {
    sentences = readConll(TESTB).sentences.map((s) => s.text).filter((text) => text.length > 0);
  });

  afterEach(async () => {
    for (const worker of workers.splice(0)) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
  });

  afterAll(() => {
    for (const worker of workers.splice(0)) worker.child.kill('SIGKILL');
  });

  /** `n` messages of CoNLL test sentences, in turn, each with an id. */
  const messages = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `doc-${i}`, text: sentences[i % sentences.length] }));
  const textsOf = (n: number) => messages(n).map((m) => m.text);

  async function withRedis(persist: boolean, test: (redis: RedisServer, client: Redis) => Promise<void>): Promise<void> {
    const redis = new RedisServer(persist);
    await redis.start();
    const client = new Redis(redis.url, { maxRetriesPerRequest: null });
    client.on('error', () => undefined);
    try {
      await test(redis, client);
    } finally {
      client.disconnect();
      await redis.stop();
      redis.remove();
    }
  }

  it('takes 10,000 messages through two workers: one result per input after dedupe, nothing pending, exit 0 on SIGTERM', async () => {
    await withRedis(false, async (redis, client) => {
      const n = 10_000;
      const ids = await addMessages(client, messages(n));
      const [a, b] = await Promise.all([startWorker(redis, 'a', ['--metrics-port', '0']), startWorker(redis, 'b')]);
      await waitFor('every message processed', () => allDone(client, n), 240_000);
      const byKey = await dedupedResults(client);
      expect([...byKey.keys()].sort()).toEqual([...ids].sort());
      modelSha = byKey.get(ids[0])!.model;
      expect(modelSha).toMatch(/^[0-9a-f]{64}$/);
      expectResultsMatch(byKey, ids, textsOf(n), modelSha);
      expect(await client.xlen('in:dead-letter')).toBe(0);
      expect(await pendingCount(client)).toBe(0);
      // Both shared the work (the group spreads reads over its consumers).
      const consumers = (await client.xinfo('CONSUMERS', 'in', 'ner')) as unknown[][];
      expect(consumers.map((c) => c[1]).sort()).toEqual(['a', 'b']);
      // The metrics endpoint speaks for worker a.
      const url = /metrics on (http:\S+)/.exec(a.log())![1];
      const metrics = await (await fetch(url)).text();
      const processed = Number(/^native_ner_worker_processed_total (\d+)$/m.exec(metrics)![1]);
      expect(processed).toBeGreaterThan(0);
      expect(processed).toBeLessThan(n);  // and b took the rest: both shared the work
      expect(metrics).toContain(`sha256="${modelSha}"`);
      expect(metrics).toMatch(/^native_ner_worker_group_pending_messages 0$/m);
      expect(await Promise.all([stopWorker(a), stopWorker(b)])).toEqual([0, 0]);
    });
  });

  it('finishes the messages of a worker killed with SIGKILL mid-batch: the other claims them, nothing is lost', async () => {
    await withRedis(false, async (redis, client) => {
      const n = 3000;
      const ids = await addMessages(client, messages(n));
      const victim = await startWorker(redis, 'victim', ['--read-count', '64', '--max-in-flight', '256']);
      // Mid-batch: it has written some results and holds messages read and not yet acknowledged.
      let held = 0;
      await waitFor('the victim to hold messages in flight', async () => {
        const [, , , owners] = (await client.xpending('in', 'ner')) as [number, string, string, [string, string][] | null];
        held = Number(owners?.find(([name]) => name === 'victim')?.[1] ?? 0);
        return (await client.xlen('in:results')) > 100 && held > 0;
      }, 120_000);
      victim.child.kill('SIGKILL');
      await victim.exited;
      const [, , , owners] = (await client.xpending('in', 'ner')) as [number, string, string, [string, string][] | null];
      const orphaned = Number(owners?.find(([name]) => name === 'victim')?.[1] ?? 0);
      expect(orphaned).toBeGreaterThan(0);
      const survivor = await startWorker(redis, 'survivor', ['--claim-idle-ms', '1000', '--claim-interval-ms', '200']);
      await waitFor('every message processed', () => allDone(client, n), 180_000);
      const byKey = await dedupedResults(client);
      expect([...byKey.keys()].sort()).toEqual([...ids].sort());
      expectResultsMatch(byKey, ids, textsOf(n), byKey.get(ids[0])!.model);
      expect(survivor.log()).toMatch(/claimed \d+ stale message/);
      const left = (await client.xpending('in', 'ner', '-', '+', 10, 'victim')) as unknown[];
      expect(left).toEqual([]);
      expect(await stopWorker(survivor)).toBe(0);
    });
  });

  it('dead-letters poison messages with their codes and acknowledges them, while the rest flows', async () => {
    await withRedis(false, async (redis, client) => {
      // First, a message some consumer took 8 times already (XCLAIM RETRYCOUNT sets the count): over --max-deliveries 5.
      const [tooMany] = await addMessages(client, [{ id: 'poison-redelivered', text: 'Delivered too often.' }]);
      await client.xgroup('CREATE', 'in', 'ner', '0');
      await client.xreadgroup('GROUP', 'ner', 'ghost', 'COUNT', 1, 'STREAMS', 'in', '>');
      await client.call('XCLAIM', 'in', 'ner', 'ghost', 0, tooMany, 'RETRYCOUNT', 7);
      const good = messages(300);
      const goodIds = await addMessages(client, good.slice(0, 150));
      const [tooLong, noText, badJson] = await addMessages(client, [
        { id: 'poison-long', text: 'Paris '.repeat(1000) },
        { id: 'poison-fields', body: 'no text field' },
        { id: 'poison-json', texts: '["unterminated' },
      ]);
      goodIds.push(...(await addMessages(client, good.slice(150))));
      const worker = await startWorker(redis, 'w', ['--max-message-chars', '2000', '--max-deliveries', '5', '--claim-idle-ms', '500', '--claim-interval-ms', '100']);
      await waitFor('every message processed or dead-lettered', () => allDone(client, 304), 120_000);
      const letters = await readStream(client, 'in:dead-letter');
      const byKey = new Map(letters.map((l) => [l.key, l]));
      expect(byKey.get(tooLong)).toMatchObject({ id: 'poison-long', error: 'ERR_MESSAGE_TOO_LARGE', deliveries: '1' });
      expect(byKey.get(tooLong)!.message).toContain('6000 characters');
      expect(byKey.get(noText)).toMatchObject({ id: 'poison-fields', error: 'ERR_MALFORMED_MESSAGE', fields: JSON.stringify({ id: 'poison-fields', body: 'no text field' }) });
      expect(byKey.get(badJson)).toMatchObject({ id: 'poison-json', error: 'ERR_MALFORMED_MESSAGE' });
      expect(byKey.get(tooMany)).toMatchObject({ id: 'poison-redelivered', error: 'ERR_TOO_MANY_DELIVERIES', deliveries: '8' });
      expect(letters).toHaveLength(4);
      const results = await dedupedResults(client);
      expect([...results.keys()].sort()).toEqual([...goodIds].sort());
      expect(await pendingCount(client)).toBe(0);
      expect(await stopWorker(worker)).toBe(0);
    });
  });

  it('applies the extract options (rules, confidence) to every message as extract does, and with --redact redacts as redact does', async () => {
    const rules = join(mkdtempSync(join(tmpdir(), 'native-ner-rules-')), 'rules.json');
    writeFileSync(rules, JSON.stringify({ builtins: ['EMAIL'] }));
    const texts = ['Write to john.smith@example.com about Angela Merkel.', 'Paris is in France.', 'No names here.'];
    const inputs = [{ id: 'a', text: texts[0] }, { id: 'b', texts: JSON.stringify(texts.slice(1)) }];
    const options = ['--rules', rules, '--threads', '1'];
    const operators = ['--operator', 'PER=mask:*', '--operator', '*=replace'];
    // What the CLI's own extract and redact give for the same texts and options.
    const direct = runCli(['extract', '--model', CONLL_MODEL, ...options, '--confidence', ...texts]);
    expect(direct.status, direct.stderr).toBe(0);
    const expected = direct.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { entities: Record<string, unknown>[] }).entities);
    const redactedDirect = runCli(['redact', '--model', CONLL_MODEL, ...options, ...operators, ...texts]);
    expect(redactedDirect.status, redactedDirect.stderr).toBe(0);
    const expectedRedacted = redactedDirect.stdout.trim().split('\n');
    /** Entities equal but for the last digits of floating-point fields (another batch composition). */
    const same = (actual: Record<string, unknown>[], wanted: Record<string, unknown>[]) => {
      expect(actual.map(({ label, start, end, text, source }) => ({ label, start, end, text, source }))).toEqual(
        wanted.map(({ label, start, end, text, source }) => ({ label, start, end, text, source })),
      );
      actual.forEach((entity, i) => {
        for (const field of ['score', 'minProb', 'margin', 'entropy']) {
          if (wanted[i][field] === undefined) expect(entity[field]).toBeUndefined();
          else expect(entity[field] as number).toBeCloseTo(wanted[i][field] as number, 4);
        }
      });
    };

    await withRedis(false, async (redis, client) => {
      const [a, b] = await addMessages(client, inputs);
      const worker = await startWorker(redis, 'w', [...options, '--confidence']);
      await waitFor('both results', () => allDone(client, 2), 60_000);
      const results = await dedupedResults(client);
      const first = JSON.parse(results.get(a)!.entities) as Record<string, unknown>[];
      expect(first.find((e) => e.label === 'EMAIL')).toMatchObject({ text: 'john.smith@example.com', source: 'EMAIL' });
      expect(first.some((e) => e.source === 'model' && typeof e.minProb === 'number')).toBe(true);
      same(first, expected[0]);
      const second = JSON.parse(results.get(b)!.entities) as Record<string, unknown>[][];
      expect(second).toHaveLength(2);
      second.forEach((entities, i) => same(entities, expected[i + 1]));
      expect(await stopWorker(worker)).toBe(0);
    });
    await withRedis(false, async (redis, client) => {
      const [a, b] = await addMessages(client, inputs);
      const worker = await startWorker(redis, 'w', [...options, '--redact', ...operators]);
      await waitFor('both results', () => allDone(client, 2), 60_000);
      const results = await dedupedResults(client);
      expect(results.get(a)!.entities).toBeUndefined();
      const redacted = JSON.parse(results.get(a)!.redacted) as { text: string; items: { label: string; operator: string }[] };
      expect(redacted.text).toContain('<EMAIL>');
      expect(redacted.text).toBe(expectedRedacted[0]);
      expect((JSON.parse(results.get(b)!.redacted) as { text: string }[]).map((r) => r.text)).toEqual(expectedRedacted.slice(1));
      expect(await stopWorker(worker)).toBe(0);
    });
    rmSync(join(rules, '..'), { recursive: true, force: true });
  });

  it('reconnects when Redis restarts during the run, and finishes: every input has a result, nothing pending', async () => {
    await withRedis(true, async (redis, client) => {
      const n = 3000;
      const ids = await addMessages(client, messages(n));
      const options = ['--reconnect-max-ms', '500', '--claim-idle-ms', '2000', '--claim-interval-ms', '500'];
      const [a, b] = await Promise.all([startWorker(redis, 'a', options), startWorker(redis, 'b', options)]);
      await waitFor('some results', async () => (await client.xlen('in:results')) > 300, 120_000);
      await redis.stop();
      await sleep(1500);  // down for a while: both workers see failures and back off
      await redis.start();
      await waitFor('every message processed', () => allDone(client, n), 180_000);
      const byKey = await dedupedResults(client);
      expect([...byKey.keys()].sort()).toEqual([...ids].sort());
      expectResultsMatch(byKey, ids, textsOf(n), byKey.get(ids[0])!.model);
      for (const worker of [a, b]) {
        expect(worker.log()).toContain('retrying with backoff');
        expect(worker.log()).toContain('the queue answers again');
      }
      expect(await Promise.all([stopWorker(a), stopWorker(b)])).toEqual([0, 0]);
    });
  });
});
