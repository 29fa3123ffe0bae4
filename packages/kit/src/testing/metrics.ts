// The one way a test reads a metric (`@botsky/kit/testing`).
import type { Metrics } from '../metrics.ts';

/**
 * The sum of a metric's series whose labels include `labels` (every series when `labels` is
 * empty), 0 when no series matches (a labelled counter never incremented has none). Throws when
 * no metric of that name is registered, so a misspelt name cannot read as 0.
 */
export async function metricSum(metrics: Metrics, name: string, labels: Readonly<Record<string, string>> = {}): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name} in the ${metrics.registry.getMetricsAsArray().length} registered`);
  const { values } = await metric.get();
  const wanted = Object.entries(labels);
  return values.filter((v) => wanted.every(([k, x]) => v.labels[k] === x)).reduce((sum, v) => sum + v.value, 0);
}
