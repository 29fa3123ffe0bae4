// The bus contract. Two adapters implement it (NATS JetStream and in-process) and one contract
// test suite runs against both. Delivery is at least once; handlers must be idempotent.

export interface PublishOptions {
  /** Deduplication id: a second publish with the same id inside the stream's window is dropped. */
  msgId?: string;
  headers?: Record<string, string>;
}

export interface PublishAck {
  stream: string;
  seq: number;
  /** true when the message was a duplicate (by msgId) and was not stored again. */
  duplicate: boolean;
}

export interface BusMessage {
  readonly subject: string;
  readonly data: Uint8Array;
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
  /** Redeliver later (a failure worth retrying). */
  | { kind: 'nak'; delayMs?: number }
  /** Never redeliver; kept on the dead-letter subject with the reason, and counted. */
  | { kind: 'term'; reason: string };

/**
 * Handles one message. The bus acks only after the returned promise resolves (ack after the
 * effect). A thrown error naks with the consumer's retry delay; a `PoisonMessageError` terms.
 */
export type Handler = (msg: BusMessage) => Promise<Disposition | void>;

export interface ConsumeOptions {
  /** At most this many messages are being handled at once by this subscriber (backpressure). */
  maxInFlight?: number;
  /**
   * When given, messages with the same key are handled one at a time in stream order; messages
   * with different keys run in parallel.
   */
  orderingKey?: (msg: BusMessage) => string;
}

export interface Subscription {
  /** Stops fetching, waits for in-flight handlers to finish (and ack), then resolves. */
  stop(): Promise<void>;
}

export interface KvEntry {
  value: Uint8Array;
  revision: number;
}

/** Small shared state (cursors, consent, counters). */
export interface KvStore {
  get(key: string): Promise<KvEntry | undefined>;
  put(key: string, value: Uint8Array): Promise<number>;
  /** Writes only if the key is at `revision` (0: must not exist); false when someone else won. */
  update(key: string, value: Uint8Array, revision: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  keys(): Promise<string[]>;
}

export interface Bus {
  /** Creates the streams and durable consumers of the topology; idempotent. */
  ensureTopology(): Promise<void>;
  publish(subject: string, data: Uint8Array, opts?: PublishOptions): Promise<PublishAck>;
  /** Joins the durable consumer `consumer` (declared in the topology) as one more replica. */
  consume(consumer: string, handler: Handler, opts?: ConsumeOptions): Promise<Subscription>;
  kv(bucket: string): Promise<KvStore>;
  /** Drains: stops subscriptions, waits for in-flight work, flushes publishes, closes. */
  close(): Promise<void>;
}
