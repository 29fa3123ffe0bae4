// Influence caps and anomaly flags (docs/ranking-method.md#influence-caps-and-anomalies): no one
// person moves a bot's scores much, and people whose behaviour is improbable for a person are left
// out. Pure, on people's actions on bot replies (bots and `bot`-labelled accounts already removed).
//
// Flags, each a documented test on all of a person's actions:
// - one-bot liker: at least MIN_LIKES likes on bot replies, at least ONE_BOT_MIN_SHARE of them on
//   one bot, more than that bot's share of the replies the person could have liked (served to
//   them, or notified: answering or mentioning them), weighted by how much everyone else liked
//   each bot, allows: binomial upper tail p < ALPHA / people tested (Bonferroni);
// - burst: BURST_ACTIONS or more actions within BURST_MS;
// - group: two people who acted on at least GROUP_MIN_SHARED of the same bot replies, with a
//   Jaccard overlap of their acted-on sets of at least GROUP_MIN_JACCARD (both flagged).
// Then the cap: per person and UTC day, only the first `dailyCap` actions count, whatever the bot,
// so no one's weight in any bot's scores exceeds it. The cap is on the person's total, not per bot:
// a per-bot cap runs out first on the bot a heavy user likes most, and so rates it down (measured
// in the demo: the best bot fell to the bottom of the battles' win rates).
import { cmp } from './order.ts';

export interface Action {
  bot_id: string;
  reply_uri: string;
  actor_did: string;
  /** like | repost | reply */
  kind: string;
  at_ms: number;
  /**
   * When the reply was posted (epoch ms), if known: it orders a person's actions of the same
   * moment, kind and bot (the cap keeps the first ones) without the reply's URI, which a research
   * export hashes.
   */
  reply_ms?: number;
}

export const ANOMALY_TESTS = {
  MIN_LIKES: 8,
  /** Only a bot with at least this share of the person's likes is tested. */
  ONE_BOT_MIN_SHARE: 0.8,
  ALPHA: 0.001,
  BURST_ACTIONS: 20,
  BURST_MS: 60_000,
  GROUP_MIN_SHARED: 10,
  GROUP_MIN_JACCARD: 0.8,
} as const;

/** The burst test's settings (BOTSKY_ANOMALY_BURST_ACTIONS, BOTSKY_ANOMALY_BURST_WINDOW). */
export interface BurstTest {
  actions: number;
  windowMs: number;
}

const DEFAULT_BURST: BurstTest = { actions: ANOMALY_TESTS.BURST_ACTIONS, windowMs: ANOMALY_TESTS.BURST_MS };

export type FlagReason = 'one_bot_liker' | 'burst' | 'group';

export interface InfluenceResult {
  /** the actions every score and battle counts */
  kept: Action[];
  /** flagged person → why */
  flagged: Map<string, FlagReason[]>;
  /** actions of unflagged people beyond their daily cap (per person and UTC day, all bots together) */
  cappedActions: number;
  /** actions of the flagged people */
  flaggedActions: number;
}

const DAY_MS = 86_400_000;

/**
 * `exposure`: per person, the bot replies they could have liked (reply URI → bot): served to them
 * or notified. Replies they acted on count as exposed whatever it says.
 */
export function applyInfluence(
  actions: readonly Action[],
  exposure: ReadonlyMap<string, ReadonlyMap<string, string>>,
  opts: { dailyCap: number; burst?: BurstTest },
): InfluenceResult {
  const flagged = flagAnomalies(actions, exposure, opts.burst);
  const unflagged = actions.filter((a) => !flagged.has(a.actor_did));
  const kept = capDaily(unflagged, opts.dailyCap);
  return { kept, flagged, cappedActions: unflagged.length - kept.length, flaggedActions: actions.length - unflagged.length };
}

/**
 * The first `cap` actions per person and UTC day, on any bot: in time order, then (a person's
 * actions of the same millisecond, as a client's batched writes are) by kind, bot and the reply's
 * post time. Actions alike in all of these (a batch of likes on one bot's replies posted together)
 * have no order but their URIs, which a research export hashes, so they count together or not at
 * all: a batch that would pass the cap is left out with everything after it that day.
 */
export function capDaily(actions: readonly Action[], cap: number): Action[] {
  const sorted = [...actions].sort(byTime);
  const used = new Map<string, number>();
  const kept: Action[] = [];
  for (let i = 0; i < sorted.length; ) {
    const first = sorted[i] as Action;
    let end = i + 1;
    while (end < sorted.length && alike(first, sorted[end] as Action)) end++;
    const key = `${first.actor_did}\n${Math.floor(first.at_ms / DAY_MS)}`;
    const n = (used.get(key) ?? 0) + end - i;
    if (n <= cap) kept.push(...sorted.slice(i, end));
    used.set(key, n <= cap ? n : cap + 1);
    i = end;
  }
  return kept;
}

/** Same person, moment, kind, bot and reply post time: no order between them but their URIs. */
function alike(x: Action, y: Action): boolean {
  return x.actor_did === y.actor_did && x.at_ms === y.at_ms && x.kind === y.kind && x.bot_id === y.bot_id && x.reply_ms === y.reply_ms;
}

export function flagAnomalies(
  actions: readonly Action[],
  exposure: ReadonlyMap<string, ReadonlyMap<string, string>>,
  burst: BurstTest = DEFAULT_BURST,
): Map<string, FlagReason[]> {
  const byPerson = new Map<string, Action[]>();
  for (const a of [...actions].sort(byTime)) push(byPerson, a.actor_did, a);
  const flagged = new Map<string, FlagReason[]>();
  const flag = (did: string, why: FlagReason) => flagged.set(did, [...(flagged.get(did) ?? []), why]);
  for (const did of oneBotLikers(byPerson, exposure)) flag(did, 'one_bot_liker');
  for (const [did, list] of byPerson) if (bursts(list, burst)) flag(did, 'burst');
  for (const did of groups(byPerson)) flag(did, 'group');
  return flagged;
}

/**
 * The null for a person's likes is everyone else's taste: bot b's share of their likes would be
 * e_b·r_b / Σ e_k·r_k, with e_b the replies of b they could have liked and r_b the rate at which
 * the other people liked b's replies they could have liked. So a person who likes the better bot
 * more, as everyone does, is not flagged; one who gives nearly everything to one bot beyond that is.
 */
function oneBotLikers(byPerson: ReadonlyMap<string, Action[]>, exposure: ReadonlyMap<string, ReadonlyMap<string, string>>): string[] {
  const offeredTo = new Map<string, Map<string, number>>();
  const likesOf = new Map<string, Map<string, number>>();
  const totalOffered = new Map<string, number>();
  const totalLikes = new Map<string, number>();
  for (const [did, list] of byPerson) {
    const likes = list.filter((a) => a.kind === 'like');
    const candidates = new Map(exposure.get(did) ?? []);
    for (const a of likes) candidates.set(a.reply_uri, a.bot_id);
    offeredTo.set(did, countBy([...candidates.values()]));
    likesOf.set(did, countBy(likes.map((a) => a.bot_id)));
    addAll(totalOffered, offeredTo.get(did) as Map<string, number>);
    addAll(totalLikes, likesOf.get(did) as Map<string, number>);
  }
  const tested: Array<{ did: string; p: number }> = [];
  for (const [did, perBot] of likesOf) {
    const n = [...perBot.values()].reduce((a, b) => a + b, 0);
    if (n < ANOMALY_TESTS.MIN_LIKES) continue;
    const offered = offeredTo.get(did) as Map<string, number>;
    const expected = new Map<string, number>();
    for (const [bot, e] of offered) {
      const othersOffered = (totalOffered.get(bot) ?? 0) - e;
      const othersLikes = (totalLikes.get(bot) ?? 0) - (perBot.get(bot) ?? 0);
      // with no one else to compare, every reply is as likely to be liked as any other
      expected.set(bot, e * (othersOffered > 0 ? (othersLikes + 0.5) / (othersOffered + 1) : 1));
    }
    // summed in the bots' order, not the order the person met them in
    const norm = [...expected].sort((x, y) => cmp(x[0], y[0])).reduce((sum, [, v]) => sum + v, 0);
    let p = 1;
    for (const [bot, x] of perBot) {
      if (x / n < ANOMALY_TESTS.ONE_BOT_MIN_SHARE) continue;
      p = Math.min(p, binomialUpperTail(x, n, norm > 0 ? (expected.get(bot) ?? 0) / norm : 0));
    }
    tested.push({ did, p });
  }
  return tested.filter((t) => t.p < ANOMALY_TESTS.ALPHA / tested.length).map((t) => t.did);
}

function addAll(into: Map<string, number>, from: ReadonlyMap<string, number>): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
}

function bursts(list: readonly Action[], burst: BurstTest): boolean {
  const n = burst.actions;
  for (let i = 0; i + n - 1 < list.length; i++) {
    if ((list[i + n - 1] as Action).at_ms - (list[i] as Action).at_ms < burst.windowMs) return true;
  }
  return false;
}

function groups(byPerson: ReadonlyMap<string, Action[]>): Set<string> {
  const sets = new Map<string, Set<string>>();
  for (const [did, list] of byPerson) {
    const replies = new Set(list.map((a) => a.reply_uri));
    if (replies.size >= ANOMALY_TESTS.GROUP_MIN_SHARED) sets.set(did, replies);
  }
  const actors = new Map<string, string[]>();
  for (const [did, replies] of sets) for (const r of replies) push(actors, r, did);
  const shared = new Map<string, number>();
  for (const people of actors.values()) {
    for (let i = 0; i < people.length; i++) {
      for (let j = i + 1; j < people.length; j++) {
        const [x, y] = [people[i] as string, people[j] as string].sort();
        const key = `${x}\n${y}`;
        shared.set(key, (shared.get(key) ?? 0) + 1);
      }
    }
  }
  const out = new Set<string>();
  for (const [key, n] of shared) {
    const [x, y] = key.split('\n') as [string, string];
    const union = (sets.get(x)?.size ?? 0) + (sets.get(y)?.size ?? 0) - n;
    if (n >= ANOMALY_TESTS.GROUP_MIN_SHARED && n / union >= ANOMALY_TESTS.GROUP_MIN_JACCARD) out.add(x).add(y);
  }
  return out;
}

/** P(X ≥ x) for X ~ Binomial(n, q), summed in log space from the pmf's recurrence. */
export function binomialUpperTail(x: number, n: number, q: number): number {
  if (x <= 0) return 1;
  if (q <= 0) return 0;
  if (q >= 1) return 1;
  let logPmf = 0;
  for (let i = 1; i <= x; i++) logPmf += Math.log((n - x + i) / i);
  logPmf += x * Math.log(q) + (n - x) * Math.log1p(-q);
  let sum = 0;
  for (let k = x; k <= n; k++) {
    sum += Math.exp(logPmf);
    logPmf += Math.log((n - k) / (k + 1)) + Math.log(q) - Math.log1p(-q);
  }
  return Math.min(1, sum);
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function countBy(keys: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const k of keys) out.set(k, (out.get(k) ?? 0) + 1);
  return out;
}

function byTime(x: Action, y: Action): number {
  return (
    x.at_ms - y.at_ms ||
    cmp(x.kind, y.kind) ||
    cmp(x.bot_id, y.bot_id) ||
    (x.reply_ms ?? 0) - (y.reply_ms ?? 0) ||
    cmp(x.actor_did, y.actor_did) ||
    cmp(x.reply_uri, y.reply_uri)
  );
}
