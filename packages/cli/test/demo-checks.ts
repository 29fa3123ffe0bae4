// What every demo test checks of a finished run: the report's shape, its counts against the
// ClickHouse folder the process left behind, and the leaderboard's order against the planted
// qualities.
import assert from 'node:assert/strict';
import { kendallTau } from '@botsky/ratings';
import { createWarehouse } from '@botsky/warehouse';
import { countQueries, type DemoReport } from '../src/demo/report.ts';

export const BOT_IDS = ['enthusiast', 'sage', 'terse', 'rambler', 'connector'];
const COUNTS = ['posts', 'reply_tasks', 'bot_replies', 'mentions', 'impressions', 'likes', 'replies', 'battles'];

const isInterval = (x: unknown) => Array.isArray(x) && x.length === 2 && x.every((v) => typeof v === 'number' && v >= 0);

/** The report's shape, and the figures that must add up within it. */
export function checkReport(report: DemoReport, o: { seed: number; durationS: number }): void {
  assert.equal(report.seed, o.seed);
  assert.equal(report.duration_s, o.durationS);
  assert.deepEqual(Object.keys(report.counts).sort(), [...COUNTS].sort());
  for (const name of ['posts', 'reply_tasks', 'bot_replies', 'impressions']) assert.ok((report.counts[name] ?? 0) > 0, `${name} > 0`);
  assert.equal(report.bots.length, BOT_IDS.length);
  for (const b of report.bots) checkBot(b);
  assert.deepEqual(Object.keys(report.ground_truth.bot_quality).sort(), report.bots.map((b) => b.id).sort());
  const qualities = Object.values(report.ground_truth.bot_quality);
  assert.ok(qualities.every((q) => q >= 0.2 && q <= 0.8) && new Set(qualities).size === BOT_IDS.length, 'distinct planted qualities');
  assert.deepEqual(Object.keys(report.ground_truth.bot_style).sort(), report.bots.map((b) => b.id).sort());
  assert.equal(report.ranked_by, 'bt_style');
  assert.equal(report.rule_version, 'engagement-v2');
  for (const n of [report.robustness.drop_to_flip_battles, report.robustness.drop_to_flip_people])
    assert.ok(n === null || (Number.isInteger(n) && n >= 0));
  assert.ok(
    report.style_coefficients.length > 0 &&
      report.style_coefficients.every((c) => typeof c.name === 'string' && c.ci95[0] <= c.value && c.value <= c.ci95[1]),
  );
  for (const n of Object.values(report.excluded)) assert.ok(Number.isInteger(n) && n >= 0);
  assert.equal(
    report.bots.reduce((n, b) => n + b.replies, 0),
    report.counts.bot_replies,
    "the bots' replies add up",
  );
}

function checkBot(b: DemoReport['bots'][number]): void {
  assert.equal(typeof b.id, 'string');
  assert.match(b.handle, /\.test$/);
  assert.equal(typeof b.provider, 'string');
  assert.match(b.model, /^offline-/);
  for (const n of [b.replies, b.impressions, b.likes]) assert.ok(Number.isInteger(n) && n >= 0);
  assert.equal(typeof b.engagement.rate, 'number');
  assert.ok(isInterval(b.engagement.ci95));
  const feed = b.engagement.feed;
  assert.ok(
    feed.ess > 0 ? isInterval(feed.ci95) && typeof feed.rate === 'number' : feed.ci95 === null && feed.rate === null,
    JSON.stringify(feed),
  );
  assert.ok(isInterval(b.harm.ci95) && Number.isInteger(b.harm.blocks) && Number.isInteger(b.harm.stops));
  assert.ok(b.rating.bt_style === null || typeof b.rating.bt_style === 'number');
  assert.ok(b.rating.bt_style_ci95 === null || Array.isArray(b.rating.bt_style_ci95));
  assert.ok(Number.isInteger(b.recommendation.mentions) && Number.isInteger(b.recommendation.successes));
  assert.ok(b.recommendation.successes <= b.recommendation.mentions);
  assert.ok(isInterval(b.recommendation.ci95));
  assert.equal(typeof b.rating.elo, 'number');
  assert.ok(b.rating.bt === null || typeof b.rating.bt === 'number');
  assert.ok(b.rating.ci95 === null || Array.isArray(b.rating.ci95));
  assert.ok(Number.isInteger(b.rating.battles) && Number.isInteger(b.rating.rank) && b.rating.rank >= 1);
}

/** Opens the folder the finished process left and counts for itself. */
export async function checkWarehouse(report: DemoReport, path: string): Promise<void> {
  assert.equal(report.warehouse.data, path);
  const wh = createWarehouse({ kind: 'embedded', path, database: 'botsky' });
  try {
    for (const [name, sql] of Object.entries(countQueries(wh.database))) {
      const [row] = await wh.query<{ n: number }>(sql);
      assert.equal(report.counts[name], Number(row?.n), `${name} equals the warehouse`);
    }
    const [tasks] = await wh.query<{ n: number }>('SELECT count() AS n FROM botsky.reply_tasks');
    assert.equal(report.warehouse.tables.reply_tasks, Number(tasks?.n));
    assert.ok(Object.keys(report.warehouse.tables).length >= 10, 'every table counted');
  } finally {
    await wh.close();
  }
}

/**
 * The leaderboard follows the planted qualities: the table prints the report's order; bots ranked
 * apart (style-controlled intervals that do not overlap) are never in the wrong order; the best
 * planted bot is ranked above the worst; and the order agrees with the qualities (Kendall's tau at
 * least `minTau`; 0.6 allows two of the ten pairs of five bots to be swapped). Raw engagement is
 * not checked against the qualities: the manners' style moves it, independently of quality.
 */
export function checkOrder(report: DemoReport, stdout: string, minTau = 0.6): void {
  const printed = [...stdout.matchAll(/^\d+ +([a-z-]+) +\d\.\d\d /gm)].map((m) => m[1]);
  assert.deepEqual(
    printed,
    report.bots.map((b) => b.id),
    "the table lists the report's order",
  );
  const quality = (id: string) => report.ground_truth.bot_quality[id] as number;
  const table = report.bots
    .map((b) => `${b.rating.rank} ${b.id} q=${quality(b.id)} bt_style=${b.rating.bt_style?.toFixed(1)} bt=${b.rating.bt?.toFixed(1)}`)
    .join('; ')
    .concat(`; battles ${report.counts.battles}`);
  // Ranks are not transitive (A apart from C, B from neither): what the method promises is about
  // a pair whose intervals do not overlap, so that is what is checked.
  for (const a of report.bots) {
    for (const b of report.bots) {
      if (a.rating.bt_style_ci95 === null || b.rating.bt_style_ci95 === null) continue;
      const [aLo] = a.rating.bt_style_ci95;
      const [, bHi] = b.rating.bt_style_ci95;
      if (aLo > bHi)
        assert.ok(quality(a.id) > quality(b.id), `${a.id}'s interval is above ${b.id}'s against the planted qualities: ${table}`);
    }
  }
  const byQuality = [...report.bots].sort((a, b) => quality(b.id) - quality(a.id));
  const [best, worst] = [byQuality[0]!, byQuality[byQuality.length - 1]!];
  // Above in the leaderboard's order (rank, then the rating's estimate): on a short run every
  // interval may overlap and all share rank 1, which is no wrong order.
  const position = (id: string) => report.bots.findIndex((b) => b.id === id);
  assert.ok(position(best.id) < position(worst.id), `best planted (${best.id}) listed above the worst (${worst.id}): ${table}`);
  const qualities = report.bots.map((b) => quality(b.id));
  const order = kendallTau(
    report.bots.map((_, i) => -i),
    qualities,
  );
  assert.ok(order >= minTau, `leaderboard order vs planted quality: tau ${order.toFixed(2)} < ${minTau}: ${table}`);
}

/** Reads a live stream (server-sent events) until every one of `kinds` has come, or `timeoutMs` passed; the kinds seen. */
export async function liveKinds(url: string, kinds: readonly string[], timeoutMs: number): Promise<Set<string>> {
  const seen = new Set<string>();
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok || !res.body) return seen;
  const decoder = new TextDecoder();
  let text = '';
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      for (const m of text.matchAll(/^event: (\w+)$/gm)) seen.add(m[1] as string);
      text = text.slice(text.lastIndexOf('\n') + 1);
      if (kinds.every((k) => seen.has(k))) break;
    }
  } catch {
    // timed out: the caller checks what came
  }
  return seen;
}
