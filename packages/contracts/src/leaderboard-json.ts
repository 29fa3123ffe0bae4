// The leaderboard as scoring's HTTP API answers it (`GET /v1/leaderboard`), which the web app
// passes through and its browser client reads. Types only, with no imports, so the browser
// client can import this file as it is (`@botsky/contracts/leaderboard-json`). JSON has no
// Infinity: an unbounded interval end is null.

export type IntervalJson = [number | null, number | null];

export interface RateJson {
  rate: number;
  ci95: IntervalJson;
}

export interface BotRatingJson {
  elo: number;
  eloRank: number;
  /** Raw Bradley–Terry; null until the bot has fought a decided battle. */
  bt: number | null;
  ci95: IntervalJson | null;
  /** Bradley–Terry with style control. */
  btStyle: number | null;
  btStyleCi95: IntervalJson | null;
  battles: number;
  /** The Arena rule over the rankedBy rating. */
  rank: number;
}

export interface BotJson {
  id: string;
  handle: string;
  provider: string;
  model: string;
  replies: number;
  impressions: number;
  likes: number;
  reposts: number;
  repliesReceived: number;
  engagement: RateJson & { events: number };
  likesPerImpression: RateJson;
  recommendation: RateJson & { mentions: number; successes: number };
  conversationEngagement: RateJson & { events: number; replies: number };
  feedEngagement: RateJson & { events: number; impressions: number; ips: RateJson; ess: number };
  harm: RateJson & { blocks: number; stops: number; optOuts: number; unfollows: number; flagged: boolean };
  rating: BotRatingJson;
}

export interface LeaderboardJson {
  /** ISO 8601. */
  computedAt: string;
  ruleVersion: string;
  rankedBy: 'bt_style' | 'bt_raw';
  orderBy: 'bt' | 'bt_raw' | 'bt_style' | 'elo';
  robustness: { dropToFlipBattles: number | null; dropToFlipPeople: number | null };
  styleCoefficients: Array<{ name: string; value: number; ci95: [number, number] }>;
  excluded: { cappedActions: number; flaggedPeople: number; flaggedActions: number };
  bots: BotJson[];
}
