// A durable consumer's backlog from the server's consumer info (num_pending, num_ack_pending):
// the same source KEDA's nats-jetstream scaler reads, so the dashboards and the autoscaler agree.
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ConsumerError } from '../errors.ts';
import type { Namespace } from '../namespace.ts';
import type { ConsumerSpec } from '../topology.ts';
import type { ConsumerLag } from '../types.ts';

export class ConsumerLagReader {
  readonly #nc: NatsConnection;
  readonly #ns: Namespace;
  #jsm: Promise<JetStreamManager> | undefined;

  constructor(nc: NatsConnection, ns: Namespace) {
    this.#nc = nc;
    this.#ns = ns;
  }

  async read(spec: ConsumerSpec): Promise<ConsumerLag> {
    try {
      const info = await (await this.#manager()).consumers.info(this.#ns.stream(spec.stream), spec.name);
      return { pending: info.num_pending, ackPending: info.num_ack_pending };
    } catch (err) {
      throw new ConsumerError(spec.name, `cannot read its lag: ${(err as Error).message}`, { cause: err });
    }
  }

  // One manager for the connection's life; a failed one (JetStream not ready yet) is made again.
  #manager(): Promise<JetStreamManager> {
    if (this.#jsm === undefined) {
      const jsm = jetstreamManager(this.#nc);
      jsm.catch(() => {
        if (this.#jsm === jsm) this.#jsm = undefined;
      });
      this.#jsm = jsm;
    }
    return this.#jsm;
  }
}
