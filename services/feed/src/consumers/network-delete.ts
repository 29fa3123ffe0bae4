// botsky.network.delete (followed by every replica, from the window's start): a deleted bot reply
// leaves the feed at once and is kept out. An undecodable event is an error the bus logs and counts.
import { PoisonMessageError, type BusMessage, type Disposition } from '@botsky/bus';
import { decode, DecodeError, NetworkEventSchema, SUBJECTS } from '@botsky/contracts';
import type { CandidateStore } from '../candidates/store.ts';
import type { FeedMetrics } from '../metrics.ts';

export interface NetworkDeleteDeps {
  store: CandidateStore;
  metrics: FeedMetrics;
}

export function networkDeleteHandler(deps: NetworkDeleteDeps): (msg: BusMessage) => Promise<Disposition | void> {
  return async (msg) => {
    if (msg.subject !== SUBJECTS.networkDelete) return;
    let uri: string;
    try {
      uri = decode(NetworkEventSchema, msg.data).uri;
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      throw new PoisonMessageError(`network event seq ${msg.seq}: ${err.message}`, { cause: err });
    }
    if (deps.store.delete(uri)) {
      deps.metrics.deletes.inc();
      deps.metrics.candidates.set(deps.store.size);
    }
  };
}
