// One replica of a durable pull consumer. It pulls only as many messages as it has free handler
// slots (fetch with max_messages = free), so every message this process holds is being handled
// and kept alive with `working()`; none waits unseen in a prefetch buffer while ack wait runs out.

import { backoffDelay, type Backoff } from '@botsky/async';
import type { Consumer, ConsumerMessages, JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ConsumerError, TopologyError } from '../errors.ts';
import type { HandlerRunner } from '../handler-runner.ts';
import type { Namespace } from '../namespace.ts';
import type { ConsumerSpec } from '../topology.ts';
import type { BusHooks, Subscription } from '../types.ts';
import { AckQueue } from './ack-queue.ts';
import { NatsDelivery } from './message.ts';

export interface NatsSubscriptionDeps {
  nc: NatsConnection;
  js: JetStreamClient;
  ns: Namespace;
  spec: ConsumerSpec;
  runner: HandlerRunner;
  maxInFlight: number;
  hooks: BusHooks;
  onStopped: () => void;
}

/** A pull waits this long for messages; the client also expects a heartbeat every half of it. */
const FETCH_EXPIRES_MS = 10_000;
/** After a failed pull: 250 ms, doubling, at most 10 s. */
const PULL_BACKOFF: Backoff = { initialMs: 250, maxMs: 10_000, jitter: 0 };

export async function startNatsSubscription(deps: NatsSubscriptionDeps): Promise<NatsSubscription> {
  const { js, ns, spec } = deps;
  try {
    return new NatsSubscription(deps, await js.consumers.get(ns.stream(spec.stream), spec.name));
  } catch (err) {
    throw new TopologyError(`cannot consume ${spec.name}: ${(err as Error).message} (was ensureTopology called?)`, { cause: err });
  }
}

export class NatsSubscription implements Subscription {
  readonly #d: NatsSubscriptionDeps;
  readonly #consumer: Consumer;
  readonly #loop: Promise<void>;
  /** Pulling again for a handful of free slots costs more than it gains. */
  readonly #batchFloor: number;
  readonly #acks: AckQueue;
  #batch: ConsumerMessages | undefined;
  #stopping = false;
  #killed = false;
  #wake: () => void = () => {};
  readonly #stopSignal = new Promise<void>((resolve) => {
    this.#wake = resolve;
  });
  #stopped: Promise<void> | undefined;

  constructor(deps: NatsSubscriptionDeps, consumer: Consumer) {
    this.#d = deps;
    this.#consumer = consumer;
    this.#batchFloor = Math.max(1, Math.ceil(deps.maxInFlight / 4));
    this.#acks = new AckQueue((err) => this.#report('could not settle a message', err));
    this.#loop = this.#run();
  }

  stop(): Promise<void> {
    this.#stopped ??= this.#drain();
    return this.#stopped;
  }

  /** Simulated crash: stop pulling and settle nothing. */
  kill(): void {
    this.#killed = true;
    this.#d.runner.kill();
    this.#acks.discard();
    this.#stopped ??= Promise.resolve();
    this.#signalStop();
  }

  // Messages already delivered to this process are handled too: handing them back with a nak
  // races, on server 2.9, with the server re-queueing what reaches the closed pull inbox, and a
  // message can then arrive twice.
  async #drain(): Promise<void> {
    this.#signalStop();
    await this.#loop;
    await this.#d.runner.idle();
    this.#acks.flush();
    try {
      if (!this.#d.nc.isClosed()) await this.#d.nc.flush(); // acks on the wire before stop() resolves
    } catch (err) {
      this.#report('flush after stop failed', err);
    }
    this.#d.onStopped();
  }

  #signalStop(): void {
    this.#stopping = true;
    this.#wake();
    void this.#batch?.close();
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#stopping) {
      await Promise.race([this.#d.runner.waitForFree(this.#batchFloor), this.#stopSignal]);
      if (this.#stopping) return;
      try {
        await this.#pullOnce();
        failures = 0;
      } catch (err) {
        if (this.#stopping || this.#d.nc.isClosed()) return;
        failures++;
        this.#report(`pull failed (${failures} in a row)`, err);
        await Promise.race([sleep(backoffDelay(failures + 1, PULL_BACKOFF)), this.#stopSignal]);
      }
    }
  }

  async #pullOnce(): Promise<void> {
    const { runner, ns } = this.#d;
    const batch = await this.#consumer.fetch({ max_messages: runner.free, expires: FETCH_EXPIRES_MS });
    this.#batch = batch;
    if (this.#stopping) void batch.close();
    try {
      for await (const m of batch) {
        if (this.#killed) return;
        runner.run(new NatsDelivery(m, ns, this.#acks));
      }
    } finally {
      this.#batch = undefined;
    }
  }

  #report(message: string, cause: unknown): void {
    this.#d.hooks.onError?.(new ConsumerError(this.#d.spec.name, message, { cause }));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
