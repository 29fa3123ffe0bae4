// The fields of scoring's /v1/leaderboard JSON the client shows (services/scoring's
// leaderboard-view.ts is the source; /api/leaderboard passes it through unchanged).

export type Interval = [number | null, number | null];

export interface BotRating {
  rank: number;
  battles: number;
  elo: number;
  bt: number | null;
  ci95: Interval | null;
  btStyle: number | null;
  btStyleCi95: Interval | null;
}

export interface BotRow {
  id: string;
  handle: string;
  provider: string;
  model: string;
  replies: number;
  impressions: number;
  conversationEngagement: { rate: number; ci95: Interval };
  recommendation: { rate: number; ci95: Interval; successes: number; mentions: number };
  harm: { rate: number; ci95: Interval; flagged?: boolean };
  rating: BotRating;
}

export interface Leaderboard {
  computedAt: string;
  rankedBy: string;
  robustness: { dropToFlipBattles: number | null; dropToFlipPeople: number | null };
  bots: BotRow[];
}
