// Battles: two bots answered the same post. The rule (RULE_VERSION), documented in
// docs/ranking-method.md: the window opens when the second reply is posted and lasts the
// configured time; each reply's score is the number of people who liked it, plus those who
// reposted it, plus those who replied to it (each person once per action, bots excluded), counting
// what was indexed before the window closed. More wins; equal (including none) is a tie.
// Pure functions of rows read from the warehouse, so a rescore decides exactly the same way.
import { replyTaskId } from '@botsky/contracts';
import type { BotReplyRow, ReplyEngagementEvent } from '@botsky/warehouse';
import type { Winner } from '@botsky/ratings';

export const RULE_VERSION = 'engagement-v1';

export interface ReplyEngagement {
  impressions: number;
  likes: number;
  reposts: number;
  replies: number;
}

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
}

export interface BattleSides {
  battleId: string;
  a: BotReplyRow;
  b: BotReplyRow;
  closesAtMs: number;
}

/** Battles with both sides posted, side A being the task of slot 0; others are not battles yet. */
export function battleSides(replies: readonly BotReplyRow[], windowMs: number): BattleSides[] {
  const byBattle = new Map<string, BotReplyRow[]>();
  for (const r of replies) {
    if (r.battle_id === '') continue;
    byBattle.set(r.battle_id, [...(byBattle.get(r.battle_id) ?? []), r]);
  }
  const out: BattleSides[] = [];
  for (const [battleId, rows] of byBattle) {
    const [a, b] = orderSides(rows);
    if (!a || !b || a.bot_id === b.bot_id) continue;
    out.push({ battleId, a, b, closesAtMs: Math.max(a.finished_ms, b.finished_ms) + windowMs });
  }
  return out.sort((x, y) => x.closesAtMs - y.closesAtMs || (x.battleId < y.battleId ? -1 : 1));
}

/**
 * Side A is the slot-0 task when ids are per slot; matchmaker names tasks per (post, bot)
 * (replyTaskIdForBot), which carries no slot, so those two sides are ordered by task id: fixed for
 * a battle, whatever order the replies arrived in.
 */
function orderSides(rows: readonly BotReplyRow[]): [BotReplyRow | undefined, BotReplyRow | undefined] {
  const slot0 = rows.find((r) => r.task_id === replyTaskId(r.post_uri, 0));
  const slot1 = rows.find((r) => r.task_id === replyTaskId(r.post_uri, 1));
  if (slot0 || slot1) return [slot0, slot1];
  if (rows.length !== 2) return [undefined, undefined];
  const [x, y] = [...rows].sort((p, q) => (p.task_id < q.task_id ? -1 : p.task_id > q.task_id ? 1 : 0));
  return [x, y];
}

/** Decides every battle whose window closed at or before asOf. */
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
    });
  }
  return decided;
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
