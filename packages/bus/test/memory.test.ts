// The contract suite against the in-process adapter. Buses of one namespace share a broker,
// as processes share a NATS server.

import { createMemoryBroker, type MemoryBroker } from '../src/memory/broker.ts';
import { MemoryBus } from '../src/memory/bus.ts';
import { contractSuite } from './contract.ts';

const brokers = new Map<string, MemoryBroker>();

contractSuite({
  name: 'memory',
  async open(namespace, topology, hooks) {
    let broker = brokers.get(namespace);
    if (broker === undefined) {
      broker = createMemoryBroker();
      brokers.set(namespace, broker);
    }
    const bus = new MemoryBus({ namespace, topology, hooks, broker });
    return { bus, kill: async () => bus.kill() };
  },
  async cleanup(namespace) {
    brokers.get(namespace)?.close();
    brokers.delete(namespace);
  },
});
