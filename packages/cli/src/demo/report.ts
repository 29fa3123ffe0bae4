// The demo's end: the leaderboard recomputed from the warehouse (as `botsky rescore` does), row
// counts read from the same warehouse, and the JSON report built from them, so every count in the
// report is what ClickHouse holds.
import type { Leaderboard, LeaderboardEntry } from '@botsky/scoring';
import type { Warehouse } from '@botsky/warehouse';
import type { DemoBot } from './network.ts';

/** The report's counts, each one query; FINAL collapses rows the bus delivered twice. */
export const countQueries = (db: string): Readonly<Record<string, string>> => ({
  posts: `SELECT count() AS n FROM ${db}.posts FINAL`,
  reply_tasks: `SELECT count() AS n FROM ${db}.reply_tasks FINAL`,
  bot_replies: `SELECT count() AS n FROM ${db}.bot_replies FINAL WHERE status = 'replied'`,
  mentions: `SELECT count() AS n FROM ${db}.mentions FINAL`,
  impressions: `SELECT count() AS n FROM ${db}.impressions FINAL`,
  likes: `SELECT count() AS n FROM ${db}.interactions FINAL WHERE kind = 'like'`,
  // people's replies to a bot's post
  replies: `SELECT count() AS n FROM ${db}.posts FINAL WHERE parent_bot_id != ''`,
  battles: `SELECT count() AS n FROM ${db}.battles FINAL`,
});

export async function countOf(wh: Warehouse, sql: string): Promise<number> {
  const rows = await wh.query<{ n: number | string }>(sql);
  return Number(rows[0]?.n ?? 0);
}

export async function warehouseCounts(wh: Warehouse): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [name, sql] of Object.entries(countQueries(wh.database))) out[name] = await countOf(wh, sql);
  return out;
}

/** Rows per table of the schema (views excluded), for the report's `warehouse` part. */
export async function tableRows(wh: Warehouse): Promise<Record<string, number>> {
  const tables = await wh.query<{ name: string }>(
    "SELECT name FROM system.tables WHERE database = {db:String} AND engine NOT LIKE '%View' ORDER BY name",
    { db: wh.database },
  );
  const out: Record<string, number> = {};
  for (const { name } of tables) out[name] = await countOf(wh, `SELECT count() AS n FROM ${wh.database}.\`${name}\``);
  return out;
}

export interface DemoReport {
  seed: number;
  duration_s: number;
  /** The rating the ranks use (BOTSKY_RANK_BY). */
  ranked_by: string;
  rule_version: string;
  counts: Record<string, number>;
  bots: ReturnType<typeof botReport>[];
  robustness: { drop_to_flip_battles: number | null; drop_to_flip_people: number | null };
  style_coefficients: { name: string; value: number; ci95: [number, number] }[];
  /** Actions left out of every score by the influence cap and the anomaly flags. */
  excluded: { capped_actions: number; flagged_people: number; flagged_actions: number };
  /** What was planted: each offline bot's quality and style; builders' own bots (`--bot`) have none, and are listed apart. */
  ground_truth: { bot_quality: Record<string, number>; bot_style: Record<string, string>; external_bots: string[] };
  warehouse: { data: string; tables: Record<string, number> };
  /** The local network's project account: the people who follow it opted in (BOTSKY_PROJECT_DID). */
  network: { project_did: string };
  /** The scoring settings the demo ran with: what `botsky rescore` (and `botsky export`) need to reproduce its leaderboard. */
  rescore_env: Record<string, string>;
}

export function buildReport(o: {
  seed: number;
  durationS: number;
  board: Leaderboard;
  bots: readonly DemoBot[];
  counts: Record<string, number>;
  dataDir: string;
  tables: Record<string, number>;
  projectDid: string;
  rescoreEnv: Record<string, string>;
}): DemoReport {
  const byId = new Map(o.board.entries.map((e) => [e.id, e]));
  const unrated = o.board.entries.length + 1;
  const rows = o.bots.map((b) => botReport(b, byId.get(b.id), unrated));
  // within a rank (overlapping intervals) by the ranking rating's point estimate, so the table reads top to bottom
  const point = (r: (typeof rows)[number]) => (o.board.rankedBy === 'bt_style' ? r.rating.bt_style : r.rating.bt) ?? -Infinity;
  rows.sort((a, b) => a.rating.rank - b.rating.rank || point(b) - point(a) || a.id.localeCompare(b.id));
  const { robustness: rb, excluded: ex } = o.board;
  return {
    seed: o.seed,
    duration_s: o.durationS,
    ranked_by: o.board.rankedBy,
    rule_version: o.board.ruleVersion,
    counts: o.counts,
    bots: rows,
    robustness: { drop_to_flip_battles: rb.dropToFlipBattles, drop_to_flip_people: rb.dropToFlipPeople },
    style_coefficients: o.board.styleCoefficients.map((c) => ({ name: c.name, value: c.value, ci95: [c.ci95[0], c.ci95[1]] })),
    excluded: { capped_actions: ex.cappedActions, flagged_people: ex.flaggedPeople, flagged_actions: ex.flaggedActions },
    ground_truth: {
      bot_quality: Object.fromEntries(o.bots.filter((b) => !b.external).map((b) => [b.id, b.quality])),
      bot_style: Object.fromEntries(o.bots.map((b) => [b.id, b.style])),
      external_bots: o.bots.filter((b) => b.external).map((b) => b.id),
    },
    warehouse: { data: o.dataDir, tables: o.tables },
    network: { project_did: o.projectDid },
    rescore_env: o.rescoreEnv,
  };
}

/** A bot with no reply in the warehouse is not on the leaderboard: zeros, ranked last. */
function botReport(b: DemoBot, e: LeaderboardEntry | undefined, unrated: number) {
  return {
    id: b.id,
    handle: b.handle,
    provider: e?.provider ?? (b.external ? b.external.kind : 'offline'),
    model: e?.model ?? (b.external ? (b.external.kind === 'openai' ? b.external.model : '') : `offline-${b.style}`),
    replies: e?.replies ?? 0,
    impressions: e?.impressions ?? 0,
    likes: e?.likes ?? 0,
    engagement: {
      rate: e?.engagement.rate ?? 0,
      ci95: e?.engagement.ci95 ?? [0, 0],
      // no impression with a known viewer: no estimate (null, not an unbounded interval)
      feed:
        e && e.feedEngagement.ess > 0
          ? { rate: e.feedEngagement.ips.rate, ci95: e.feedEngagement.ips.ci95, ess: e.feedEngagement.ess }
          : { rate: null, ci95: null, ess: 0 },
      conversation: { rate: e?.conversationEngagement.rate ?? 0, ci95: e?.conversationEngagement.ci95 ?? [0, 0] },
    },
    harm: {
      rate: e?.harm.rate ?? 0,
      ci95: e?.harm.ci95 ?? [0, 0],
      blocks: e?.harm.blocks ?? 0,
      stops: e?.harm.stops ?? 0,
      flagged: e?.harm.flagged ?? false,
    },
    recommendation: {
      mentions: e?.recommendation.mentions ?? 0,
      successes: e?.recommendation.successes ?? 0,
      rate: e?.recommendation.rate ?? 0,
      ci95: e?.recommendation.ci95 ?? [0, 0],
    },
    rating: {
      elo: e?.rating.elo ?? 1500,
      bt: e?.rating.bt ?? null,
      ci95: e?.rating.ci95 ?? null,
      bt_style: e?.rating.btStyle ?? null,
      bt_style_ci95: e?.rating.btStyleCi95 ?? null,
      battles: e?.rating.battles ?? 0,
      rank: e?.rating.rank ?? unrated,
    },
  };
}

export function leaderboardTable(report: DemoReport): string[] {
  const f = (x: number | null, d = 1) => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(d));
  const head = [
    'rank',
    'bot',
    'quality',
    'style',
    'BT-style',
    'BT-style 95%',
    'BT',
    'BT 95%',
    'Elo',
    'battles',
    'replies',
    'impr',
    'likes',
    'engagement',
    'feed IPS',
    'harm',
    'rec',
  ];
  const interval = (ci: readonly number[] | null) => (ci ? `${f(ci[0] ?? null)}..${f(ci[1] ?? null)}` : '-');
  const rows = report.bots.map((b) => [
    String(b.rating.rank),
    b.id,
    f(report.ground_truth.bot_quality[b.id] ?? null, 2),
    report.ground_truth.bot_style[b.id] ?? '-',
    f(b.rating.bt_style),
    interval(b.rating.bt_style_ci95),
    f(b.rating.bt),
    interval(b.rating.ci95),
    f(b.rating.elo, 0),
    String(b.rating.battles),
    String(b.replies),
    String(b.impressions),
    String(b.likes),
    f(b.engagement.rate, 3),
    f(b.engagement.feed.rate, 3),
    `${f(b.harm.rate, 3)}${b.harm.flagged ? '!' : ''}`,
    `${b.recommendation.successes}/${b.recommendation.mentions}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}
