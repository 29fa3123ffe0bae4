// Runs a handler over the messages one subscription receives, the same way for both adapters:
// bounded in-flight work, optional per-key ordering (one key at a time, in delivery order, like
// atproto's memory runner), ack after the handler resolves, nak with a delay on failure, and
// dead-letter-then-term for poison messages and for messages out of deliveries.

import { ConsumerError, PoisonMessageError, errorMessage } from './errors.ts';
import type { DeadLetterFn } from './dead-letter.ts';
import { retryDelayMs, type ConsumerSpec } from './topology.ts';
import type { BusHooks, BusMessage, ConsumerStats, Disposition, Handler } from './types.ts';

/** Handlers one subscription runs at once unless ConsumeOptions.maxInFlight says otherwise. */
export const DEFAULT_MAX_IN_FLIGHT = 64;

/** One delivered message and the adapter's way to settle it. */
export interface Delivery {
  readonly msg: BusMessage;
  ack(): void;
  nak(delayMs: number): void;
  term(reason: string): void;
  /** Restarts the ack-wait clock. */
  working(): void;
}

export interface RunnerOptions {
  spec: ConsumerSpec;
  handler: Handler;
  maxInFlight: number;
  orderingKey: ((msg: BusMessage) => string) | undefined;
  deadLetter: DeadLetterFn;
  stats: ConsumerStats;
  hooks: BusHooks;
  /** Called each time a slot frees up. */
  onSlotFree?: () => void;
}

type Outcome =
  | { kind: 'ack' }
  | { kind: 'nak'; delayMs?: number; error?: string }
  | { kind: 'term'; reason: string }
  | { kind: 'exhausted' };

const ACK: Outcome = { kind: 'ack' };
const EXHAUSTED: Outcome = { kind: 'exhausted' };

interface Live {
  readonly d: Delivery;
  readonly takenAt: number;
}

export class HandlerRunner {
  readonly #o: RunnerOptions;
  readonly #live = new Set<Live>();
  readonly #keyQueues = new Map<string, Live[]>();
  #slotWaiters: Array<{ n: number; wake: () => void }> = [];
  #idleWaiters: Array<() => void> = [];
  #ticker: ReturnType<typeof setInterval> | undefined;
  #killed = false;

  constructor(options: RunnerOptions) {
    this.#o = options;
  }

  get free(): number {
    return this.#o.maxInFlight - this.#live.size;
  }

  get active(): number {
    return this.#live.size;
  }

  /** Resolves once at least `n` slots are free. */
  waitForFree(n = 1): Promise<void> {
    if (this.free >= n) return Promise.resolve();
    return new Promise((wake) => this.#slotWaiters.push({ n, wake }));
  }

  idle(): Promise<void> {
    if (this.#live.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** A simulated crash: handlers may still finish, but nothing they decide reaches the server. */
  kill(): void {
    this.#killed = true;
    this.#stopTicker();
  }

  run(d: Delivery): void {
    const { stats } = this.#o;
    stats.delivered++;
    stats.inFlight++;
    if (d.msg.deliveryCount > 1) stats.redelivered++;
    const live: Live = { d, takenAt: Date.now() };
    this.#live.add(live);
    this.#startTicker();
    let key: string | undefined;
    try {
      key = this.#o.orderingKey?.(d.msg);
    } catch (err) {
      void this.#process(live, { kind: 'term', reason: `ordering key failed: ${errorMessage(err)}` });
      return;
    }
    if (key === undefined) {
      void this.#process(live);
      return;
    }
    const queue = this.#keyQueues.get(key);
    if (queue !== undefined) queue.push(live);
    else {
      this.#keyQueues.set(key, []);
      void this.#runKey(live, key);
    }
  }

  async #runKey(first: Live, key: string): Promise<void> {
    let next: Live | undefined = first;
    while (next !== undefined) {
      await this.#process(next);
      next = this.#keyQueues.get(key)?.shift();
    }
    this.#keyQueues.delete(key);
  }

  async #process(live: Live, decided?: Outcome): Promise<void> {
    try {
      const outcome = decided ?? (await this.#call(live.d));
      const settling = this.#settle(live.d, outcome);
      if (settling !== undefined) await settling;
    } catch (err) {
      this.#report(`settling seq ${live.d.msg.seq} failed`, err);
    }
    this.#live.delete(live);
    this.#o.stats.inFlight--;
    if (this.#slotWaiters.length > 0) this.#wakeSlotWaiters();
    this.#o.onSlotFree?.();
    if (this.#live.size === 0) {
      this.#stopTicker();
      for (const wake of this.#idleWaiters.splice(0)) wake();
    }
  }

  #wakeSlotWaiters(): void {
    const free = this.free;
    const ready = this.#slotWaiters.filter((w) => w.n <= free);
    this.#slotWaiters = this.#slotWaiters.filter((w) => w.n > free);
    for (const w of ready) w.wake();
  }

  #call(d: Delivery): Promise<Outcome> {
    // Only after a delivery that was never settled (its handler's process died): the server
    // allows one delivery more than handlers get, so the message is kept, not dropped.
    if (d.msg.deliveryCount > this.#o.spec.maxDeliver) return Promise.resolve(EXHAUSTED);
    let running: Promise<Disposition | void>;
    try {
      running = this.#o.handler(d.msg);
    } catch (err) {
      return Promise.resolve(this.#failure(d, err));
    }
    return running.then(
      (r) => r ?? ACK,
      (err: unknown) => this.#failure(d, err),
    );
  }

  #failure(d: Delivery, err: unknown): Outcome {
    if (err instanceof PoisonMessageError) return { kind: 'term', reason: err.message };
    this.#report(`handler failed on seq ${d.msg.seq} (delivery ${d.msg.deliveryCount})`, err);
    return { kind: 'nak', error: errorMessage(err) };
  }

  /** Returns a promise only when dead-lettering, the one settlement that waits for the server. */
  #settle(d: Delivery, outcome: Outcome): Promise<void> | undefined {
    if (this.#killed) return undefined;
    const { spec, stats } = this.#o;
    const count = d.msg.deliveryCount;
    switch (outcome.kind) {
      case 'ack':
        this.#safely(() => d.ack());
        stats.acked++;
        return undefined;
      case 'term':
        return this.#deadLetter(d, outcome.reason);
      case 'exhausted':
        return this.#deadLetter(d, `not acknowledged after ${spec.maxDeliver} deliveries`);
      case 'nak':
        if (count >= spec.maxDeliver) return this.#deadLetter(d, `gave up after ${count} deliveries: ${outcome.error ?? 'nak'}`);
        this.#safely(() => d.nak(outcome.delayMs ?? retryDelayMs(spec, count)));
        stats.nacked++;
        return undefined;
    }
  }

  async #deadLetter(d: Delivery, reason: string): Promise<void> {
    const { spec, stats, hooks } = this.#o;
    try {
      await this.#o.deadLetter(d.msg, reason);
    } catch (err) {
      if (this.#killed) return;
      // Not kept yet, so not terminated: a later delivery tries again.
      this.#report(`dead-lettering seq ${d.msg.seq} failed`, err);
      this.#safely(() => d.nak(retryDelayMs(spec, d.msg.deliveryCount)));
      stats.nacked++;
      return;
    }
    if (this.#killed) return;
    this.#safely(() => d.term(reason));
    stats.deadLettered++;
    const { subject, seq, deliveryCount, msgId } = d.msg;
    hooks.onDeadLetter?.({ consumer: spec.name, subject, seq, deliveryCount, msgId, reason });
  }

  // Long handlers keep their message: the server would otherwise redeliver it after ack wait.
  #startTicker(): void {
    if (this.#ticker !== undefined || this.#killed) return;
    const { ackWaitMs, maxWorkingMs } = this.#o.spec;
    const every = Math.max(Math.floor(ackWaitMs / 4), 10);
    this.#ticker = setInterval(() => {
      const now = Date.now();
      for (const live of this.#live) {
        const age = now - live.takenAt;
        if (age >= every && age < maxWorkingMs) this.#safely(() => live.d.working());
      }
    }, every);
    this.#ticker.unref();
  }

  #stopTicker(): void {
    if (this.#ticker !== undefined) clearInterval(this.#ticker);
    this.#ticker = undefined;
  }

  #safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#report('could not settle a message', err);
    }
  }

  #report(message: string, cause: unknown): void {
    this.#o.hooks.onError?.(new ConsumerError(this.#o.spec.name, message, { cause }));
  }
}
