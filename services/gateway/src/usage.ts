// Each key's usage, shared by every gateway replica: one ledger per key in KV
// (KV_BUCKETS.gatewayUsage), changed only by compare-and-set. A request first *holds* the most it
// could cost (its prompt's upper bound in tokens plus its max_tokens, at the model's prices); the
// hold counts against the key's tokens a day and spend cap until the request settles, when it is
// replaced by what the upstream reported. So replicas reserving at once can never spend past a
// cap: a request that could cross it is refused before it is sent upstream. A hold a crashed
// replica never settled expires (it stays counted until then: the safe side).
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KvStore } from '@botsky/bus';
import type { KeyLimits } from './keys.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const MAX_CAS_ATTEMPTS = 100;

interface Hold {
  id: string;
  tokens: number;
  usd: number;
  /** The day (epoch days) the tokens were held in. */
  day: number;
  expiresAt: number;
}

interface Ledger {
  minute: number;
  requests: number;
  day: number;
  tokens: number;
  spentUsd: number;
  holds: Hold[];
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
    holds: l.holds.filter((h) => h.expiresAt > now),
  };
}

const heldTokens = (l: Ledger) => l.holds.reduce((n, h) => n + (h.day === l.day ? h.tokens : 0), 0);
const heldUsd = (l: Ledger) => l.holds.reduce((n, h) => n + h.usd, 0);

export class UsageLedgers {
  readonly #kv: KvStore;
  readonly #now: () => number;
  readonly #holdMs: number;
  /** Changes to one key's ledger in this process go one at a time: CAS races only across replicas. */
  readonly #queues = new Map<string, Promise<unknown>>();

  /** `holdMs`: how long an unsettled hold counts (longer than the upstream timeout). */
  constructor(kv: KvStore, o: { holdMs: number; now?: () => number }) {
    this.#kv = kv;
    this.#holdMs = o.holdMs;
    this.#now = o.now ?? Date.now;
  }

  /** Holds `tokens` and `usd` for one request of `keyId`, or says which limit refuses it. */
  reserve(keyId: string, limits: KeyLimits, want: { tokens: number; usd: number }): Promise<Reservation | Refusal> {
    return this.#serial(keyId, () =>
      this.#mutate(keyId, (l, now): [Ledger, Reservation | Refusal] => {
        if (l.requests + 1 > limits.requestsPerMinute) {
          const retry = Math.max(1, Math.ceil(((l.minute + 1) * MINUTE_MS - now) / 1000));
          return [
            l,
            {
              ok: false,
              limit: 'requests_per_minute',
              retryAfterS: retry,
              message: `this key's limit of ${limits.requestsPerMinute} requests a minute is reached`,
            },
          ];
        }
        if (l.tokens + heldTokens(l) + want.tokens > limits.tokensPerDay) {
          const retry = Math.max(1, Math.ceil(((l.day + 1) * DAY_MS - now) / 1000));
          const left = Math.max(0, limits.tokensPerDay - l.tokens - heldTokens(l));
          return [
            l,
            {
              ok: false,
              limit: 'tokens_per_day',
              retryAfterS: retry,
              message: `this request could use ${want.tokens} tokens; ${left} of this key's ${limits.tokensPerDay} a day are left (lower max_tokens or wait)`,
            },
          ];
        }
        if (l.spentUsd + heldUsd(l) + want.usd > limits.spendCapUsd + 1e-12) {
          return [
            l,
            {
              ok: false,
              limit: 'spend_cap',
              retryAfterS: undefined,
              message: `this request could cost $${want.usd.toFixed(6)}, past this key's spend cap of $${limits.spendCapUsd}`,
            },
          ];
        }
        const hold: Hold = { id: randomUUID(), tokens: want.tokens, usd: want.usd, day: l.day, expiresAt: now + this.#holdMs };
        return [
          { ...l, requests: l.requests + 1, holds: [...l.holds, hold] },
          { ok: true, hold },
        ];
      }),
    );
  }

  /** Replaces the hold by what the request used (the upstream's usage; the hold itself when it reported none); resolves with the key's spend after it. */
  settle(keyId: string, hold: Hold, used: { tokens: number; usd: number }): Promise<{ spentUsd: number }> {
    return this.#serial(keyId, () =>
      this.#mutate(keyId, (l): [Ledger, { spentUsd: number }] => {
        const spentUsd = l.spentUsd + used.usd;
        return [{ ...l, tokens: l.tokens + used.tokens, spentUsd, holds: l.holds.filter((h) => h.id !== hold.id) }, { spentUsd }];
      }),
    );
  }

  async usage(keyId: string): Promise<UsageView> {
    const entry = await this.#kv.get(keyId);
    const l = current(entry ? parse(entry.value) : empty(this.#now()), this.#now());
    return { requestsThisMinute: l.requests, tokensToday: l.tokens, spentUsd: l.spentUsd, heldUsd: heldUsd(l), heldTokens: heldTokens(l) };
  }

  #serial<T>(keyId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(keyId) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(fn);
    this.#queues.set(keyId, next);
    void next
      .catch(() => {})
      .then(() => {
        if (this.#queues.get(keyId) === next) this.#queues.delete(keyId);
      });
    return next;
  }

  async #mutate<T>(keyId: string, change: (l: Ledger, now: number) => [Ledger, T]): Promise<T> {
    for (let i = 0; i < MAX_CAS_ATTEMPTS; i++) {
      if (i > 0) await sleep(Math.random() * Math.min(20, 2 * i));
      const entry = await this.#kv.get(keyId);
      const now = this.#now();
      const before = current(entry ? parse(entry.value) : empty(now), now);
      const [after, result] = change(before, now);
      if (after === before) return result;
      if (await this.#kv.update(keyId, new TextEncoder().encode(JSON.stringify(after)), entry?.revision ?? 0)) return result;
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
