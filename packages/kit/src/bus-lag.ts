// Consumer lag as Prometheus gauges: for every durable consumer this process consumes, what the
// server still holds for it (not yet delivered, and delivered but not acked), over all replicas.
// Read from the server when Prometheus scrapes, so the scrape interval is the polling period and
// an idle process makes no requests; one read serves both gauges of a scrape. A read that fails or
// takes too long leaves the consumer out of that scrape (a gap, never a stale number) and counts.
import { withTimeout } from '@botsky/async';
import type { Bus, ConsumerLag } from '@botsky/bus';
import type { Metrics } from './metrics.ts';

/** Longest a scrape waits for the server's answer. */
export const LAG_READ_TIMEOUT_MS = 2000;
/** The two gauges of one scrape are collected one after the other: they share a read this recent. */
const SHARE_READ_MS = 1000;

type LagByConsumer = Map<string, ConsumerLag>;

export function exportConsumerLag(metrics: Metrics, bus: Bus): void {
  const errors = metrics.counter({
    name: 'botsky_bus_lag_read_errors_total',
    help: 'consumer lag reads that failed or timed out, by consumer group',
    labelNames: ['consumer'],
  });
  const read = sharedRead(bus, (consumer) => errors.inc({ consumer }));
  metrics.gauge({
    name: 'botsky_bus_consumer_pending',
    help: 'messages on the server not yet delivered to any replica, by consumer group this process consumes',
    labelNames: ['consumer'],
    async collect() {
      const lags = await read();
      this.reset();
      for (const [consumer, lag] of lags) this.set({ consumer }, lag.pending);
    },
  });
  metrics.gauge({
    name: 'botsky_bus_consumer_ack_pending',
    help: 'messages delivered and not yet acked (being handled or awaiting redelivery), by consumer group, over all replicas',
    labelNames: ['consumer'],
    async collect() {
      const lags = await read();
      this.reset();
      for (const [consumer, lag] of lags) this.set({ consumer }, lag.ackPending);
    },
  });
}

function sharedRead(bus: Bus, onError: (consumer: string) => void): () => Promise<LagByConsumer> {
  let last: { at: number; lags: Promise<LagByConsumer> } | undefined;
  return () => {
    const now = Date.now();
    if (last === undefined || now - last.at > SHARE_READ_MS) last = { at: now, lags: readAll(bus, onError) };
    return last.lags;
  };
}

async function readAll(bus: Bus, onError: (consumer: string) => void): Promise<LagByConsumer> {
  const consumers = Object.keys(bus.stats().consumers);
  const out: LagByConsumer = new Map();
  await Promise.all(
    consumers.map(async (consumer) => {
      try {
        out.set(
          consumer,
          await withTimeout(bus.consumerLag(consumer), LAG_READ_TIMEOUT_MS, () => new Error(`no answer within ${LAG_READ_TIMEOUT_MS} ms`)),
        );
      } catch (err) {
        // A closed bus (the process is stopping) is no fault of the server's.
        if ((err as Error).name !== 'BusClosedError') onError(consumer);
      }
    }),
  );
  return out;
}
