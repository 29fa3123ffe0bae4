// The in-process bus: the embedded default. Same contract as the NATS adapter, no network.

import { BusClosedError, BusPublishError, TopologyError } from '../errors.ts';
import { deadLetterer } from '../dead-letter.ts';
import { FollowRunner, followedStream } from '../follower.ts';
import { DEFAULT_MAX_IN_FLIGHT, HandlerRunner, type Delivery } from '../handler-runner.ts';
import { createNamespace, type Namespace } from '../namespace.ts';
import { StatsRecorder } from '../stats.ts';
import { isValidSubject } from '../subject-match.ts';
import { KV_TTL_MS, TOPOLOGY, findConsumer, validateTopology, type Topology } from '../topology.ts';
import type {
  Bus,
  BusHooks,
  BusStats,
  ConsumeOptions,
  ConsumerLag,
  FollowHandler,
  FollowOptions,
  FollowSubscription,
  Handler,
  KvStore,
  OutgoingMessage,
  PublishAck,
  PublishOptions,
  Subscription,
} from '../types.ts';
import { MemoryFollower } from './follower.ts';
import { MemoryBroker } from './broker.ts';
import type { MemoryConsumer, MemorySubscriber } from './consumer.ts';

export interface MemoryBusOptions {
  namespace?: string;
  topology?: Topology;
  hooks?: BusHooks;
  /** Share one broker between buses to model several processes on one server (tests). */
  broker?: MemoryBroker;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

// Small copies come from Node's shared buffer pool: a fresh ArrayBuffer per message would cost
// about a third of the adapter's throughput. The view is a plain Uint8Array, like NATS gives.
function copyBytes(data: Uint8Array): Uint8Array {
  const pooled = Buffer.allocUnsafe(data.byteLength);
  pooled.set(data);
  return new Uint8Array(pooled.buffer, pooled.byteOffset, pooled.byteLength);
}

export class MemoryBus implements Bus {
  readonly #ns: Namespace;
  readonly #topology: Topology;
  readonly #hooks: BusHooks;
  readonly #broker: MemoryBroker;
  readonly #ownsBroker: boolean;
  readonly #stats = new StatsRecorder();
  readonly #subs = new Set<MemorySubscription>();
  readonly #followers = new Set<MemoryFollower>();
  #closing = false;
  #closed = false;
  #closingDone: Promise<void> | undefined;

  constructor(options: MemoryBusOptions = {}) {
    this.#ns = createNamespace(options.namespace);
    this.#topology = options.topology ?? TOPOLOGY;
    validateTopology(this.#topology);
    this.#hooks = options.hooks ?? {};
    this.#ownsBroker = options.broker === undefined;
    this.#broker = options.broker ?? new MemoryBroker();
  }

  async ensureTopology(): Promise<void> {
    this.#checkOpen();
    this.#broker.ensure(this.#topology, this.#ns);
  }

  publish(subject: string, data: Uint8Array, opts: PublishOptions = {}): Promise<PublishAck> {
    try {
      this.#checkOpen();
      return Promise.resolve(this.#publishNow(subject, data, opts));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async publishMany(messages: readonly OutgoingMessage[]): Promise<PublishAck[]> {
    this.#checkOpen();
    const acks = new Array<PublishAck>(messages.length);
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i] as OutgoingMessage;
      try {
        acks[i] = this.#publishNow(m.subject, m.data, m);
      } catch (err) {
        throw new BusPublishError(`publishMany failed at message ${i} of ${messages.length}`, { cause: err });
      }
      // Let consumers run between slices, as they would while a network client awaits acks.
      if ((i & 1023) === 1023) await Promise.resolve();
    }
    return acks;
  }

  // Also used while closing: handlers finishing during the drain may still dead-letter.
  #publishNow(subject: string, data: Uint8Array, opts: PublishOptions): PublishAck {
    if (this.#closed || this.#broker.closed) throw new BusClosedError('the bus is closed');
    const physical = this.#ns.subject(subject);
    const stream = this.#broker.route(physical);
    if (stream === undefined) {
      if (!isValidSubject(subject)) throw new BusPublishError(`invalid subject "${subject}"`);
      throw new BusPublishError(`no stream captures ${subject} (was ensureTopology called?)`);
    }
    // Copies: the caller may reuse its buffer once publish resolves, as with a network client.
    const headers = opts.headers === undefined ? NO_HEADERS : { ...opts.headers };
    const { seq, duplicate } = stream.append(physical, subject, copyBytes(data), headers, opts.msgId, Date.now());
    this.#stats.published++;
    if (duplicate) this.#stats.duplicates++;
    else for (const c of stream.consumers) c.schedulePump();
    return { stream: this.#ns.logicalStream(stream.physicalName), seq, duplicate };
  }

  async consume(consumer: string, handler: Handler, opts: ConsumeOptions = {}): Promise<Subscription> {
    this.#checkOpen();
    const spec = findConsumer(this.#topology, consumer);
    const state = this.#broker.consumer(this.#ns.stream(spec.stream), spec.name);
    if (state === undefined) throw new TopologyError(`consumer ${consumer} does not exist yet: call ensureTopology first`);
    const publish = async (subject: string, data: Uint8Array, o: PublishOptions = {}) => this.#publishNow(subject, data, o);
    const sub = new MemorySubscription(
      state,
      (onSlotFree) =>
        new HandlerRunner({
          spec,
          handler,
          maxInFlight: Math.max(1, opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT),
          orderingKey: opts.orderingKey,
          deadLetter: deadLetterer(publish, spec),
          stats: this.#stats.consumer(spec.name),
          hooks: this.#hooks,
          onSlotFree,
        }),
      () => this.#subs.delete(sub),
    );
    this.#subs.add(sub);
    state.attach(sub);
    return sub;
  }

  async follow(subject: string, handler: FollowHandler, opts: FollowOptions = {}): Promise<FollowSubscription> {
    this.#checkOpen();
    const spec = followedStream(this.#topology, subject);
    const stream = this.#broker.stream(this.#ns.stream(spec.name));
    if (stream === undefined) throw new TopologyError(`stream ${spec.name} does not exist yet: call ensureTopology first`);
    const runner = new FollowRunner(subject, handler, this.#stats.follower(subject), this.#hooks);
    const follower: MemoryFollower = new MemoryFollower(stream, this.#ns.subject(subject), runner, opts.sinceMs, () =>
      this.#followers.delete(follower),
    );
    this.#followers.add(follower);
    return follower;
  }

  async deleteMessage(stream: string, seq: number): Promise<boolean> {
    this.#checkOpen();
    const held = this.#broker.stream(this.#ns.stream(stream));
    if (held === undefined) throw new TopologyError(`stream ${stream} does not exist`);
    return held.delete(seq);
  }

  async kv(bucket: string): Promise<KvStore> {
    this.#checkOpen();
    return this.#broker.bucket(this.#ns.bucket(bucket), KV_TTL_MS[bucket]);
  }

  stats(): BusStats {
    return this.#stats.snapshot();
  }

  async consumerLag(consumer: string): Promise<ConsumerLag> {
    this.#checkOpen();
    const spec = findConsumer(this.#topology, consumer);
    const state = this.#broker.consumer(this.#ns.stream(spec.stream), spec.name);
    if (state === undefined) throw new TopologyError(`consumer ${consumer} does not exist yet: call ensureTopology first`);
    return state.lag();
  }

  async ping(): Promise<void> {
    this.#checkOpen();
  }

  close(): Promise<void> {
    this.#closingDone ??= (async () => {
      this.#closing = true;
      await Promise.all([...this.#subs, ...this.#followers].map((s) => s.stop()));
      this.#closed = true;
      if (this.#ownsBroker) this.#broker.close();
    })();
    return this.#closingDone;
  }

  /** Simulates a crash (for fault tests): nothing is acked, in-flight messages are redelivered after ack wait. */
  kill(): void {
    this.#closing = true;
    this.#closed = true;
    for (const s of this.#subs) s.kill();
    for (const f of this.#followers) f.kill();
    if (this.#ownsBroker) this.#broker.close();
  }

  #checkOpen(): void {
    if (this.#closing || this.#broker.closed) throw new BusClosedError('the bus is closed');
  }
}

class MemorySubscription implements Subscription, MemorySubscriber {
  readonly #consumer: MemoryConsumer;
  readonly #runner: HandlerRunner;
  readonly #onStopped: () => void;
  #stopping: Promise<void> | undefined;

  constructor(consumer: MemoryConsumer, makeRunner: (onSlotFree: () => void) => HandlerRunner, onStopped: () => void) {
    this.#consumer = consumer;
    this.#runner = makeRunner(() => consumer.schedulePump());
    this.#onStopped = onStopped;
  }

  get accepting(): boolean {
    return this.#stopping === undefined;
  }

  get free(): number {
    return this.#runner.free;
  }

  offer(d: Delivery): void {
    this.#runner.run(d);
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#consumer.detach(this);
      await this.#runner.idle();
      this.#onStopped();
    })();
    return this.#stopping;
  }

  kill(): void {
    this.#stopping ??= Promise.resolve();
    this.#runner.kill();
    this.#consumer.detach(this);
    this.#onStopped();
  }
}
