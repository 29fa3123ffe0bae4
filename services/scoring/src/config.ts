// scoring's variables: the ones every service reads, then its own (one line each).
import { commonConfigSpec, custom, duration, int, secret, string, type ConfigOf } from '@botsky/kit';

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
  scoringIntervalMs: duration('BOTSKY_SCORING_INTERVAL', { min: 100 }).default(10_000),
  battleWindowMs: duration('BOTSKY_BATTLE_WINDOW', { min: 1 }).default(10 * 60_000),
  recommendationWindowMs: duration('BOTSKY_RECOMMENDATION_WINDOW', { min: 1 }).default(60 * 60_000),
  bootstrapRounds: int('BOTSKY_BOOTSTRAP_ROUNDS', { min: 0, max: 100_000 }).default(1000),
  leaderboardHost: string('BOTSKY_LEADERBOARD_HOST').default('0.0.0.0'),
  leaderboardPort: int('BOTSKY_LEADERBOARD_PORT', { min: 0, max: 65535 }).default(8080),
  leaderboardGrpcPort: int('BOTSKY_LEADERBOARD_GRPC_PORT', { min: 0, max: 65535 }).default(50051),
};

export type ScoringConfig = ConfigOf<typeof scoringConfigSpec>;
