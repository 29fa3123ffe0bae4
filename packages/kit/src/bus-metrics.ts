// The bus's own counters (packages/bus `stats()`) as Prometheus series, read at scrape time so the
// hot path pays nothing. Per consumer group: delivered, redelivered, acked, nak'ed, dead-lettered
// and in flight in this process; per followed subject (bus.follow, every replica reads all of
// it): delivered and failed; plus messages published and duplicates dropped, and each consumed
// group's lag on the server (bus-lag.ts).
import type { Bus, ConsumerStats } from '@botsky/bus';
import { exportConsumerLag } from './bus-lag.ts';
import type { Metrics } from './metrics.ts';

const PER_CONSUMER: ReadonlyArray<[keyof ConsumerStats, string, string]> = [
  ['delivered', 'botsky_bus_delivered_total', 'messages delivered to this process, by consumer group'],
  ['redelivered', 'botsky_bus_redelivered_total', 'deliveries that were not the first, by consumer group'],
  ['acked', 'botsky_bus_acked_total', 'messages acknowledged after their handler finished, by consumer group'],
  ['nacked', 'botsky_bus_nacked_total', 'messages handed back for a later retry, by consumer group'],
  ['deadLettered', 'botsky_bus_dead_lettered_total', 'messages dead-lettered with a reason, by consumer group'],
];

export function exportBusMetrics(metrics: Metrics, bus: Bus): void {
  metrics.counter({
    name: 'botsky_bus_published_total',
    help: 'messages published by this process (duplicates included)',
    collect() {
      this.reset();
      this.inc(bus.stats().published);
    },
  });
  metrics.counter({
    name: 'botsky_bus_duplicates_total',
    help: 'publishes dropped by the stream as duplicates (same message id)',
    collect() {
      this.reset();
      this.inc(bus.stats().duplicates);
    },
  });
  for (const [field, name, help] of PER_CONSUMER) {
    metrics.counter({
      name,
      help,
      labelNames: ['consumer'],
      collect() {
        this.reset();
        for (const [consumer, s] of Object.entries(bus.stats().consumers)) this.inc({ consumer }, s[field]);
      },
    });
  }
  metrics.gauge({
    name: 'botsky_bus_in_flight',
    help: 'messages taken and not yet settled in this process, by consumer group',
    labelNames: ['consumer'],
    collect() {
      this.reset();
      for (const [consumer, s] of Object.entries(bus.stats().consumers)) this.set({ consumer }, s.inFlight);
    },
  });
  metrics.counter({
    name: 'botsky_bus_followed_total',
    help: "messages read by this process's per-replica followers (bus.follow), by subject",
    labelNames: ['subject'],
    collect() {
      this.reset();
      for (const [subject, s] of Object.entries(bus.stats().followers)) this.inc({ subject }, s.delivered);
    },
  });
  metrics.counter({
    name: 'botsky_bus_follow_failures_total',
    help: 'followed messages whose handler failed (logged, then skipped), by subject',
    labelNames: ['subject'],
    collect() {
      this.reset();
      for (const [subject, s] of Object.entries(bus.stats().followers)) this.inc({ subject }, s.failed);
    },
  });
  exportConsumerLag(metrics, bus);
}
