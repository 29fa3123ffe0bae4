// Per-bot rates whose numerator and denominator count the same thing (docs/ranking-method.md):
// conversation engagement (people's actions from any channel per reply), feed engagement (actions
// by viewers who had been served the reply, per impression), and harm (blocks, "stop" replies,
// opt-outs and unfollows per reply). Pure functions of rows read from the warehouse; the actions
// given are those left after the influence cap and anomaly flags.
import { poissonRate, type Interval } from '@botsky/ratings';
import type { HarmEvent, SeenReport, ServedImpression } from '@botsky/warehouse';
import type { Action } from './influence.ts';

export interface CountRate {
  rate: number;
  ci95: Interval;
}

export interface ConversationEngagement extends CountRate {
  events: number;
  replies: number;
}

export function conversationEngagement(actions: readonly Action[], replies: number): ConversationEngagement {
  return { rate: ratio(actions.length, replies), ci95: poissonRate(actions.length, replies), events: actions.length, replies };
}

/** When a viewer was exposed to an item: the times of their impressions, or of their "seen" reports where they send them. */
export type Exposures = Map<string, number[]>;

const key = (viewer: string, item: string) => `${viewer}\n${item}`;

/**
 * Each eligible viewer's exposures per item: viewers whose clients report "seen" count from their
 * reports (a served item they never saw is no impression), the others from served impressions.
 */
export function exposuresOf(
  served: readonly ServedImpression[],
  seen: readonly SeenReport[],
  eligible: (did: string) => boolean,
): Map<string, Exposures> {
  const reporting = new Set(seen.map((s) => s.viewer_did));
  const byBot = new Map<string, Exposures>();
  const add = (bot: string, viewer: string, item: string, at: number) => {
    if (!eligible(viewer)) return;
    const of = byBot.get(bot) ?? new Map<string, number[]>();
    byBot.set(bot, of);
    push(of, key(viewer, item), at);
  };
  for (const i of served) if (!reporting.has(i.viewer_did)) add(i.bot_id, i.viewer_did, i.post_uri, i.served_ms);
  for (const s of seen) add(s.bot_id, s.viewer_did, s.item_uri, s.received_ms);
  return byBot;
}

export interface FeedCounts {
  events: number;
  impressions: number;
}

/** Actions whose actor had been exposed to the reply before acting, and the exposures. */
export function feedCounts(actions: readonly Action[], exposures: Exposures | undefined): FeedCounts {
  let impressions = 0;
  for (const times of exposures?.values() ?? []) impressions += times.length;
  const events = actions.filter((a) => (exposures?.get(key(a.actor_did, a.reply_uri)) ?? []).some((t) => t < a.at_ms)).length;
  return { events, impressions };
}

/**
 * The inverse-propensity items of one bot: each served impression to an eligible viewer with its
 * logged probability p > 0, and y = that viewer's actions on the item for which it is the latest
 * impression before the action (so no action counts twice). Of a viewer's impressions of the item
 * served in the same millisecond, the one with the larger p is the latest. The items come ordered
 * by (p, y), so that the estimate's sums do not follow the impressions' ids (a page's items are
 * all served at once).
 */
export function ipsItems(
  served: readonly ServedImpression[],
  actions: readonly Action[],
  eligible: (did: string) => boolean,
): Array<{ y: number; p: number }> {
  const mine = served.filter((i) => i.probability > 0 && eligible(i.viewer_did));
  const byViewerItem = new Map<string, ServedImpression[]>();
  for (const i of mine) {
    push(byViewerItem, key(i.viewer_did, i.post_uri), i);
  }
  const later = (i: ServedImpression, l: ServedImpression) =>
    i.served_ms - l.served_ms || i.probability - l.probability || (i.impression_id > l.impression_id ? 1 : -1);
  const y = new Map<string, number>();
  for (const a of actions) {
    const before = (byViewerItem.get(key(a.actor_did, a.reply_uri)) ?? []).filter((i) => i.served_ms < a.at_ms);
    const latest = before.reduce<ServedImpression | undefined>((l, i) => (l === undefined || later(i, l) > 0 ? i : l), undefined);
    if (latest) y.set(latest.impression_id, (y.get(latest.impression_id) ?? 0) + 1);
  }
  return mine.map((i) => ({ y: y.get(i.impression_id) ?? 0, p: i.probability })).sort((u, v) => u.p - v.p || u.y - v.y);
}

export interface HarmCounts {
  blocks: number;
  stops: number;
  optOuts: number;
  unfollows: number;
}

export interface HarmContext {
  /** bot account DID → bot id */
  botOfDid: ReadonlyMap<string, string>;
  /** bot reply URI → bot id */
  botOfReply: ReadonlyMap<string, string>;
  /** the project account, whose unfollow or block is an opt-out (undefined: none counted) */
  projectDid?: string;
  /** the bot that last answered or mentioned this person before this time (opt-outs go to it) */
  lastBotFor: (did: string, beforeMs: number) => string | undefined;
  isPerson: (did: string) => boolean;
}

/** Harm events per bot: blocks and unfollows of its account, "stop" replies to its replies, opt-outs attributed to the last bot that reached the person. */
export function harmCounts(events: readonly HarmEvent[], ctx: HarmContext): Map<string, HarmCounts> {
  const out = new Map<string, HarmCounts>();
  const bump = (bot: string | undefined, field: keyof HarmCounts) => {
    if (bot === undefined) return;
    const c = out.get(bot) ?? { blocks: 0, stops: 0, optOuts: 0, unfollows: 0 };
    c[field] += 1;
    out.set(bot, c);
  };
  for (const e of events) {
    if (!ctx.isPerson(e.actor_did)) continue;
    if (e.kind === 'stop') bump(ctx.botOfReply.get(e.target), 'stops');
    else if (ctx.projectDid !== undefined && e.target === ctx.projectDid) bump(ctx.lastBotFor(e.actor_did, e.at_ms), 'optOuts');
    else if (e.kind === 'block') bump(ctx.botOfDid.get(e.target), 'blocks');
    else if (e.kind === 'unfollow') bump(ctx.botOfDid.get(e.target), 'unfollows');
  }
  return out;
}

export interface Harm extends CountRate, HarmCounts {
  flagged: boolean;
}

/** Harm per reply with its Poisson interval; flagged when the lower bound is above the threshold. */
export function harmRate(c: HarmCounts | undefined, replies: number, threshold: number): Harm {
  const counts = c ?? { blocks: 0, stops: 0, optOuts: 0, unfollows: 0 };
  const n = counts.blocks + counts.stops + counts.optOuts + counts.unfollows;
  const ci95 = poissonRate(n, replies);
  return { rate: ratio(n, replies), ci95, ...counts, flagged: ci95[0] > threshold };
}

function push<T>(map: Map<string, T[]>, k: string, value: T): void {
  const list = map.get(k);
  if (list) list.push(value);
  else map.set(k, [value]);
}

export function ratio(n: number, d: number): number {
  return d > 0 ? n / d : 0;
}
