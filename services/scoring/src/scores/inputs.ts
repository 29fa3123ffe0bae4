// What the leaderboard reads from the warehouse as of a moment, and who counts as a person: not a
// bot's own account (the repository of its replies), not an account labelled `bot`.
import {
  battleReplyDetailsAsOf,
  botLabelledAsOf,
  botRepliesAsOf,
  harmEventsAsOf,
  personActionsAsOf,
  seenReportsAsOf,
  servedImpressionsAsOf,
  type AsOfWindow,
  type BotReplyRow,
  type HarmEvent,
  type ReplyDetails,
  type SeenReport,
  type ServedImpression,
  type Warehouse,
} from '@botsky/warehouse';
import { authorityOf } from '../consumers/network.ts';
import type { Action } from './influence.ts';

export interface RankingInputs {
  replies: BotReplyRow[];
  /** people's actions, each with its reply's post time */
  actions: Action[];
  served: ServedImpression[];
  seen: SeenReport[];
  harm: HarmEvent[];
  details: ReplyDetails[];
  /** DIDs that are not people: the bots' accounts and `bot`-labelled accounts */
  notPeople: Set<string>;
}

export async function readInputs(wh: Warehouse, w: AsOfWindow): Promise<RankingInputs> {
  const replies = await botRepliesAsOf(wh, w);
  const actions = await personActionsAsOf(wh, w);
  const served = await servedImpressionsAsOf(wh, w);
  const seen = await seenReportsAsOf(wh, w);
  const harm = await harmEventsAsOf(wh, w);
  const details = await battleReplyDetailsAsOf(wh, w);
  const labelled = await botLabelledAsOf(wh, w);
  const notPeople = new Set([...replies.map((r) => authorityOf(r.reply_uri)), ...labelled]);
  const posted = new Map(replies.map((r) => [r.reply_uri, Number(r.finished_ms)]));
  const people = actions.filter((a) => !notPeople.has(a.actor_did)).map((a) => ({ ...a, reply_ms: posted.get(a.reply_uri) ?? 0 }));
  return { replies, actions: people, served, seen, harm, details, notPeople };
}

/** Per person, the bot replies they could have liked: served to them, or answering or mentioning them. */
export function exposureOf(replies: readonly BotReplyRow[], served: readonly ServedImpression[]): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  const add = (did: string, uri: string, bot: string) => {
    if (did === '') return;
    const of = out.get(did) ?? new Map<string, string>();
    out.set(did, of.set(uri, bot));
  };
  for (const r of replies) {
    add(authorityOf(r.post_uri), r.reply_uri, r.bot_id);
    add(r.mention_did, r.reply_uri, r.bot_id);
  }
  for (const i of served) add(i.viewer_did, i.post_uri, i.bot_id);
  return out;
}

/** The bot that last answered or mentioned a person before a time (opt-outs are attributed to it). */
export function lastBotReaching(replies: readonly BotReplyRow[]): (did: string, beforeMs: number) => string | undefined {
  const byPerson = new Map<string, BotReplyRow[]>();
  for (const r of replies) {
    for (const did of new Set([authorityOf(r.post_uri), r.mention_did])) {
      if (did === '') continue;
      const list = byPerson.get(did);
      if (list) list.push(r);
      else byPerson.set(did, [r]);
    }
  }
  // The latest reply before the time; of replies posted in the same millisecond, the bot whose id
  // sorts first (not the reply's order in the rows, which follows ids a research export hashes).
  return (did, beforeMs) => {
    let last: BotReplyRow | undefined;
    for (const r of byPerson.get(did) ?? []) {
      const t = Number(r.finished_ms);
      if (t >= beforeMs || (last && (t < Number(last.finished_ms) || (t === Number(last.finished_ms) && r.bot_id >= last.bot_id))))
        continue;
      last = r;
    }
    return last?.bot_id;
  };
}
