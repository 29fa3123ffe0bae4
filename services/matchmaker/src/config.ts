// matchmaker's variables: the ones every service reads, then its own (one line each).
import { identityConfigSpec } from '@botsky/identity';
import { commonConfigSpec, duration, int, list, number, oneOf, projectDidField, type ConfigOf } from '@botsky/kit';

export const matchmakerConfigSpec = {
  ...commonConfigSpec,
  // Handles for @mentions, verified both ways (packages/identity).
  ...identityConfigSpec,
  projectDid: projectDidField().optional(),
  battleRate: number('BOTSKY_BATTLE_RATE', { min: 0, max: 1 }).default(0.2),
  // 'active' draws a battle's pair by how much its outcome would tell about the ranking (selection/pair-sampling.ts).
  battleSampling: oneOf('BOTSKY_BATTLE_SAMPLING', ['uniform', 'active'] as const).default('uniform'),
  mentionDailyLimit: int('BOTSKY_MENTION_DAILY_LIMIT', { min: 0 }).default(3),
  // Bot replies one person may get, across every bot and replica: per day (UTC) and per thread.
  replyDailyLimit: int('BOTSKY_REPLY_DAILY_LIMIT', { min: 0 }).default(20),
  replyThreadLimit: int('BOTSKY_REPLY_THREAD_LIMIT', { min: 0 }).default(5),
  // Other projects' bots, never answered nor introduced (besides BotSky's own and any `bot`-labelled account).
  knownBots: list('BOTSKY_KNOWN_BOTS').default([]),
  topK: int('BOTSKY_MATCH_TOP_K', { min: 1, max: 100 }).default(3),
  // 'random' is the control arm of the introductions benchmark: a uniform draw among the same eligible people.
  mentionStrategy: oneOf('BOTSKY_MATCH_MENTION_STRATEGY', ['similar', 'random'] as const).default('similar'),
  onlineWindowMs: duration('BOTSKY_MATCH_ONLINE_WINDOW', { min: 1000 }).default(15 * 60_000),
  seed: int('BOTSKY_MATCH_SEED', { min: 0 }).optional(),
  // Each replica rebuilds profiles and who is online from this much of the network stream at start-up.
  stateLookbackMs: duration('BOTSKY_MATCH_STATE_LOOKBACK', { min: 0, max: 7 * 24 * 60 * 60_000 }).default(60 * 60_000),
  rosterRefreshMs: duration('BOTSKY_MATCH_ROSTER_REFRESH', { min: 100 }).default(30_000),
};

export type MatchmakerConfig = ConfigOf<typeof matchmakerConfigSpec>;
