// `botsky rescore`: recomputes the leaderboard from the warehouse alone, as the live scoring job
// does (same code, same seed), so a researcher can check the published numbers.
import {
  computeLeaderboard,
  leaderboardJson,
  scoringConfigSpec,
  scoringParams,
  type LeaderboardEntry,
  type ScoringParams,
} from '@botsky/scoring';
import { DatasetError, WarehouseError, loadDataset } from '@botsky/warehouse';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError, loadConfigOrUsage, type CliIo, type Command } from '../command.ts';
import { openWarehouseFlag } from './warehouse-flag.ts';

export const rescore: Command = {
  name: 'rescore',
  summary: 'recompute the leaderboard from the warehouse alone',
  usage: '--warehouse embedded:<path>|http(s)://host:port [--as-of ISO-TIME] [--json] | --dataset DIR [--json]',
  details: [
    '--warehouse WHERE  embedded:<path> (embedded ClickHouse data folder) or a ClickHouse server URL',
    '--dataset DIR      a research export (botsky export) instead: loaded into a scratch embedded ClickHouse,',
    '                   scored with the settings its datasheet records, as of its end, in its window',
    '--as-of TIME       count only what the warehouse holds from before this time (default now);',
    "                   the live leaderboard's computedAt reproduces it exactly",
    '--json             print the leaderboard as JSON (the shape of GET /v1/leaderboard)',
    'Windows, rounds, the rule and the rest come from BOTSKY_BATTLE_WINDOW, BOTSKY_RECOMMENDATION_WINDOW,',
    'BOTSKY_BOOTSTRAP_ROUNDS, BOTSKY_BATTLE_RULE, BOTSKY_RANK_BY, BOTSKY_INFLUENCE_DAILY_CAP,',
    'BOTSKY_HARM_THRESHOLD and BOTSKY_PROJECT_DID, as for the scoring service; CLICKHOUSE_* apply to a server.',
  ],
  options: { warehouse: { type: 'string' }, dataset: { type: 'string' }, 'as-of': { type: 'string' }, json: { type: 'boolean' } },
  async run(flags, _positionals, io) {
    if (typeof flags.dataset === 'string') {
      if (flags.warehouse !== undefined || flags['as-of'] !== undefined)
        throw new UsageError('rescore --dataset takes its window from the export: no --warehouse or --as-of with it');
      return fromDataset(flags.dataset, flags.json === true, io);
    }
    if (typeof flags.warehouse !== 'string')
      throw new UsageError('rescore needs --warehouse embedded:<path> or http(s)://host:port, or --dataset DIR');
    const asOf = parseAsOf(flags['as-of']);
    const config = loadConfigOrUsage(scoringConfigSpec, io.env);
    const wh = openWarehouseFlag(flags.warehouse, config);
    try {
      const board = await computeLeaderboard(wh, { asOf, config: scoringParams(config) });
      if (flags.json === true) io.out(JSON.stringify(leaderboardJson(board, 'bt', 0), null, 2));
      else printTable(board.entries, asOf, io.out, board.rankedBy);
      return 0;
    } catch (err) {
      // An empty folder, a wrong database or an unreachable server: one line, not a stack.
      if (!(err instanceof WarehouseError)) throw err;
      io.err(`botsky rescore: cannot read the warehouse: ${err.message.split('\n')[0]}`);
      return 1;
    } finally {
      await wh.close();
    }
  },
};

/** The leaderboard of a research export, from its files alone, with the settings it records. */
async function fromDataset(dir: string, json: boolean, io: CliIo): Promise<number> {
  const scratch = await mkdtemp(join(tmpdir(), 'botsky-rescore-'));
  try {
    let loaded: Awaited<ReturnType<typeof loadDataset>>;
    try {
      loaded = await loadDataset(dir, join(scratch, 'clickhouse'));
    } catch (err) {
      if (!(err instanceof DatasetError || err instanceof WarehouseError)) throw err;
      io.err(`botsky rescore: ${err.message.split('\n')[0]}`);
      return 1;
    }
    const { warehouse, sheet } = loaded;
    try {
      const w = sheet.window;
      const asOf = new Date(w.as_of);
      const board = await computeLeaderboard(warehouse, {
        asOf,
        ...(w.from ? { from: new Date(w.from) } : {}),
        ...(w.until ? { until: new Date(w.until) } : {}),
        config: sheet.method as unknown as ScoringParams,
      });
      if (json) io.out(JSON.stringify(leaderboardJson(board, 'bt', 0), null, 2));
      else printTable(board.entries, asOf, io.out, board.rankedBy);
      return 0;
    } finally {
      await warehouse.close();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function parseAsOf(raw: unknown): Date {
  if (raw === undefined) return new Date();
  const d = new Date(String(raw));
  if (typeof raw !== 'string' || Number.isNaN(d.getTime())) throw new UsageError(`--as-of must be an ISO time (got "${String(raw)}")`);
  return d;
}

function printTable(entries: readonly LeaderboardEntry[], asOf: Date, out: (line: string) => void, rankedBy: string): void {
  const f = (x: number | null, d = 1) => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(d));
  const ci = (c: readonly [number, number] | null) => (c ? `${f(c[0])}..${f(c[1])}` : '-');
  out(`leaderboard as of ${asOf.toISOString()}, ranked by ${rankedBy}`);
  out(
    [
      'rank',
      'bot',
      'model',
      'BT-style',
      'BT-style 95%',
      'BT',
      'BT 95%',
      'Elo',
      'battles',
      'engagement',
      'eng 95%',
      'recommendation',
      'rec 95%',
      'harm/reply',
    ].join('\t'),
  );
  for (const e of entries) {
    const r = e.rating;
    out(
      [
        r.rank,
        e.id,
        e.model,
        f(r.btStyle),
        ci(r.btStyleCi95),
        f(r.bt),
        ci(r.ci95),
        f(r.elo),
        r.battles,
        f(e.engagement.rate, 3),
        `${f(e.engagement.ci95[0], 3)}..${f(e.engagement.ci95[1], 3)}`,
        `${e.recommendation.successes}/${e.recommendation.mentions}`,
        `${f(e.recommendation.ci95[0], 3)}..${f(e.recommendation.ci95[1], 3)}`,
        `${f(e.harm.rate, 3)}${e.harm.flagged ? ' (flagged)' : ''}`,
      ].join('\t'),
    );
  }
}
