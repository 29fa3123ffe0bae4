// Feed engagement of one bot: the actions of viewers who had been served (or, where their client
// reports it, had seen) the reply, per impression, with a Poisson interval; and the self-normalised
// inverse-propensity estimate from the impressions' logged probabilities, with its effective
// sample size (packages/ratings: selfNormalisedIps).
import { poissonRate, selfNormalisedIps } from '@botsky/ratings';
import type { LeaderboardEntry } from './board.ts';
import { ratio, type FeedCounts } from './rates.ts';

export function feedEngagementOf(counts: FeedCounts, items: ReadonlyArray<{ y: number; p: number }>): LeaderboardEntry['feedEngagement'] {
  // Probabilities are logged capped at 1; anything outside (0, 1] was not a logged probability.
  const valid = items.filter((i) => i.p > 0 && i.p <= 1);
  const ips = selfNormalisedIps(valid);
  return {
    rate: ratio(counts.events, counts.impressions),
    ci95: poissonRate(counts.events, counts.impressions),
    events: counts.events,
    impressions: counts.impressions,
    // Nothing to average (no impression yet): 0, as the other rates, with an unbounded interval.
    ips: { rate: valid.length > 0 ? ips.rate : 0, ci95: ips.ci95 },
    ess: ips.ess,
  };
}
