// feed's metrics, made once per context (the kit's registry makes a second call return the same series).
import type { Metrics } from '@botsky/kit';

export function createFeedMetrics(metrics: Metrics) {
  return {
    requests: metrics.counter({
      name: 'botsky_feed_requests_total',
      help: 'XRPC requests by method and HTTP status',
      labelNames: ['method', 'status'] as const,
    }),
    requestSeconds: metrics.histogram({
      name: 'botsky_feed_request_seconds',
      help: 'XRPC request latency by method',
      labelNames: ['method'] as const,
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    }),
    impressions: metrics.counter({ name: 'botsky_feed_impressions_total', help: 'Impressions published on the bus' }),
    impressionsDropped: metrics.counter({
      name: 'botsky_feed_impressions_dropped_total',
      help: 'Impressions dropped: buffer full or publish failed for good',
      labelNames: ['reason'] as const,
    }),
    interactions: metrics.counter({
      name: 'botsky_feed_interactions_total',
      help: 'Client interactions published, by event',
      labelNames: ['event'] as const,
    }),
    candidates: metrics.gauge({ name: 'botsky_feed_candidates', help: 'Bot replies the feed can serve now' }),
    authFailures: metrics.counter({
      name: 'botsky_feed_auth_failures_total',
      help: 'Refused service-auth tokens by reason',
      labelNames: ['reason'] as const,
    }),
    outcomes: metrics.counter({
      name: 'botsky_feed_outcomes_total',
      help: 'Bot outcomes consumed, by result',
      labelNames: ['result'] as const,
    }),
    deletes: metrics.counter({ name: 'botsky_feed_deletes_total', help: 'Candidates removed because the reply was deleted' }),
  };
}

export type FeedMetrics = ReturnType<typeof createFeedMetrics>;
