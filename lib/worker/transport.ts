// What the queue worker (worker.ts) needs from a message queue, and nothing more: read a batch for this consumer,
// claim messages a dead consumer left pending, publish results, dead-letter, acknowledge, and say how far behind the
// group is. redis-streams.ts implements it on Redis Streams consumer groups; another engine (NATS JetStream, Kafka)
// is another implementation of this interface, and the worker loop does not change.

/** A message as the queue delivered it. */
export interface QueueMessage {
  /** The queue's ID of the message (a Redis stream entry ID): unique in the input, the same on every redelivery. */
  id: string;
  /** Its fields, as strings. */
  fields: Record<string, string>;
  /** How many times it has been delivered to a consumer of the group, this time included (1 on first delivery). */
  deliveries: number;
}

/** An entry to add to the results or the dead-letter stream: field names and string values, in order. */
export type OutputEntry = Record<string, string>;

/** How far behind the group is, for the metrics; null where the queue cannot say. */
export interface Backlog {
  /** Messages delivered to a consumer of the group and not yet acknowledged (Redis: XPENDING's count). */
  pending: number | null;
  /** Messages in the input not yet delivered to any consumer of the group (Redis 7: XINFO GROUPS' lag). */
  lag: number | null;
}

/**
 * A queue with consumer groups and at-least-once delivery. Every method may throw when the queue is unreachable;
 * the worker then waits (with backoff) and calls it again, so each must be safe to repeat: publishing twice adds a
 * duplicate the results' consumers drop by key, acknowledging twice does nothing.
 */
export interface WorkerTransport {
  /** A name for logs and metrics, e.g. 'redis-streams'. */
  readonly kind: string;
  /** Connects and creates what is missing (the consumer group); safe to call again after the queue restarted. */
  start(): Promise<void>;
  /** Up to `count` new messages for this consumer, waiting up to `blockMs` for the first; [] when none came. */
  read(count: number, blockMs: number): Promise<QueueMessage[]>;
  /**
   * Up to `count` messages that have been pending (delivered, not acknowledged) for at least `minIdleMs`, whoever
   * their consumer was, now delivered to this one, with their delivery counts.
   */
  claimStale(minIdleMs: number, count: number): Promise<QueueMessage[]>;
  /** Adds results to the output, in order; resolves once the queue holds them. */
  publish(entries: OutputEntry[]): Promise<void>;
  /** Adds entries to the dead-letter output; resolves once the queue holds them. */
  deadLetter(entries: OutputEntry[]): Promise<void>;
  /** Acknowledges messages by ID: the group will not deliver them again. */
  ack(ids: string[]): Promise<void>;
  /** The group's backlog, for the metrics. */
  backlog(): Promise<Backlog>;
  /** Whether the connection is up now (for the metrics and /healthz). */
  connected(): boolean;
  /** Closes the connections; a read waiting for messages ends. */
  close(): Promise<void>;
}
