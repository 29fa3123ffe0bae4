// gateway's metrics, made once per context. Labels name builders and models, never keys.
import type { Metrics } from '@botsky/kit';

export function createGatewayMetrics(metrics: Metrics) {
  return {
    requests: metrics.counter({
      name: 'botsky_gateway_requests_total',
      help: 'Chat completions sent upstream, by model, builder and outcome (ok, upstream_refused, upstream_unreachable, upstream_cut, client_closed)',
      labelNames: ['model', 'builder', 'outcome'] as const,
    }),
    refused: metrics.counter({
      name: 'botsky_gateway_refused_total',
      help: 'Requests refused before reaching an upstream, by reason (invalid_api_key, model_not_found, model_not_allowed, requests_per_minute, tokens_per_day, spend_cap)',
      labelNames: ['reason'] as const,
    }),
    tokens: metrics.counter({
      name: 'botsky_gateway_tokens_total',
      help: 'Tokens charged (prompt + completion), by model and builder',
      labelNames: ['model', 'builder'] as const,
    }),
    spendUsd: metrics.counter({
      name: 'botsky_gateway_spend_usd_total',
      help: 'USD charged at the models’ prices, by model and builder',
      labelNames: ['model', 'builder'] as const,
    }),
    unrecorded: metrics.counter({
      name: 'botsky_gateway_calls_unrecorded_total',
      help: 'Calls charged but not published to the bus (the warehouse misses them)',
    }),
    latency: metrics.histogram({
      name: 'botsky_gateway_upstream_seconds',
      help: 'From the request reaching the gateway to its answer (or stream) ending, by model',
      labelNames: ['model'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    }),
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
