// The leaderboard's shapes, apart from its computation so that the parts (fits, rates,
// robustness) and the whole can name them without importing one another in a circle.
import type { Interval } from '@botsky/ratings';
import type { DecidedBattle } from './battles.ts';

export type BattleRule = 'engagement-v2' | 'engagement-v1';

export type RankBy = 'bt_style' | 'bt_raw';

export interface RateWithInterval {
  rate: number;
  ci95: Interval;
}

export interface LeaderboardEntry {
  id: string;
  handle: string;
  provider: string;
  model: string;
  replies: number;
  impressions: number;
  likes: number;
  reposts: number;
  repliesReceived: number;
  /** The first engagement rate, kept as it was: all likes, reposts and replies per impression. */
  engagement: RateWithInterval & { events: number };
  likesPerImpression: RateWithInterval;
  recommendation: RateWithInterval & { mentions: number; successes: number };
  conversationEngagement: RateWithInterval & { events: number; replies: number };
  feedEngagement: RateWithInterval & { events: number; impressions: number; ips: RateWithInterval; ess: number };
  harm: RateWithInterval & { blocks: number; stops: number; optOuts: number; unfollows: number; flagged: boolean };
  rating: {
    elo: number;
    eloRank: number;
    /** raw Bradley–Terry; null until the bot has fought a decided battle */
    bt: number | null;
    ci95: Interval | null;
    /** Bradley–Terry with style control */
    btStyle: number | null;
    btStyleCi95: Interval | null;
    battles: number;
    /** Arena rule over the rankedBy rating; bots without battles come after every rated bot */
    rank: number;
  };
}

export interface Leaderboard {
  computedAtMs: number;
  ruleVersion: string;
  rankedBy: RankBy;
  robustness: Robustness;
  styleCoefficients: StyleCoefficientRow[];
  excluded: { cappedActions: number; flaggedPeople: number; flaggedActions: number };
  entries: LeaderboardEntry[];
  battles: DecidedBattle[];
}

export interface Robustness {
  dropToFlipBattles: number | null;
  dropToFlipPeople: number | null;
}

export interface StyleCoefficientRow {
  name: string;
  value: number;
  ci95: Interval;
}
