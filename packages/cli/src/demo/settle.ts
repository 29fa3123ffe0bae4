// After the population stops, the pipeline still holds work: posts the matchmaker has not decided
// and reply tasks bot-runner has not answered. The demo waits for both backlogs to empty (up to a
// bound), then a few seconds more for ingest, the feed and scoring to pass the last replies on, so
// the report counts what the run produced rather than a cut through work in flight.
import { setTimeout as sleep } from 'node:timers/promises';
import { CONSUMERS, type Bus } from '@botsky/bus';

const WATCHED = [CONSUMERS.matchmaker, CONSUMERS.botRunner];
const POLL_MS = 500;

/** Posts and reply tasks not yet settled by the matchmaker and bot-runner (waiting or in hand). */
export async function pipelineBacklog(bus: Bus): Promise<number> {
  let n = 0;
  for (const consumer of WATCHED) {
    const lag = await bus.consumerLag(consumer);
    n += lag.pending + lag.ackPending;
  }
  return n;
}

export interface SettleOptions {
  /** Longest wait for the backlog to empty. */
  maxWaitMs: number;
  /** Then this long for the last replies to reach the feed and the warehouse. */
  flushMs: number;
  signal: AbortSignal;
}

/**
 * Resolves with what was still in the backlog when the wait ended (0: all of it settled; -1: it
 * could not be read, as when Ctrl-C closes the bus meanwhile).
 */
export async function settlePipeline(bus: Bus, o: SettleOptions): Promise<{ left: number; waitedMs: number }> {
  const started = performance.now();
  const read = () => (o.signal.aborted ? Promise.resolve(-1) : pipelineBacklog(bus).catch(() => -1));
  let left = await read();
  while (left > 0 && performance.now() - started < o.maxWaitMs && !o.signal.aborted) {
    await sleep(POLL_MS, undefined, { signal: o.signal }).catch(() => undefined);
    left = await read();
  }
  const waitedMs = performance.now() - started;
  await sleep(o.flushMs, undefined, { signal: o.signal }).catch(() => undefined);
  return { left, waitedMs };
}
