// Budgets of a Bluesky account. Writes: 5,000 points an hour and 35,000 a day (a create costs 3,
// an update 2, a delete 1). Logins (createSession): 30 per 5 minutes and 300 a day. The ledger
// keeps an account's spending in one-minute buckets over the last day and grants a spend only if
// it fits in EVERY sliding window that contains it, which also keeps it inside the PDS's fixed
// windows, wherever they start. It is plain data (toJSON/fromJSON) so that replicas can share it
// through a compare-and-set store (shared.ts).

export const WRITE_COST = { create: 3, update: 2, delete: 1 } as const;

export interface BudgetLimits {
  hour: number;
  day: number;
}

export interface LoginLimits {
  fiveMinutes: number;
  day: number;
}

/** Bluesky's published write limits per account. */
export const BLUESKY_LIMITS: BudgetLimits = { hour: 5000, day: 35000 };
/** Bluesky's published login (createSession) limits per account. */
export const BLUESKY_LOGIN_LIMITS: LoginLimits = { fiveMinutes: 30, day: 300 };
/** The defaults keep this share of the published limits, leaving room for clocks and other clients. */
export const DEFAULT_SHARE = 0.8;

/** A sliding window: at most `limit` points in any `minutes`. */
export interface BudgetWindow {
  name: string;
  minutes: number;
  limit: number;
}

export function writeWindows(l: BudgetLimits): BudgetWindow[] {
  return [
    { name: 'hour', minutes: 60, limit: l.hour },
    { name: 'day', minutes: 24 * 60, limit: l.day },
  ];
}

export function loginWindows(l: LoginLimits): BudgetWindow[] {
  return [
    { name: '5m', minutes: 5, limit: l.fiveMinutes },
    { name: 'day', minutes: 24 * 60, limit: l.day },
  ];
}

const MINUTE = 60_000;

export type Grant = { ok: true } | { ok: false; retryAfterMs: number };

export interface BudgetUsage {
  /** Points spent in each window (by name) now. */
  used: Record<string, number>;
  limits: Record<string, number>;
}

export class BudgetLedger {
  /** minute index → points spent in that minute, kept for the longest window. */
  readonly #buckets: Map<number, number>;
  readonly #windows: readonly BudgetWindow[];
  readonly #longest: number;

  constructor(limits: BudgetLimits | readonly BudgetWindow[] = BLUESKY_LIMITS, buckets: Iterable<[number, number]> = []) {
    this.#windows = Array.isArray(limits) ? limits : writeWindows(limits as BudgetLimits);
    this.#buckets = new Map(buckets);
    this.#longest = Math.max(...this.#windows.map(span));
  }

  #sum(nowMinute: number, minutes: number): number {
    let s = 0;
    for (const [m, p] of this.#buckets) if (m > nowMinute - minutes) s += p;
    return s;
  }

  #prune(nowMinute: number): void {
    for (const m of this.#buckets.keys()) if (m <= nowMinute - this.#longest) this.#buckets.delete(m);
  }

  /** Spends `cost` points now if every window allows it; otherwise says how long to wait. */
  reserve(cost: number, nowMs: number): Grant {
    const now = Math.floor(nowMs / MINUTE);
    this.#prune(now);
    const wait = Math.max(...this.#windows.map((w) => this.#waitFor(now, span(w), w.limit, cost)));
    if (wait > 0) return { ok: false, retryAfterMs: wait * MINUTE - (nowMs % MINUTE) };
    this.#buckets.set(now, (this.#buckets.get(now) ?? 0) + cost);
    return { ok: true };
  }

  /** Minutes until enough old spending leaves the window for `cost` to fit (0: fits now). */
  #waitFor(now: number, minutes: number, limit: number, cost: number): number {
    if (cost > limit) return Number.POSITIVE_INFINITY;
    let excess = this.#sum(now, minutes) + cost - limit;
    if (excess <= 0) return 0;
    const spent = [...this.#buckets.keys()].filter((m) => m > now - minutes).sort((a, b) => a - b);
    for (const m of spent) {
      excess -= this.#buckets.get(m) ?? 0;
      if (excess <= 0) return m - (now - minutes);
    }
    return minutes;
  }

  usage(nowMs: number): BudgetUsage {
    const now = Math.floor(nowMs / MINUTE);
    const used: Record<string, number> = {};
    const limits: Record<string, number> = {};
    for (const w of this.#windows) {
      used[w.name] = this.#sum(now, span(w));
      limits[w.name] = w.limit;
    }
    return { used, limits };
  }

  toJSON(): Array<[number, number]> {
    return [...this.#buckets];
  }

  static fromJSON(json: unknown, limits: BudgetLimits | readonly BudgetWindow[] = BLUESKY_LIMITS): BudgetLedger {
    const valid = Array.isArray(json)
      ? json.filter((e): e is [number, number] => Array.isArray(e) && Number.isInteger(e[0]) && Number.isFinite(e[1]))
      : [];
    return new BudgetLedger(limits, valid);
  }
}

// One extra bucket on each window: a bucket is a whole minute, so the window must cover the
// partial minute at its start too.
function span(w: BudgetWindow): number {
  return w.minutes + 1;
}
