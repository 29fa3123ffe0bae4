/** Base class so callers can catch every bus failure with one `instanceof`. */
export class BusError extends Error {
  override name = 'BusError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Thrown by a handler for a message that can never succeed (malformed, impossible): the bus
 * dead-letters it with this error's message as the reason and never redelivers it.
 */
export class PoisonMessageError extends Error {
  override name = 'PoisonMessageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A bad bus URL, namespace or option. */
export class BusConfigError extends BusError {
  override name = 'BusConfigError';
}

/** A publish was not stored (no stream for the subject, timeout, connection lost). */
export class BusPublishError extends BusError {
  override name = 'BusPublishError';
}

/** Streams or consumers could not be created, or a consumer is not in the topology. */
export class TopologyError extends BusError {
  override name = 'TopologyError';
}

/** The bus was closed (or killed) before the call. */
export class BusClosedError extends BusError {
  override name = 'BusClosedError';
}

/** A KV operation failed for a reason other than a lost compare-and-set. */
export class KvError extends BusError {
  override name = 'KvError';
}

/** Something went wrong inside a running subscription (a lost ack, a missing consumer, ...). */
export class ConsumerError extends BusError {
  override name = 'ConsumerError';
  readonly consumer: string;
  constructor(consumer: string, message: string, options?: { cause?: unknown }) {
    super(`consumer ${consumer}: ${message}`, options);
    this.consumer = consumer;
  }
}

/** The message of an unknown thrown value, for reasons and logs. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
