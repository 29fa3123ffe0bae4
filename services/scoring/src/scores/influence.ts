// Influence caps and anomaly flags (docs/ranking-method.md#influence-caps-and-anomalies): no one
// person moves a bot's scores much, and people whose behaviour is improbable for a person are left
// out. Pure, on people's actions on bot replies (bots and `bot`-labelled accounts already removed).
//
// Flags, each a documented test on all of a person's actions:
// - one-bot liker: at least MIN_LIKES likes on bot replies, concentrated on one bot more than its
//   share of the replies the person could have liked (served to them, or notified: answering or
//   mentioning them) allows: binomial upper tail p < ALPHA / people tested (Bonferroni);
// - burst: BURST_ACTIONS or more actions within BURST_MS;
// - group: two people who acted on at least GROUP_MIN_SHARED of the same bot replies, with a
//   Jaccard overlap of their acted-on sets of at least GROUP_MIN_JACCARD (both flagged).
// Then the cap: per person, bot and UTC day, only the first `dailyCap` actions count.

export interface Action {
  bot_id: string;
  reply_uri: string;
  actor_did: string;
  /** like | repost | reply */
  kind: string;
  at_ms: number;
}

export const ANOMALY_TESTS = {
  MIN_LIKES: 8,
  ALPHA: 0.001,
  BURST_ACTIONS: 20,
  BURST_MS: 60_000,
  GROUP_MIN_SHARED: 10,
  GROUP_MIN_JACCARD: 0.8,
} as const;

export type FlagReason = 'one_bot_liker' | 'burst' | 'group';

export interface InfluenceResult {
  /** the actions every score and battle counts */
  kept: Action[];
  /** flagged person → why */
  flagged: Map<string, FlagReason[]>;
  /** actions of unflagged people beyond their daily cap */
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
  opts: { dailyCap: number },
): InfluenceResult {
  const flagged = flagAnomalies(actions, exposure);
  const unflagged = actions.filter((a) => !flagged.has(a.actor_did));
  const kept = capDaily(unflagged, opts.dailyCap);
  return { kept, flagged, cappedActions: unflagged.length - kept.length, flaggedActions: actions.length - unflagged.length };
}

/** The first `cap` actions per person, bot and UTC day (in time order, then reply and kind). */
export function capDaily(actions: readonly Action[], cap: number): Action[] {
  const sorted = [...actions].sort(byTime);
  const used = new Map<string, number>();
  return sorted.filter((a) => {
    const key = `${a.actor_did}\n${a.bot_id}\n${Math.floor(a.at_ms / DAY_MS)}`;
    const n = (used.get(key) ?? 0) + 1;
    used.set(key, n);
    return n <= cap;
  });
}

export function flagAnomalies(
  actions: readonly Action[],
  exposure: ReadonlyMap<string, ReadonlyMap<string, string>>,
): Map<string, FlagReason[]> {
  const byPerson = new Map<string, Action[]>();
  for (const a of [...actions].sort(byTime)) push(byPerson, a.actor_did, a);
  const flagged = new Map<string, FlagReason[]>();
  const flag = (did: string, why: FlagReason) => flagged.set(did, [...(flagged.get(did) ?? []), why]);
  for (const did of oneBotLikers(byPerson, exposure)) flag(did, 'one_bot_liker');
  for (const [did, list] of byPerson) if (bursts(list)) flag(did, 'burst');
  for (const did of groups(byPerson)) flag(did, 'group');
  return flagged;
}

function oneBotLikers(byPerson: ReadonlyMap<string, Action[]>, exposure: ReadonlyMap<string, ReadonlyMap<string, string>>): string[] {
  const tested: Array<{ did: string; p: number }> = [];
  for (const [did, list] of byPerson) {
    const likes = list.filter((a) => a.kind === 'like');
    if (likes.length < ANOMALY_TESTS.MIN_LIKES) continue;
    const candidates = new Map(exposure.get(did) ?? []);
    for (const a of likes) candidates.set(a.reply_uri, a.bot_id);
    const perBot = countBy(likes.map((a) => a.bot_id));
    const offered = countBy([...candidates.values()]);
    let p = 1;
    for (const [bot, x] of perBot) p = Math.min(p, binomialUpperTail(x, likes.length, (offered.get(bot) ?? 0) / candidates.size));
    tested.push({ did, p });
  }
  return tested.filter((t) => t.p < ANOMALY_TESTS.ALPHA / tested.length).map((t) => t.did);
}

function bursts(list: readonly Action[]): boolean {
  const n = ANOMALY_TESTS.BURST_ACTIONS;
  for (let i = 0; i + n - 1 < list.length; i++) {
    if ((list[i + n - 1] as Action).at_ms - (list[i] as Action).at_ms < ANOMALY_TESTS.BURST_MS) return true;
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
  return x.at_ms - y.at_ms || cmp(x.actor_did, y.actor_did) || cmp(x.reply_uri, y.reply_uri) || cmp(x.kind, y.kind);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
