// The contract suite against NATS JetStream (the server at NATS_URL).

import { createNatsBus } from '../src/nats/bus.ts';
import { contractSuite } from './contract.ts';
import { NATS_URL, deleteNatsNamespace } from './helpers.ts';

contractSuite({
  name: 'nats',
  async open(namespace, topology, hooks) {
    const bus = await createNatsBus({ servers: NATS_URL, namespace, topology, hooks, name: `bus-test-${namespace}` });
    return { bus, kill: () => bus.kill() };
  },
  cleanup: (namespace) => deleteNatsNamespace(namespace),
});
