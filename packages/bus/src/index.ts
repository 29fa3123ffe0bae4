// @botsky/bus: one bus interface, two adapters (NATS JetStream and in-process).

import type { BusConfig } from './config.ts';
import { MemoryBus, type MemoryBusOptions } from './memory/bus.ts';
import { createNatsBus } from './nats/bus.ts';
import type { Bus } from './types.ts';

export type * from './types.ts';
export { parseBusUrl, type BusConfig } from './config.ts';
export {
  BusClosedError,
  BusConfigError,
  BusError,
  BusPublishError,
  ConsumerError,
  KvError,
  PoisonMessageError,
  TopologyError,
} from './errors.ts';
export { DEAD_LETTER_HEADERS } from './dead-letter.ts';
export { decodeFollowed, decodeMessage } from './decode.ts';
export {
  CONSUMERS,
  DEFAULT_STREAM_LIMITS,
  KV_TTL_MS,
  MAX_STREAM_AGE_MS,
  TOPOLOGY,
  findConsumer,
  retryDelayMs,
  validateTopology,
  withConsumerTiming,
  withStreamLimits,
  type ConsumerName,
  type ConsumerSpec,
  type ConsumerTiming,
  type StreamKey,
  type StreamLimits,
  type StreamSpec,
  type Topology,
} from './topology.ts';
export { MemoryBus, type MemoryBusOptions } from './memory/bus.ts';
export { MemoryBroker, createMemoryBroker } from './memory/broker.ts';
export { NatsBus, createNatsBus, type NatsBusOptions } from './nats/bus.ts';
export { deleteNamespace, namespaceStreamLimits, type ServerStreamLimits } from './nats/admin.ts';

export function createMemoryBus(options: MemoryBusOptions = {}): MemoryBus {
  return new MemoryBus(options);
}

/** The bus a config asks for; call `ensureTopology()` on it before publishing or consuming. */
export async function createBus(config: BusConfig): Promise<Bus> {
  if (config.kind === 'memory') {
    const { kind: _, ...options } = config;
    return createMemoryBus(options);
  }
  const { kind: _, ...options } = config;
  return createNatsBus(options);
}
