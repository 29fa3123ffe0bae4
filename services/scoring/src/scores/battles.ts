// Battles: two bots answered the same post. The first rule (RULE_VERSION, engagement-v1; the
// default is now engagement-v2 in engagement-v2.ts, this one stays computable), documented in
// docs/ranking-method.md: the window opens when the second reply is posted and lasts the
// configured time; each reply's score is the number of people who liked it, plus those who
// reposted it, plus those who replied to it (each person once per action, bots excluded), counting
// what was indexed before the window closed. More wins; equal (including none) is a tie.
// Pure functions of rows read from the warehouse, so a rescore decides exactly the same way.
import type { BotReplyRow, ReplyEngagementEvent } from '@botsky/warehouse';
import type { Winner } from '@botsky/ratings';
import { cmp } from './order.ts';

export const RULE_VERSION = 'engagement-v1';

export interface ReplyEngagement {
  impressions: number;
  likes: number;
  reposts: number;
  replies: number;
}

/** Which vote decided an engagement-v2 battle ('' under engagement-v1). */
export type VoteKind = 'author' | 'crowd' | 'tie' | '';

export interface DecidedBattle {
  battleId: string;
  postUri: string;
  botA: string;
  botB: string;
  replyAUri: string;
  replyBUri: string;
  winner: Winner;
  engagementA: ReplyEngagement;
  engagementB: ReplyEngagement;
  scoreA: number;
  scoreB: number;
  /** The window's end, epoch ms: deterministic, so a rescore gives the same time. */
  decidedAtMs: number;
  ruleVersion: string;
  voteKind: VoteKind;
  /** The post author's distinct actions on each side (engagement-v2; 0 under v1). */
  authorA: number;
  authorB: number;
  /** The pair's sampling probability from the reply tasks (0 when unknown). */
  pairProbability: number;
  /** Weight in the Bradley–Terry fits: ∝ 1/pairProbability, mean 1 over the battles fitted. */
  weight: number;
}

/** What battleSides needs of a reply row (BotReplyRow has it). */
export type SideRow = Pick<BotReplyRow, 'task_id' | 'bot_id' | 'post_uri' | 'reply_uri' | 'battle_id' | 'finished_ms'>;

export interface BattleSides<R extends SideRow = BotReplyRow> {
  battleId: string;
  a: R;
  b: R;
  closesAtMs: number;
}

/**
 * Battles with both sides posted, in order of decision time; others are not battles yet. Side A is
 * the bot whose id sorts first: the bots' ids are public (a research export keeps them), while the
 * task and battle ids are derived from the post and are hashed there, so neither the sides nor
 * the order may depend on them (docs/ranking-method.md#battles). Battles decided at the same
 * moment are ordered by their bots and their replies' times; only battles equal in all of these
 * are left in battle id order.
 */
export function battleSides<R extends SideRow>(replies: readonly R[], windowMs: number): BattleSides<R>[] {
  const byBattle = new Map<string, R[]>();
  for (const r of replies) {
    if (r.battle_id === '') continue;
    byBattle.set(r.battle_id, [...(byBattle.get(r.battle_id) ?? []), r]);
  }
  const out: BattleSides<R>[] = [];
  for (const [battleId, rows] of byBattle) {
    if (rows.length !== 2) continue;
    const [a, b] = [...rows].sort((p, q) => cmp(p.bot_id, q.bot_id)) as [R, R];
    if (a.bot_id === b.bot_id) continue;
    out.push({ battleId, a, b, closesAtMs: Math.max(a.finished_ms, b.finished_ms) + windowMs });
  }
  return out.sort(
    (x, y) =>
      x.closesAtMs - y.closesAtMs ||
      cmp(x.a.bot_id, y.a.bot_id) ||
      cmp(x.b.bot_id, y.b.bot_id) ||
      x.a.finished_ms - y.a.finished_ms ||
      x.b.finished_ms - y.b.finished_ms ||
      cmp(x.battleId, y.battleId),
  );
}

/** Decides every battle whose window closed at or before asOf, under engagement-v1. */
export function decideBattles(
  sides: readonly BattleSides[],
  events: readonly ReplyEngagementEvent[],
  impressionTimes: ReadonlyMap<string, readonly number[]>,
  asOfMs: number,
): DecidedBattle[] {
  const byReply = new Map<string, ReplyEngagementEvent[]>();
  for (const e of events) byReply.set(e.reply_uri, [...(byReply.get(e.reply_uri) ?? []), e]);
  const decided: DecidedBattle[] = [];
  for (const s of sides) {
    if (s.closesAtMs > asOfMs) continue;
    const engagementA = engagementOf(s.a.reply_uri, byReply, impressionTimes, s.closesAtMs);
    const engagementB = engagementOf(s.b.reply_uri, byReply, impressionTimes, s.closesAtMs);
    const scoreA = scoreOf(engagementA);
    const scoreB = scoreOf(engagementB);
    decided.push({
      battleId: s.battleId,
      postUri: s.a.post_uri,
      botA: s.a.bot_id,
      botB: s.b.bot_id,
      replyAUri: s.a.reply_uri,
      replyBUri: s.b.reply_uri,
      winner: scoreA > scoreB ? 'a' : scoreB > scoreA ? 'b' : 'tie',
      engagementA,
      engagementB,
      scoreA,
      scoreB,
      decidedAtMs: s.closesAtMs,
      ruleVersion: RULE_VERSION,
      voteKind: '',
      authorA: 0,
      authorB: 0,
      pairProbability: 0,
      weight: 1,
    });
  }
  return decided;
}

/** How the fits weigh battles (BOTSKY_BATTLE_WEIGHTING): `none` (default) or `inverse`. */
export type BattleWeighting = 'none' | 'inverse';

/**
 * The battles' weights in the fits. `none`: every battle weighs 1; under the Bradley–Terry model
 * a design that depends only on earlier outcomes (active sampling) leaves the likelihood, and so
 * the fit, unbiased, and unweighted is the efficient fit. `inverse`: inverse-probability weights,
 * pooled per pair, which aim the fit at a uniform draw of pairs (Chatbot Arena's estimator, robust
 * when the model is wrong, at the cost of variance: docs/ranking-method.md#active-battles).
 *
 * Inverse-probability weights, pooled per pair: a pair's battles together weigh Σ 1/p over them
 * (the Horvitz–Thompson estimate of how many battles the pair would have had if every battle
 * had been that pair), spread evenly over the pair's battles, then normalised to mean 1 over the
 * battles given. Pooling within the pair keeps the weighting's aim (every pair counts as under
 * uniform sampling) without the variance of per-battle weights: under balanced sampling a single
 * battle's probability swings from 1/C(n,2) to 1 with the assignment counts, while the pair's
 * outcome does not depend on it. Battles whose probability is unknown (0) weigh 1 and do not
 * enter the normalisation.
 */
export function withWeights(battles: readonly DecidedBattle[], weighting: BattleWeighting = 'none'): DecidedBattle[] {
  if (weighting === 'none') return battles.map((b) => (b.weight === 1 ? b : { ...b, weight: 1 }));
  const probabilities = new Map<string, number[]>();
  const pairOf = (b: DecidedBattle) => (b.botA < b.botB ? `${b.botA}\n${b.botB}` : `${b.botB}\n${b.botA}`);
  for (const b of battles) {
    if (b.pairProbability <= 0) continue;
    const list = probabilities.get(pairOf(b));
    if (list) list.push(b.pairProbability);
    else probabilities.set(pairOf(b), [b.pairProbability]);
  }
  // Summed in an order of their values (pairs by their bots, a pair's probabilities ascending),
  // not of the battles, so that the weights do not depend on how battles decided at the same
  // moment happen to be ordered.
  const pairs = new Map<string, { n: number; inverse: number }>();
  let known = 0;
  let total = 0;
  for (const key of [...probabilities.keys()].sort()) {
    const ps = (probabilities.get(key) as number[]).sort((x, y) => x - y);
    const inverse = ps.reduce((sum, p) => sum + 1 / p, 0);
    pairs.set(key, { n: ps.length, inverse });
    known += ps.length;
    total += inverse;
  }
  const mean = known > 0 ? total / known : 1;
  return battles.map((b) => {
    const p = pairs.get(pairOf(b));
    return { ...b, weight: b.pairProbability > 0 && p ? p.inverse / p.n / mean : 1 };
  });
}

/** The battle score of a reply under RULE_VERSION. */
export function scoreOf(e: ReplyEngagement): number {
  return e.likes + e.reposts + e.replies;
}

function engagementOf(
  uri: string,
  byReply: ReadonlyMap<string, readonly ReplyEngagementEvent[]>,
  impressionTimes: ReadonlyMap<string, readonly number[]>,
  closesAtMs: number,
): ReplyEngagement {
  const inWindow = (byReply.get(uri) ?? []).filter((e) => Number(e.at_ms) < closesAtMs);
  const distinct = (kind: string) => new Set(inWindow.filter((e) => e.kind === kind).map((e) => e.actor_did)).size;
  const impressions = (impressionTimes.get(uri) ?? []).filter((t) => Number(t) < closesAtMs).length;
  return { impressions, likes: distinct('like'), reposts: distinct('repost'), replies: distinct('reply') };
}
