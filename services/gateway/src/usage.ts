// Each key's usage, shared by every gateway replica: one ledger per key in KV
// (KV_BUCKETS.gatewayUsage), changed only by compare-and-set. A request first *holds* the most it
// could cost (its prompt's upper bound in tokens plus its max_tokens, at the model's prices); the
// hold counts against the key's tokens a day and spend cap until the request settles, when it is
// replaced by what the upstream reported. So replicas reserving at once can never spend past a
// cap: a request that could cross it is refused before it is sent upstream.
//
// Holds are kept per replica and expiry minute (a count and sums, not one entry per request), so a
// ledger stays small however many requests are in flight; a hold a crashed replica never settled
// expires with its minute (it stays counted until then: the safe side). Within a replica, the
// changes waiting for one key's ledger are applied together, in order, in one compare-and-set
// (a group commit): under load a key costs a round trip per batch, not per request.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KvStore } from '@botsky/bus';
import type { KeyLimits } from './keys.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const MAX_CAS_ATTEMPTS = 100;

/** One replica's holds that expire in one minute. */
interface HoldGroup {
  replica: string;
  /** Epoch minute after which the group no longer counts. */
  until: number;
  /** The day (epoch days) the tokens were held in. */
  day: number;
  count: number;
  tokens: number;
  usd: number;
}

interface Ledger {
  minute: number;
  requests: number;
  day: number;
  tokens: number;
  spentUsd: number;
  holds: HoldGroup[];
}

/** A request's hold: which group it went into, and how much. */
export interface Hold {
  until: number;
  day: number;
  tokens: number;
  usd: number;
}

export interface UsageView {
  requestsThisMinute: number;
  tokensToday: number;
  spentUsd: number;
  heldUsd: number;
  heldTokens: number;
}

export type Refusal = {
  ok: false;
  limit: 'requests_per_minute' | 'tokens_per_day' | 'spend_cap';
  retryAfterS: number | undefined;
  message: string;
};
export type Reservation = { ok: true; hold: Hold };

const empty = (now: number): Ledger => ({
  minute: Math.floor(now / MINUTE_MS),
  requests: 0,
  day: Math.floor(now / DAY_MS),
  tokens: 0,
  spentUsd: 0,
  holds: [],
});

/** The ledger as of `now`: windows rolled, expired holds dropped. */
function current(l: Ledger, now: number): Ledger {
  const minute = Math.floor(now / MINUTE_MS);
  const day = Math.floor(now / DAY_MS);
  return {
    minute,
    requests: l.minute === minute ? l.requests : 0,
    day,
    tokens: l.day === day ? l.tokens : 0,
    spentUsd: l.spentUsd,
    holds: l.holds.filter((h) => h.until >= minute && h.count > 0),
  };
}

const heldTokens = (l: Ledger) => l.holds.reduce((n, h) => n + (h.day === l.day ? h.tokens : 0), 0);
const heldUsd = (l: Ledger) => l.holds.reduce((n, h) => n + h.usd, 0);

/** One change to a ledger, applied in place; its result resolves the caller once the ledger is written. */
type Change = (l: Ledger, now: number) => unknown;

interface Pending {
  change: Change;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class UsageLedgers {
  readonly #kv: KvStore;
  readonly #now: () => number;
  readonly #holdMinutes: number;
  readonly #replica = randomUUID();
  readonly #pending = new Map<string, Pending[]>();
  readonly #flushing = new Set<string>();

  /** `holdMs`: how long an unsettled hold counts (longer than the upstream timeout). */
  constructor(kv: KvStore, o: { holdMs: number; now?: () => number }) {
    this.#kv = kv;
    this.#holdMinutes = Math.ceil(o.holdMs / MINUTE_MS);
    this.#now = o.now ?? Date.now;
  }

  /** Holds `tokens` and `usd` for one request of `keyId`, or says which limit refuses it. */
  reserve(keyId: string, limits: KeyLimits, want: { tokens: number; usd: number }): Promise<Reservation | Refusal> {
    return this.#apply(keyId, (l, now): Reservation | Refusal => {
      if (l.requests + 1 > limits.requestsPerMinute) {
        const retry = Math.max(1, Math.ceil(((l.minute + 1) * MINUTE_MS - now) / 1000));
        return {
          ok: false,
          limit: 'requests_per_minute',
          retryAfterS: retry,
          message: `this key's limit of ${limits.requestsPerMinute} requests a minute is reached`,
        };
      }
      if (l.tokens + heldTokens(l) + want.tokens > limits.tokensPerDay) {
        const retry = Math.max(1, Math.ceil(((l.day + 1) * DAY_MS - now) / 1000));
        const left = Math.max(0, limits.tokensPerDay - l.tokens - heldTokens(l));
        return {
          ok: false,
          limit: 'tokens_per_day',
          retryAfterS: retry,
          message: `this request could use ${want.tokens} tokens; ${left} of this key's ${limits.tokensPerDay} a day are left (lower max_tokens or wait)`,
        };
      }
      if (l.spentUsd + heldUsd(l) + want.usd > limits.spendCapUsd + 1e-12) {
        return {
          ok: false,
          limit: 'spend_cap',
          retryAfterS: undefined,
          message: `this request could cost $${want.usd.toFixed(6)}, past this key's spend cap of $${limits.spendCapUsd}`,
        };
      }
      const hold: Hold = { until: l.minute + this.#holdMinutes, day: l.day, tokens: want.tokens, usd: want.usd };
      l.requests += 1;
      const group = l.holds.find((g) => g.replica === this.#replica && g.until === hold.until && g.day === hold.day);
      if (group) {
        group.count += 1;
        group.tokens += hold.tokens;
        group.usd += hold.usd;
      } else l.holds.push({ replica: this.#replica, until: hold.until, day: hold.day, count: 1, tokens: hold.tokens, usd: hold.usd });
      return { ok: true, hold };
    }) as Promise<Reservation | Refusal>;
  }

  /** Replaces the hold by what the request used (the upstream's usage; the hold itself when it reported none); resolves with the key's spend after it. */
  settle(keyId: string, hold: Hold, used: { tokens: number; usd: number }): Promise<{ spentUsd: number }> {
    return this.#apply(keyId, (l) => {
      l.tokens += used.tokens;
      l.spentUsd += used.usd;
      const group = l.holds.find((g) => g.replica === this.#replica && g.until === hold.until && g.day === hold.day);
      // Gone: the hold expired first (it no longer counts), nothing to release.
      if (group) {
        group.count -= 1;
        group.tokens = group.count === 0 ? 0 : Math.max(0, group.tokens - hold.tokens);
        group.usd = group.count === 0 ? 0 : Math.max(0, group.usd - hold.usd);
        if (group.count === 0) l.holds.splice(l.holds.indexOf(group), 1);
      }
      return { spentUsd: l.spentUsd };
    }) as Promise<{ spentUsd: number }>;
  }

  async usage(keyId: string): Promise<UsageView> {
    const entry = await this.#kv.get(keyId);
    const l = current(entry ? parse(entry.value) : empty(this.#now()), this.#now());
    return { requestsThisMinute: l.requests, tokensToday: l.tokens, spentUsd: l.spentUsd, heldUsd: heldUsd(l), heldTokens: heldTokens(l) };
  }

  #apply(keyId: string, change: Change): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const list = this.#pending.get(keyId) ?? [];
      list.push({ change, resolve, reject });
      this.#pending.set(keyId, list);
      if (!this.#flushing.has(keyId)) void this.#flush(keyId);
    });
  }

  /** Writes the waiting changes of one key, in batches, until none wait. */
  async #flush(keyId: string): Promise<void> {
    this.#flushing.add(keyId);
    try {
      for (;;) {
        const batch = this.#pending.get(keyId) ?? [];
        this.#pending.delete(keyId);
        if (batch.length === 0) return;
        try {
          const results = await this.#commit(keyId, batch);
          for (const [i, p] of batch.entries()) p.resolve(results[i]);
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.#flushing.delete(keyId);
    }
  }

  async #commit(keyId: string, batch: readonly Pending[]): Promise<unknown[]> {
    for (let i = 0; i < MAX_CAS_ATTEMPTS; i++) {
      // After a lost race, wait a little (jittered) so the replicas do not collide again in step.
      if (i > 0) await sleep(Math.random() * Math.min(20, 2 * i));
      const entry = await this.#kv.get(keyId);
      const now = this.#now();
      const ledger = current(entry ? parse(entry.value) : empty(now), now);
      const before = JSON.stringify(ledger);
      const results = batch.map((p) => p.change(ledger, now));
      const after = JSON.stringify(ledger);
      if (after === before) return results;
      if (await this.#kv.update(keyId, new TextEncoder().encode(after), entry?.revision ?? 0)) return results;
    }
    throw new Error(`usage of key ${keyId}: ${MAX_CAS_ATTEMPTS} compare-and-set attempts lost to other replicas`);
  }
}

function parse(bytes: Uint8Array): Ledger {
  try {
    const l = JSON.parse(new TextDecoder().decode(bytes)) as Ledger;
    if (Array.isArray(l.holds) && Number.isFinite(l.spentUsd)) return l;
  } catch {
    // below
  }
  // A garbled ledger must not reopen a spent cap: it refuses everything until an operator looks.
  return { minute: 0, requests: 0, day: 0, tokens: 0, spentUsd: Number.POSITIVE_INFINITY, holds: [] };
}
