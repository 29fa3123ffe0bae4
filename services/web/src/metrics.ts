// web's metrics, made once per context.
import type { Metrics } from '@botsky/kit';

export function createWebMetrics(metrics: Metrics) {
  return {
    requests: metrics.counter({
      name: 'botsky_web_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'] as const,
    }),
    viewers: metrics.gauge({ name: 'botsky_web_live_viewers', help: 'Viewers connected to the live stream' }),
    viewersRefused: metrics.counter({
      name: 'botsky_web_live_viewers_refused_total',
      help: 'Live viewers refused (at BOTSKY_WEB_MAX_VIEWERS) or dropped for falling behind',
      labelNames: ['reason'] as const,
    }),
    events: metrics.counter({
      name: 'botsky_web_live_events_total',
      help: 'Events sent to the live stream, by kind; malformed bus messages are counted and skipped',
      labelNames: ['kind'] as const,
    }),
    delaySeconds: metrics.histogram({
      name: 'botsky_web_live_delay_seconds',
      help: 'From the network event (or the bot outcome) to its fan-out to the viewers',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    leaderboardErrors: metrics.counter({
      name: 'botsky_web_leaderboard_errors_total',
      help: 'Leaderboard reads that failed (scoring unreachable or not ready)',
    }),
  };
}

export type WebMetrics = ReturnType<typeof createWebMetrics>;
