// The worker's transport on Redis Streams consumer groups (ioredis): XREADGROUP reads new messages for this
// consumer, XAUTOCLAIM takes messages another consumer left pending too long (XPENDING gives their delivery
// counts), XADD writes results and dead letters, XACK acknowledges. Two connections: one for the blocking reads,
// one for the rest, so a result is never queued behind a read that waits for messages. Commands fail at once while
// the connection is down (no offline queue); ioredis reconnects with backoff in the background and the worker
// retries the operation (worker.ts). A group that vanished (Redis restarted without persistence) is created again.
import { hostname } from 'node:os';
import Redis from 'ioredis';
import type { Backlog, OutputEntry, QueueMessage, WorkerTransport } from './transport';

export interface RedisStreamsOptions {
  /** redis://[user:password@]host:port[/db] or rediss://... Default redis://127.0.0.1:6379. */
  url?: string;
  /** The input stream. */
  stream: string;
  /** The consumer group; created (with the stream) when missing. */
  group: string;
  /** This worker's consumer name, unique among the group's live workers. Default HOST-PID. */
  consumer?: string;
  /** The results stream. Default `${stream}:results`. */
  output?: string;
  /** The dead-letter stream. Default `${stream}:dead-letter`. */
  deadLetter?: string;
  /** Where a group created by the worker starts: '0' (every message already in the stream) or '$' (new ones). Default '0'. */
  groupStart?: '0' | '$';
  /** Longest wait between two reconnection attempts, ms. Default 5000. */
  reconnectMaxMs?: number;
}

/** The default consumer name: host and process, unique per running worker. */
export function defaultConsumerName(): string {
  return `${hostname()}-${process.pid}`;
}

/** A stream entry as Redis returns it: [id, [field, value, field, value, ...]] (fields null if it was deleted). */
type RawEntry = [string, string[] | null];

function toFields(flat: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]] = flat[i + 1];
  return fields;
}

function isNoGroup(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOGROUP');
}

/** A WorkerTransport on Redis Streams; nothing connects before start(). */
export function redisStreamsTransport(options: RedisStreamsOptions): WorkerTransport & { readonly options: Required<RedisStreamsOptions> } {
  const settings: Required<RedisStreamsOptions> = {
    url: options.url ?? 'redis://127.0.0.1:6379',
    stream: options.stream,
    group: options.group,
    consumer: options.consumer ?? defaultConsumerName(),
    output: options.output ?? `${options.stream}:results`,
    deadLetter: options.deadLetter ?? `${options.stream}:dead-letter`,
    groupStart: options.groupStart ?? '0',
    reconnectMaxMs: options.reconnectMaxMs ?? 5000,
  };
  for (const [name, value] of Object.entries(settings)) {
    if (typeof value === 'string' && value === '') throw new TypeError(`${name} must not be empty`);
  }
  const { stream, group, consumer } = settings;
  const connect = (role: string) => {
    const client = new Redis(settings.url, {
      lazyConnect: true,
      // Fail at once while disconnected: the worker decides when to retry, and stops retrying at shutdown.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // A command cut off by a disconnection is not sent again behind the worker's back (it retries it itself).
      autoResendUnfulfilledCommands: false,
      retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times - 1, 16), settings.reconnectMaxMs),
      connectionName: `native-ner-${role}`,
    });
    // Connection errors surface as failed commands; without a listener ioredis would print each one.
    client.on('error', () => undefined);
    return client;
  };
  const reader = connect('read');
  const writer = connect('write');
  let claimCursor = '0-0';
  let closed = false;

  async function ensureGroup(): Promise<void> {
    try {
      await writer.call('XGROUP', 'CREATE', stream, group, settings.groupStart, 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
    }
  }

  async function connectAll(): Promise<void> {
    for (const client of [reader, writer]) {
      // 'wait': never connected (lazyConnect); 'end': closed after failing. Otherwise ioredis is (re)connecting.
      if (client.status === 'wait' || client.status === 'end') await client.connect();
    }
  }

  /** Runs a group command; a group that vanished is created again and the command answers nothing this time. */
  async function withGroup<T>(command: () => Promise<T>, none: T): Promise<T> {
    try {
      return await command();
    } catch (error) {
      if (!isNoGroup(error)) throw error;
      await ensureGroup();
      return none;
    }
  }

  /** Delivery counts of messages just claimed by this consumer, from XPENDING (one round trip). */
  async function deliveryCounts(ids: string[]): Promise<Map<string, number>> {
    const pipeline = writer.pipeline();
    for (const id of ids) pipeline.call('XPENDING', stream, group, id, id, 1, consumer);
    const replies = (await pipeline.exec()) ?? [];
    const counts = new Map<string, number>();
    for (const [error, reply] of replies) {
      if (error) throw error;
      for (const [id, , , deliveries] of reply as [string, string, number, number][]) counts.set(id, Number(deliveries));
    }
    return counts;
  }

  async function add(key: string, entries: OutputEntry[]): Promise<void> {
    const pipeline = writer.pipeline();
    for (const entry of entries) pipeline.call('XADD', key, '*', ...Object.entries(entry).flat());
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
  }

  return {
    kind: 'redis-streams',
    options: settings,
    async start() {
      if (closed) throw new Error('the transport is closed');
      await connectAll();
      await ensureGroup();
    },
    async read(count, blockMs) {
      const reply = await withGroup(
        () => reader.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', stream, '>'),
        null,
      );
      if (reply === null) return [];
      const [[, entries]] = reply as [string, RawEntry[]][];
      return entries.filter(([, flat]) => flat !== null).map(([id, flat]) => ({ id, fields: toFields(flat as string[]), deliveries: 1 }));
    },
    async claimStale(minIdleMs, count) {
      const reply = await withGroup(() => writer.call('XAUTOCLAIM', stream, group, consumer, minIdleMs, claimCursor, 'COUNT', count), null);
      if (reply === null) return [];
      // [next cursor, claimed entries, IDs deleted from the stream (Redis 7; dropped from the pending list)]
      const [next, entries] = reply as [string, (RawEntry | null)[]];
      claimCursor = next;
      const claimed = entries.filter((e): e is [string, string[]] => e !== null && e[1] !== null);
      if (claimed.length === 0) return [];
      const counts = await deliveryCounts(claimed.map(([id]) => id));
      return claimed.map(([id, flat]): QueueMessage => ({ id, fields: toFields(flat), deliveries: counts.get(id) ?? 2 }));
    },
    publish: (entries) => add(settings.output, entries),
    deadLetter: (entries) => add(settings.deadLetter, entries),
    async ack(ids) {
      await writer.call('XACK', stream, group, ...ids);
    },
    async backlog(): Promise<Backlog> {
      const [summary, groups] = await Promise.all([writer.call('XPENDING', stream, group), writer.call('XINFO', 'GROUPS', stream)]);
      const pending = Number((summary as [number])[0]);
      let lag: number | null = null;
      for (const flat of groups as (string | number | null)[][]) {
        const info = new Map<string, string | number | null>();
        for (let i = 0; i + 1 < flat.length; i += 2) info.set(String(flat[i]), flat[i + 1]);
        if (info.get('name') === group && info.get('lag') != null) lag = Number(info.get('lag'));
      }
      return { pending, lag };
    },
    connected: () => writer.status === 'ready' && reader.status === 'ready',
    async close() {
      closed = true;
      // A blocking read ends with its connection.
      reader.disconnect();
      await writer.quit().catch(() => writer.disconnect());
    },
  };
}
