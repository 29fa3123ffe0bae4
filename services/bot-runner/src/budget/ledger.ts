// Write budgets: a Bluesky account may spend 5,000 points an hour and 35,000 a day (a create costs
// 3, an update 2, a delete 1). The ledger keeps an account's spending in one-minute buckets over
// the last day and grants a write only if it fits in EVERY sliding hour and day that contains
// it, which also keeps it inside the PDS's fixed windows, wherever they start. It is plain data
// (toJSON/fromJSON) so that replicas can share it through a compare-and-set store.

export const WRITE_COST = { create: 3, update: 2, delete: 1 } as const;

export interface BudgetLimits {
  hour: number;
  day: number;
}

export const BLUESKY_LIMITS: BudgetLimits = { hour: 5000, day: 35000 };

const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;
// One extra bucket on each window: a bucket is a whole minute, so the window must cover the
// partial minute at its start too.
const HOUR_SPAN = 61;
const DAY_SPAN = DAY_MINUTES + 1;

export type Grant = { ok: true } | { ok: false; retryAfterMs: number };

export interface BudgetUsage {
  hour: number;
  day: number;
  limits: BudgetLimits;
}

export class BudgetLedger {
  /** minute index → points spent in that minute, kept for the last day. */
  readonly #buckets: Map<number, number>;
  readonly #limits: BudgetLimits;

  constructor(limits: BudgetLimits = BLUESKY_LIMITS, buckets: Iterable<[number, number]> = []) {
    this.#limits = limits;
    this.#buckets = new Map(buckets);
  }

  #sum(nowMinute: number, span: number): number {
    let s = 0;
    for (const [m, p] of this.#buckets) if (m > nowMinute - span) s += p;
    return s;
  }

  #prune(nowMinute: number): void {
    for (const m of this.#buckets.keys()) if (m <= nowMinute - DAY_SPAN) this.#buckets.delete(m);
  }

  /** Spends `cost` points now if the budget allows it; otherwise says how long to wait. */
  reserve(cost: number, nowMs: number): Grant {
    const now = Math.floor(nowMs / MINUTE);
    this.#prune(now);
    const wait = Math.max(this.#waitFor(now, HOUR_SPAN, this.#limits.hour, cost), this.#waitFor(now, DAY_SPAN, this.#limits.day, cost));
    if (wait > 0) return { ok: false, retryAfterMs: wait * MINUTE - (nowMs % MINUTE) };
    this.#buckets.set(now, (this.#buckets.get(now) ?? 0) + cost);
    return { ok: true };
  }

  /** Minutes until enough old spending leaves the window for `cost` to fit (0: fits now). */
  #waitFor(now: number, span: number, limit: number, cost: number): number {
    if (cost > limit) return Number.POSITIVE_INFINITY;
    let excess = this.#sum(now, span) + cost - limit;
    if (excess <= 0) return 0;
    const minutes = [...this.#buckets.keys()].filter((m) => m > now - span).sort((a, b) => a - b);
    for (const m of minutes) {
      excess -= this.#buckets.get(m) ?? 0;
      if (excess <= 0) return m - (now - span);
    }
    return span;
  }

  usage(nowMs: number): BudgetUsage {
    const now = Math.floor(nowMs / MINUTE);
    return { hour: this.#sum(now, HOUR_SPAN), day: this.#sum(now, DAY_SPAN), limits: this.#limits };
  }

  toJSON(): Array<[number, number]> {
    return [...this.#buckets];
  }

  static fromJSON(json: unknown, limits: BudgetLimits = BLUESKY_LIMITS): BudgetLedger {
    const valid = Array.isArray(json) ? json.filter((e): e is [number, number] => Array.isArray(e) && Number.isInteger(e[0]) && Number.isFinite(e[1])) : [];
    return new BudgetLedger(limits, valid);
  }
}
