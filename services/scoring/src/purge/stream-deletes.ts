// The second half of a purge: the bus messages that still carry the purged words (the post event
// in BOTSKY_NETWORK, the reply tasks and decisions in BOTSKY_TASKS, as stream_messages noted them)
// are deleted from their streams by sequence. A message the stream no longer holds (aged out, or
// deleted by an earlier pass) is counted `not_held`; a bus that cannot be asked fails the pass,
// which is retried whole (the text half finds nothing left to do).
import { mapBounded } from '@botsky/async';
import { streamMessagesCarrying, type PurgeSet, type Warehouse } from '@botsky/warehouse';
import type { ScoringMetrics } from '../metrics.ts';

/** Messages deleted per set, at most (the rest wait for the next pass or resweep), and at once. */
const MAX_PER_SET = 10_000;
const CONCURRENCY = 16;

export interface StreamDeleteDeps {
  warehouse: Warehouse;
  metrics: ScoringMetrics;
  /** Bus.deleteMessage: false when the stream does not hold it. */
  deleteMessage: (stream: string, seq: number) => Promise<boolean>;
}

/** Deletes the messages carrying words of `set`; resolves with how many were still held. */
export async function deleteCarriers(deps: StreamDeleteDeps, set: PurgeSet): Promise<number> {
  const messages = await streamMessagesCarrying(deps.warehouse, set, MAX_PER_SET);
  let deleted = 0;
  await mapBounded(messages, CONCURRENCY, async (m) => {
    const held = await deps.deleteMessage(m.stream, m.seq);
    if (held) deleted++;
    deps.metrics.streamMessagesDeleted.inc({ stream: m.stream, result: held ? 'deleted' : 'not_held' });
  });
  return deleted;
}
