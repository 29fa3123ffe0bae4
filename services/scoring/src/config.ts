// scoring's variables: the ones every service reads, then its own (one line each).
import { commonConfigSpec, custom, duration, int, number, oneOf, projectDidField, secret, string, type ConfigOf } from '@botsky/kit';
import { DEFAULT_POST_TEXT_RETENTION_DAYS, MAX_POST_TEXT_RETENTION_DAYS, MIN_POST_TEXT_RETENTION_DAYS } from '@botsky/warehouse';
import type { ScoringParams } from './scores/leaderboard.ts';

export const DEFAULT_WAREHOUSE = 'http://127.0.0.1:8123';

export type WarehouseLocation = { kind: 'embedded'; path: string } | { kind: 'http'; url: string };

/** `embedded:<path>` (chdb, data under path) or `http(s)://host:port` (a ClickHouse server). */
export function parseWarehouseLocation(raw: string): WarehouseLocation {
  if (raw.startsWith('embedded:') && raw.length > 'embedded:'.length) {
    return { kind: 'embedded', path: raw.slice('embedded:'.length) };
  }
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported scheme ${url.protocol}`);
  return { kind: 'http', url: url.toString() };
}

export const scoringConfigSpec = {
  ...commonConfigSpec,
  warehouse: custom('BOTSKY_WAREHOUSE', 'embedded:<path> or http(s)://host:port', parseWarehouseLocation).default(
    parseWarehouseLocation(DEFAULT_WAREHOUSE),
  ),
  clickhouseUser: string('CLICKHOUSE_USER').optional(),
  clickhousePassword: secret('CLICKHOUSE_PASSWORD').optional(),
  clickhouseDatabase: string('CLICKHOUSE_DATABASE', {
    pattern: /^[A-Za-z_][A-Za-z0-9_]*$/,
    expected: 'a database name (letters, digits, _)',
  }).optional(),
  postTextRetentionDays: int('BOTSKY_POST_TEXT_RETENTION_DAYS', {
    min: MIN_POST_TEXT_RETENTION_DAYS,
    max: MAX_POST_TEXT_RETENTION_DAYS,
  }).default(DEFAULT_POST_TEXT_RETENTION_DAYS),
  scoringIntervalMs: duration('BOTSKY_SCORING_INTERVAL', { min: 100 }).default(10_000),
  battleWindowMs: duration('BOTSKY_BATTLE_WINDOW', { min: 1 }).default(10 * 60_000),
  recommendationWindowMs: duration('BOTSKY_RECOMMENDATION_WINDOW', { min: 1 }).default(60 * 60_000),
  bootstrapRounds: int('BOTSKY_BOOTSTRAP_ROUNDS', { min: 0, max: 100_000 }).default(1000),
  battleRule: oneOf('BOTSKY_BATTLE_RULE', ['engagement-v2', 'engagement-v1'] as const).default('engagement-v2'),
  battleWeighting: oneOf('BOTSKY_BATTLE_WEIGHTING', ['none', 'inverse'] as const).default('none'),
  rankBy: oneOf('BOTSKY_RANK_BY', ['bt_style', 'bt_raw'] as const).default('bt_style'),
  influenceDailyCap: int('BOTSKY_INFLUENCE_DAILY_CAP', { min: 1, max: 1_000_000 }).default(100),
  burstActions: int('BOTSKY_ANOMALY_BURST_ACTIONS', { min: 2, max: 1_000_000 }).default(20),
  burstWindowMs: duration('BOTSKY_ANOMALY_BURST_WINDOW', { min: 1 }).default(60_000),
  harmThreshold: number('BOTSKY_HARM_THRESHOLD', { min: 0 }).default(0.05),
  projectDid: projectDidField().optional(),
  purgeIntervalMs: duration('BOTSKY_PURGE_INTERVAL', { min: 100 }).default(10_000),
  purgeResweepMs: duration('BOTSKY_PURGE_RESWEEP', { min: 1000 }).default(60 * 60_000),
  leaderboardHost: string('BOTSKY_LEADERBOARD_HOST').default('0.0.0.0'),
  leaderboardPort: int('BOTSKY_LEADERBOARD_PORT', { min: 0, max: 65535 }).default(8080),
  leaderboardGrpcPort: int('BOTSKY_LEADERBOARD_GRPC_PORT', { min: 0, max: 65535 }).default(50051),
};

export type ScoringConfig = ConfigOf<typeof scoringConfigSpec>;

/** What the leaderboard is computed with: the live job, `botsky rescore` and the demo use this one mapping. */
export function scoringParams(config: ScoringConfig): ScoringParams {
  return {
    battleWindowMs: config.battleWindowMs,
    recommendationWindowMs: config.recommendationWindowMs,
    bootstrapRounds: config.bootstrapRounds,
    battleRule: config.battleRule,
    battleWeighting: config.battleWeighting,
    rankBy: config.rankBy,
    influenceDailyCap: config.influenceDailyCap,
    burst: { actions: config.burstActions, windowMs: config.burstWindowMs },
    harmThreshold: config.harmThreshold,
    projectDid: config.projectDid,
  };
}
