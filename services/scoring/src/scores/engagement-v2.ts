// The battle rule engagement-v2 (docs/ranking-method.md#battles). Each side is judged over a
// window of the same length from its own reply's post time, [t_side, t_side + W), so posting
// first gains nothing; the battle is decided at max(t_A, t_B) + W. Only people vote (the caller's
// `excluded` says who is not one: bots, `bot`-labelled accounts, flagged people), each once per
// side and action. The author of the answered post votes first: if their distinct actions (like,
// repost, reply) differ between the sides, the side with more wins ("author"); otherwise other
// people's distinct actions decide ("crowd"); equal is a tie.
//
// Pure, on plain arrays, so a simulation harness can decide battles on in-memory rows exactly as
// scoring does on the warehouse's.
import type { ReplyEngagementEvent } from '@botsky/warehouse';
import type { Winner } from '@botsky/ratings';
import {
  battleSides,
  withWeights,
  type BattleSides,
  type BattleWeighting,
  type DecidedBattle,
  type ReplyEngagement,
  type SideRow,
  type VoteKind,
} from './battles.ts';
import { cmp } from './order.ts';

export const RULE_V2 = 'engagement-v2';

/** One side of a battle: a posted bot reply. */
export interface BattleReplyRow extends SideRow {
  /** DID of the author of the post both bots answered */
  post_author_did: string;
  /** the pair's sampling probability from the reply task; 0 or absent when unknown */
  pair_probability?: number;
}

/** A person's action on a reply: kind like | repost | reply, at the network's indexed_at (epoch ms). */
export type EngagementEvent = ReplyEngagementEvent;

export interface DecideV2Options {
  windowMs: number;
  /** Only battles decided (max(t_A, t_B) + W) at or before this are returned. */
  asOfMs: number;
  /** Accounts that are not people, or whose actions are left out. */
  excluded: (actorDid: string) => boolean;
  /** How the battles are weighted (default none: every battle weighs 1). */
  weighting?: BattleWeighting;
  /** Impression times per reply URI, for the outcome's impressions count (optional). */
  impressionTimes?: ReadonlyMap<string, readonly number[]>;
}

const KINDS = ['like', 'repost', 'reply'] as const;

/** Decides, under engagement-v2, every battle in `replies` whose decision time is at or before asOf; weights normalised over them. */
export function decideBattlesV2(
  replies: readonly BattleReplyRow[],
  events: readonly EngagementEvent[],
  opts: DecideV2Options,
): DecidedBattle[] {
  const byReply = groupByReply(events);
  const decided: DecidedBattle[] = [];
  for (const s of battleSides(replies, opts.windowMs)) {
    if (s.closesAtMs > opts.asOfMs) continue;
    decided.push(decideOne(s, byReply, opts));
  }
  return withWeights(decided, opts.weighting);
}

/**
 * The people whose actions entered the scores of these battles, most actions first (for
 * drop-people-to-flip, which screens the first ones). People with as many actions are ordered by
 * what their actions were (when, which kind, on which bot's side of which battle, as the post's
 * author or not), never by their DIDs, which a research export hashes; only people alike in all
 * of that, whose removal changes the same battles in the same way, are left in DID order.
 */
export function battleVoters(replies: readonly BattleReplyRow[], events: readonly EngagementEvent[], opts: DecideV2Options): string[] {
  const byReply = groupByReply(events);
  const votes = new Map<string, string[]>();
  for (const s of battleSides(replies, opts.windowMs)) {
    if (s.closesAtMs > opts.asOfMs) continue;
    for (const side of [s.a, s.b])
      for (const e of windowed(byReply, side, opts)) {
        const vote = [
          s.closesAtMs,
          s.a.bot_id,
          s.b.bot_id,
          side.bot_id,
          side.finished_ms,
          e.kind,
          e.at_ms,
          e.actor_did === s.a.post_author_did,
        ];
        const list = votes.get(e.actor_did);
        if (list) list.push(vote.join(' '));
        else votes.set(e.actor_did, [vote.join(' ')]);
      }
  }
  const voters = [...votes].map(([did, list]) => ({ did, n: list.length, what: list.sort().join('\n') }));
  return voters.sort((x, y) => y.n - x.n || cmp(x.what, y.what) || cmp(x.did, y.did)).map((v) => v.did);
}

interface SideVotes {
  engagement: ReplyEngagement;
  author: number;
  crowd: number;
}

function decideOne(s: BattleSides<BattleReplyRow>, byReply: ReadonlyMap<string, EngagementEvent[]>, opts: DecideV2Options): DecidedBattle {
  const author = s.a.post_author_did;
  const a = votes(s.a, author, byReply, opts);
  const b = votes(s.b, author, byReply, opts);
  const [winner, voteKind] = verdict(a, b);
  return {
    battleId: s.battleId,
    postUri: s.a.post_uri,
    botA: s.a.bot_id,
    botB: s.b.bot_id,
    replyAUri: s.a.reply_uri,
    replyBUri: s.b.reply_uri,
    winner,
    engagementA: a.engagement,
    engagementB: b.engagement,
    scoreA: a.author + a.crowd,
    scoreB: b.author + b.crowd,
    decidedAtMs: s.closesAtMs,
    ruleVersion: RULE_V2,
    voteKind,
    authorA: a.author,
    authorB: b.author,
    pairProbability: Math.max(s.a.pair_probability ?? 0, s.b.pair_probability ?? 0),
    weight: 1,
  };
}

function verdict(a: SideVotes, b: SideVotes): [Winner, VoteKind] {
  if (a.author !== b.author) return [a.author > b.author ? 'a' : 'b', 'author'];
  if (a.crowd !== b.crowd) return [a.crowd > b.crowd ? 'a' : 'b', 'crowd'];
  return ['tie', 'tie'];
}

/** A side's distinct (person, action) pairs within its own window, split into the author's and the crowd's. */
function votes(side: BattleReplyRow, author: string, byReply: ReadonlyMap<string, EngagementEvent[]>, opts: DecideV2Options): SideVotes {
  const seen = new Set<string>();
  const counts = { like: 0, repost: 0, reply: 0 };
  let authorVotes = 0;
  for (const e of windowed(byReply, side, opts)) {
    const key = `${e.kind}\n${e.actor_did}`;
    if (seen.has(key)) continue;
    seen.add(key);
    counts[e.kind as (typeof KINDS)[number]] += 1;
    if (e.actor_did === author) authorVotes += 1;
  }
  const [start, end] = windowOf(side, opts.windowMs);
  const impressions = (opts.impressionTimes?.get(side.reply_uri) ?? []).filter((t) => t >= start && t < end).length;
  const total = counts.like + counts.repost + counts.reply;
  return {
    engagement: { impressions, likes: counts.like, reposts: counts.repost, replies: counts.reply },
    author: authorVotes,
    crowd: total - authorVotes,
  };
}

/** The side's events within [t_side, t_side + W), from people, of the counted kinds. */
function windowed(byReply: ReadonlyMap<string, EngagementEvent[]>, side: BattleReplyRow, opts: DecideV2Options): EngagementEvent[] {
  const [start, end] = windowOf(side, opts.windowMs);
  return (byReply.get(side.reply_uri) ?? []).filter((e) => {
    const t = Number(e.at_ms);
    return t >= start && t < end && (KINDS as readonly string[]).includes(e.kind) && !opts.excluded(e.actor_did);
  });
}

function windowOf(side: SideRow, windowMs: number): [number, number] {
  const t = Number(side.finished_ms);
  return [t, t + windowMs];
}

function groupByReply(events: readonly EngagementEvent[]): Map<string, EngagementEvent[]> {
  const byReply = new Map<string, EngagementEvent[]>();
  for (const e of events) {
    const list = byReply.get(e.reply_uri);
    if (list) list.push(e);
    else byReply.set(e.reply_uri, [e]);
  }
  return byReply;
}
