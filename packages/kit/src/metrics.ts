// One prom-client Registry per process, never the global one, so two processes' worth of services
// in one test runner do not collide. Every series carries a `service` label.
import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
  type Metric,
} from 'prom-client';

export type { Counter, Gauge, Histogram, Registry };

export interface Metrics {
  readonly registry: Registry;
  counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L>;
  gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L>;
  histogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L>;
}

export interface MetricsOptions {
  /** The `service` label: the service's name, or `botsky` when one process runs them all. */
  service: string;
  /** Process metrics (CPU, memory, event loop lag, GC); on unless a test turns them off. */
  defaultMetrics?: boolean;
}

export function createMetrics(opts: MetricsOptions): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: opts.service });
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  // The same metric asked for twice (two services in one process) is the same series, not an error.
  const reuse = <M extends Metric>(name: string, make: () => M): M => (registry.getSingleMetric(name) as M | undefined) ?? make();
  return {
    registry,
    counter: (config) => reuse(config.name, () => new Counter({ ...config, registers: [registry] })),
    gauge: (config) => reuse(config.name, () => new Gauge({ ...config, registers: [registry] })),
    histogram: (config) => reuse(config.name, () => new Histogram({ ...config, registers: [registry] })),
  };
}
