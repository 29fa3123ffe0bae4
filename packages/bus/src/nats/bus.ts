// The NATS JetStream bus (the @nats-io v3 clients). Works with server 2.9 and 2.10+: it uses one
// filter subject per consumer, no consumer metadata, and bare `+TERM` acks.

import { withTimeout } from '@botsky/async';
import {
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type PubAck,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { BusClosedError, BusError, BusPublishError, TopologyError } from '../errors.ts';
import { deadLetterer } from '../dead-letter.ts';
import { FollowRunner, followedStream } from '../follower.ts';
import { DEFAULT_MAX_IN_FLIGHT, HandlerRunner } from '../handler-runner.ts';
import { createNamespace, type Namespace } from '../namespace.ts';
import { publishWindowed } from '../publish-window.ts';
import { StatsRecorder } from '../stats.ts';
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
import { startNatsFollower, type NatsFollower } from './follower.ts';
import { ConsumerLagReader } from './consumer-lag.ts';
import { openNatsKv } from './kv.ts';
import { toMsgHdrs } from './message.ts';
import { AckedPublisher } from './publisher.ts';
import { startNatsSubscription, type NatsSubscription } from './subscription.ts';
import { ensureNatsTopology } from './topology.ts';

export interface NatsBusOptions {
  servers: string | string[];
  namespace?: string;
  /** Connection name, shown by the server's monitoring (e.g. `bot-runner-7f9c`). */
  name?: string;
  topology?: Topology;
  hooks?: BusHooks;
  /** Stream replicas in a NATS cluster. */
  replicas?: number;
  /** Outstanding publish acks in `publishMany`. */
  publishWindow?: number;
}

const DEFAULT_PUBLISH_WINDOW = 512;
const PING_TIMEOUT_MS = 2000;
const PUBLISH_TIMEOUT_MS = 10_000;
/** The stream does not hold the message: JSStreamMsgDeleteFailedF (none stored there), JSSequenceNotFoundErrF (deleted before). */
const MESSAGE_NOT_HELD = new Set([10057, 10043]);
const STREAM_NOT_FOUND = 10059;
const REPORTED_STATUS = new Set(['disconnect', 'error', 'slowConsumer', 'staleConnection']);

export async function createNatsBus(options: NatsBusOptions): Promise<NatsBus> {
  validateTopology(options.topology ?? TOPOLOGY);
  const ns = createNamespace(options.namespace);
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: options.servers,
      ...(options.name === undefined ? {} : { name: options.name }),
      // Never give up on a server that went away; a fixed wait with jitter spreads the herd.
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
      reconnectJitter: 500,
      // Otherwise the client builds Error objects for async stack traces on every request;
      // our own errors carry the context.
      noAsyncTraces: true,
    });
  } catch (err) {
    throw new BusError(`cannot connect to NATS at ${String(options.servers)}: ${(err as Error).message}`, { cause: err });
  }
  return new NatsBus(nc, ns, options);
}

export class NatsBus implements Bus {
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #publisher: AckedPublisher;
  readonly #ns: Namespace;
  readonly #options: NatsBusOptions;
  readonly #topology: Topology;
  readonly #hooks: BusHooks;
  readonly #stats = new StatsRecorder();
  readonly #subs = new Set<NatsSubscription>();
  readonly #followers = new Set<NatsFollower>();
  readonly #kvs = new Map<string, Promise<KvStore>>();
  readonly #lag: ConsumerLagReader;
  #jsm: Promise<JetStreamManager> | undefined;
  #closing = false;

  constructor(nc: NatsConnection, ns: Namespace, options: NatsBusOptions) {
    this.#nc = nc;
    this.#js = jetstream(nc);
    this.#publisher = new AckedPublisher(nc, PUBLISH_TIMEOUT_MS);
    this.#ns = ns;
    this.#options = options;
    this.#topology = options.topology ?? TOPOLOGY;
    this.#hooks = options.hooks ?? {};
    this.#lag = new ConsumerLagReader(nc, ns);
    void this.#watchConnection();
  }

  async ensureTopology(): Promise<void> {
    this.#checkOpen();
    const jsm = await this.#manager();
    await ensureNatsTopology(jsm, this.#topology, this.#ns, this.#options.replicas ?? 1);
  }

  async publish(subject: string, data: Uint8Array, opts: PublishOptions = {}): Promise<PublishAck> {
    this.#checkOpen();
    return this.#send(subject, data, opts);
  }

  // Also used while closing: handlers finishing during the drain may still dead-letter.
  async #send(subject: string, data: Uint8Array, opts: PublishOptions): Promise<PublishAck> {
    let ack: PubAck;
    try {
      ack = await this.#publisher.publish(this.#ns.subject(subject), data, toMsgHdrs(opts.headers, opts.msgId));
    } catch (err) {
      if (err instanceof BusError) throw err;
      throw new BusPublishError(`publish to ${subject} failed: ${(err as Error).message}`, { cause: err });
    }
    this.#stats.published++;
    if (ack.duplicate) this.#stats.duplicates++;
    return { stream: this.#ns.logicalStream(ack.stream), seq: ack.seq, duplicate: ack.duplicate };
  }

  async publishMany(messages: readonly OutgoingMessage[]): Promise<PublishAck[]> {
    this.#checkOpen();
    const send = (subject: string, data: Uint8Array, opts: PublishOptions = {}) => this.#send(subject, data, opts);
    return publishWindowed(send, messages, this.#options.publishWindow ?? DEFAULT_PUBLISH_WINDOW);
  }

  async consume(consumer: string, handler: Handler, opts: ConsumeOptions = {}): Promise<Subscription> {
    this.#checkOpen();
    const spec = findConsumer(this.#topology, consumer);
    const maxInFlight = Math.max(1, opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
    const runner = new HandlerRunner({
      spec,
      handler,
      maxInFlight,
      orderingKey: opts.orderingKey,
      deadLetter: deadLetterer((subject, data, opts = {}) => this.#send(subject, data, opts), spec),
      stats: this.#stats.consumer(spec.name),
      hooks: this.#hooks,
    });
    const sub = await startNatsSubscription({
      nc: this.#nc,
      js: this.#js,
      ns: this.#ns,
      spec,
      runner,
      maxInFlight,
      hooks: this.#hooks,
      onStopped: () => this.#subs.delete(sub),
    });
    this.#subs.add(sub);
    return sub;
  }

  async follow(subject: string, handler: FollowHandler, opts: FollowOptions = {}): Promise<FollowSubscription> {
    this.#checkOpen();
    const spec = followedStream(this.#topology, subject);
    const follower = await startNatsFollower({
      js: this.#js,
      jsm: await this.#manager(),
      ns: this.#ns,
      stream: spec.name,
      subject,
      sinceMs: opts.sinceMs,
      runner: new FollowRunner(subject, handler, this.#stats.follower(subject), this.#hooks),
      onStopped: () => this.#followers.delete(follower),
    });
    this.#followers.add(follower);
    return follower;
  }

  async #manager(): Promise<JetStreamManager> {
    try {
      return await jetstreamManager(this.#nc);
    } catch (err) {
      throw new TopologyError(`JetStream is not available: ${(err as Error).message}`, { cause: err });
    }
  }

  async deleteMessage(stream: string, seq: number): Promise<boolean> {
    this.#checkOpen();
    this.#jsm ??= this.#manager();
    const jsm = await this.#jsm.catch((err: unknown) => {
      this.#jsm = undefined;
      throw err;
    });
    try {
      return await jsm.streams.deleteMessage(this.#ns.stream(stream), seq, true);
    } catch (err) {
      if (err instanceof JetStreamApiError && MESSAGE_NOT_HELD.has(err.code)) return false;
      if (err instanceof JetStreamApiError && err.code === STREAM_NOT_FOUND)
        throw new TopologyError(`stream ${stream} does not exist`, { cause: err });
      throw new BusError(`cannot delete message ${seq} of ${stream}: ${(err as Error).message}`, { cause: err });
    }
  }

  async kv(bucket: string): Promise<KvStore> {
    this.#checkOpen();
    const name = this.#ns.bucket(bucket);
    let kv = this.#kvs.get(name);
    if (kv === undefined) {
      kv = openNatsKv(this.#js, name, KV_TTL_MS[bucket], () => this.#manager());
      kv.catch(() => this.#kvs.delete(name));
      this.#kvs.set(name, kv);
    }
    return kv;
  }

  stats(): BusStats {
    return this.#stats.snapshot();
  }

  async consumerLag(consumer: string): Promise<ConsumerLag> {
    this.#checkOpen();
    return this.#lag.read(findConsumer(this.#topology, consumer));
  }

  async ping(): Promise<void> {
    this.#checkOpen();
    try {
      await withTimeout(this.#nc.rtt(), PING_TIMEOUT_MS, () => new BusError(`no answer from NATS within ${PING_TIMEOUT_MS} ms`));
    } catch (err) {
      throw err instanceof BusError ? err : new BusError(`NATS is not reachable: ${(err as Error).message}`, { cause: err });
    }
  }

  async close(): Promise<void> {
    if (this.#closing) return this.#nc.closed().then(() => undefined);
    this.#closing = true;
    await Promise.all([...this.#subs, ...this.#followers].map((s) => s.stop()));
    if (!this.#nc.isClosed()) await this.#nc.drain();
    this.#publisher.close();
  }

  /** Simulates a crash (for fault tests): drops the connection without acking or draining. */
  async kill(): Promise<void> {
    this.#closing = true;
    for (const s of this.#subs) s.kill();
    for (const f of this.#followers) f.kill();
    this.#publisher.close();
    await this.#nc.close();
  }

  #checkOpen(): void {
    if (this.#closing || this.#nc.isClosed()) throw new BusClosedError('the bus is closed');
  }

  async #watchConnection(): Promise<void> {
    for await (const s of this.#nc.status()) {
      if (REPORTED_STATUS.has(s.type)) {
        this.#hooks.onError?.(new BusError(`nats connection: ${s.type}`, { cause: s }));
      }
    }
  }
}
