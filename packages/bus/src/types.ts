// The bus contract. Two adapters implement it (NATS JetStream and in-process) and one contract
// test suite runs against both. Delivery is at least once; handlers must be idempotent.

export interface PublishOptions {
  /** Deduplication id: a second publish with the same id inside the stream's window is dropped. */
  msgId?: string;
  headers?: Record<string, string>;
}

export interface PublishAck {
  /** The logical stream name (without the namespace), e.g. `BOTSKY_TASKS`. */
  stream: string;
  /** Stream sequence; for a duplicate, the sequence of the message stored first. */
  seq: number;
  /** true when the message was a duplicate (by msgId) and was not stored again. */
  duplicate: boolean;
}

/** One message of a `publishMany` batch. */
export interface OutgoingMessage extends PublishOptions {
  subject: string;
  data: Uint8Array;
}

export interface BusMessage {
  /** The logical subject (without the namespace), e.g. `botsky.tasks.reply`. */
  readonly subject: string;
  readonly data: Uint8Array;
  /** Application headers; the dedup id is in `msgId`, not here. */
  readonly headers: Readonly<Record<string, string>>;
  readonly msgId: string | undefined;
  /** Stream sequence number. */
  readonly seq: number;
  /** 1 on first delivery, 2 on the first redelivery, ... */
  readonly deliveryCount: number;
}

/** What a handler decides about a message. Returning nothing (or `ack`) acknowledges it. */
export type Disposition =
  | { kind: 'ack' }
  /** Redeliver later (a failure worth retrying); without `delayMs`, the consumer's retry delay. */
  | { kind: 'nak'; delayMs?: number }
  /** Never redeliver; kept on the dead-letter subject with the reason, and counted. */
  | { kind: 'term'; reason: string };

/**
 * Handles one message. The bus acks only after the returned promise resolves (ack after the
 * effect). A thrown error naks with the consumer's retry delay; a `PoisonMessageError` terms.
 * A message that fails on its last allowed delivery (the consumer's `maxDeliver`) is
 * dead-lettered instead of being retried.
 */
export type Handler = (msg: BusMessage) => Promise<Disposition | void>;

/** What a `follow` reader offers its handler. */
export interface FollowReader {
  /**
   * The message is of no use to this follower (it does not decode): counted in
   * `stats().followers[subject].failed`, reported to `hooks.onError`, and the reader moves on.
   */
  skip(reason: string, cause?: unknown): void;
}

/**
 * Handles one message of a `follow` reader. A follower cannot dead-letter (nothing is acked, and
 * the consumer group that reads the same subject dead-letters it once): a message it cannot
 * decode is counted and skipped (`reader.skip`, or `decodeFollowed` in decode.ts), never thrown.
 * A thrown error is a bug, reported and counted the same way; the reader moves on either way.
 */
export type FollowHandler = (msg: BusMessage, reader: FollowReader) => Promise<void> | void;

export interface ConsumeOptions {
  /** At most this many messages are being handled at once by this subscriber (backpressure). */
  maxInFlight?: number;
  /**
   * When given, messages with the same key are handled one at a time in delivery order; messages
   * with different keys run in parallel. The order holds within one subscription: across
   * replicas it holds only if one replica consumes the subject (or subjects are partitioned),
   * and a nak'd message is redelivered after later messages of its key.
   */
  orderingKey?: (msg: BusMessage) => string;
}

export interface FollowOptions {
  /**
   * Start with the stored messages at or after this time (ms since the epoch); without it,
   * only messages published after the call. The in-process adapter forgets messages that every
   * durable consumer of the stream has acked, so there it replays only what is still held.
   */
  sinceMs?: number;
}

/** A `follow` reader. */
export interface FollowSubscription extends Subscription {
  /**
   * Resolves once the reader has handled every message on its subject that was stored (from its
   * start point) when it began: at once when there was none. State rebuilt from a replay is
   * complete from then on. Never rejects; a reader stopped before then leaves it pending.
   */
  readonly caughtUp: Promise<void>;
  /**
   * The first stream sequence this reader reads: messages before it are not its business (a
   * reader that tracks how far it has read can count them as read).
   */
  readonly startSeq: number;
}

export interface Subscription {
  /** Stops fetching, waits for in-flight handlers to finish (and ack), then resolves. */
  stop(): Promise<void>;
}

export interface KvEntry {
  value: Uint8Array;
  revision: number;
}

/**
 * Small shared state (cursors, consent, counters). Keys are any non-empty string (the NATS
 * adapter escapes characters that NATS KV does not allow, such as `:` in DIDs).
 */
export interface KvStore {
  get(key: string): Promise<KvEntry | undefined>;
  put(key: string, value: Uint8Array): Promise<number>;
  /** Writes only if the key is at `revision` (0: must not exist); false when someone else won. */
  update(key: string, value: Uint8Array, revision: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  keys(): Promise<string[]>;
}

/** Counters of one durable consumer, summed over this bus instance's subscriptions. */
export interface ConsumerStats {
  delivered: number;
  /** Deliveries with `deliveryCount > 1`. */
  redelivered: number;
  acked: number;
  nacked: number;
  /** Messages published to the dead-letter subject and terminated. */
  deadLettered: number;
  /** Messages taken and not yet settled right now. */
  inFlight: number;
}

/** Counters of the `follow` readers of one subject, summed over this bus instance. */
export interface FollowerStats {
  delivered: number;
  /** Messages skipped (`FollowReader.skip`) or that threw: logged through `hooks.onError`, then the reader moved on. */
  failed: number;
}

export interface BusStats {
  published: number;
  duplicates: number;
  consumers: Record<string, ConsumerStats>;
  /** By followed subject (as given to `follow`). */
  followers: Record<string, FollowerStats>;
}

/** A durable consumer's backlog as the server counts it, over every replica. */
export interface ConsumerLag {
  /** Messages on the consumer's subjects not yet delivered to any replica. */
  pending: number;
  /** Delivered and not yet acked: being handled, or waiting for a redelivery. */
  ackPending: number;
}

/** Reported once a message is safely on the dead-letter subject. */
export interface DeadLetterEvent {
  consumer: string;
  subject: string;
  seq: number;
  deliveryCount: number;
  msgId: string | undefined;
  reason: string;
}

/** Observability without a logging or metrics dependency: the service wires these. */
export interface BusHooks {
  onDeadLetter?: (event: DeadLetterEvent) => void;
  /** Failures the bus handled itself (a lost ack, a consumer status problem, a handler error). */
  onError?: (err: Error) => void;
}

export interface Bus {
  /** Creates or updates the streams and durable consumers of the topology; idempotent. */
  ensureTopology(): Promise<void>;
  publish(subject: string, data: Uint8Array, opts?: PublishOptions): Promise<PublishAck>;
  /**
   * Publishes many messages with a bounded number of outstanding acks; returns the acks in
   * order. Not atomic: on failure it rejects with a `BusPublishError` and some messages may be
   * stored, so callers retry with the same msgIds.
   */
  publishMany(messages: readonly OutgoingMessage[]): Promise<PublishAck[]>;
  /** Joins the durable consumer `consumer` (declared in the topology) as one more replica. */
  consume(consumer: string, handler: Handler, opts?: ConsumeOptions): Promise<Subscription>;
  /**
   * A per-replica reader: every caller gets every message on `subject` (a pattern inside one
   * stream), in stream order, one at a time; nothing is acked and no consumer group is shared.
   * A skipped message or a thrown error is reported to `hooks.onError`, counted in
   * `stats().followers[subject].failed`, and the reader moves on. `stop()` waits for the
   * handler in progress.
   */
  follow(subject: string, handler: FollowHandler, opts?: FollowOptions): Promise<FollowSubscription>;
  /**
   * Removes one stored message, by its logical stream (`BOTSKY_TASKS`) and sequence, overwriting
   * it on the server's disk: how a deletion of someone's words reaches the streams. Consumers and
   * followers that have not read it never will. false when the stream does not hold it (aged out,
   * deleted before, never stored); rejects with a `BusError` when the server cannot be asked.
   */
  deleteMessage(stream: string, seq: number): Promise<boolean>;
  kv(bucket: string): Promise<KvStore>;
  stats(): BusStats;
  /** The durable consumer's backlog (NATS: its consumer info), whoever consumes it. */
  consumerLag(consumer: string): Promise<ConsumerLag>;
  /** Resolves when the bus can serve (NATS: a round trip to the server); rejects otherwise. */
  ping(): Promise<void>;
  /** Drains: stops subscriptions, waits for in-flight work, flushes publishes, closes. */
  close(): Promise<void>;
}
