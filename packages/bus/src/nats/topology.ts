// Creates the topology's streams and durable consumers on JetStream, or brings existing ones to
// the declared config. Safe to run from every replica at every start-up, concurrently.

import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  ReplayPolicy,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type ConsumerUpdateConfig,
  type JetStreamManager,
  type StreamConfig,
  type StreamUpdateConfig,
} from '@nats-io/jetstream';
import { TopologyError } from '../errors.ts';
import type { Namespace } from '../namespace.ts';
import type { ConsumerSpec, StreamSpec, Topology } from '../topology.ts';

const STREAM_NAME_IN_USE = 10058;

const nanos = (ms: number): number => Math.round(ms * 1_000_000);

function streamUpdate(spec: StreamSpec, ns: Namespace, replicas: number): Partial<StreamUpdateConfig> {
  return {
    subjects: spec.subjects.map((s) => ns.subject(s)),
    max_age: nanos(spec.maxAgeMs),
    duplicate_window: nanos(spec.duplicateWindowMs),
    max_msgs: spec.maxMsgs,
    // A limit the server reserves against its store (2.9 too): a stream it cannot hold fails to
    // be created, rather than filling the disk later.
    max_bytes: spec.maxBytes,
    discard: DiscardPolicy.Old,
    num_replicas: replicas,
  };
}

/** The mutable part of a consumer's server-side config. */
export function consumerUpdate(spec: ConsumerSpec, ns: Namespace): Partial<ConsumerUpdateConfig> {
  return {
    filter_subject: ns.subject(spec.filterSubject),
    ack_wait: nanos(spec.ackWaitMs),
    // One more than handlers get: that delivery only dead-letters a message whose last handler
    // died before settling it, instead of the server dropping it silently.
    max_deliver: spec.maxDeliver + 1,
    max_ack_pending: spec.maxAckPending,
  };
}

function consumerConfig(spec: ConsumerSpec, ns: Namespace): Partial<ConsumerConfig> {
  return {
    ...consumerUpdate(spec, ns),
    durable_name: spec.name,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    replay_policy: ReplayPolicy.Instant,
  };
}

async function ensureStream(jsm: JetStreamManager, spec: StreamSpec, ns: Namespace, replicas: number): Promise<void> {
  const name = ns.stream(spec.name);
  const update = streamUpdate(spec, ns, replicas);
  const config: Partial<StreamConfig> & { name: string } = {
    ...update,
    name,
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
  };
  try {
    await jsm.streams.add(config);
  } catch (err) {
    // Adding an identical stream succeeds; a different one is "name already in use".
    if (!(err instanceof JetStreamApiError && err.code === STREAM_NAME_IN_USE)) throw err;
    await jsm.streams.update(name, update);
  }
}

async function ensureConsumer(jsm: JetStreamManager, spec: ConsumerSpec, ns: Namespace): Promise<void> {
  const stream = ns.stream(spec.stream);
  try {
    // 2.9 updates an existing durable in place; 2.10+ answers "consumer already exists".
    await jsm.consumers.add(stream, consumerConfig(spec, ns));
  } catch (err) {
    if (!(err instanceof JetStreamApiError)) throw err;
    await jsm.consumers.update(stream, spec.name, consumerUpdate(spec, ns));
  }
}

export async function ensureNatsTopology(jsm: JetStreamManager, topology: Topology, ns: Namespace, replicas: number): Promise<void> {
  try {
    await Promise.all(topology.streams.map((s) => ensureStream(jsm, s, ns, replicas)));
    await Promise.all(topology.consumers.map((c) => ensureConsumer(jsm, c, ns)));
  } catch (err) {
    throw new TopologyError(`could not create the streams and consumers: ${(err as Error).message}`, { cause: err });
  }
}
