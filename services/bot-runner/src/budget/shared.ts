// A budget shared by every replica (writes, logins): one ledger per account in KV, changed only
// by compare-and-set, so two replicas reserving at once can never both spend the last points.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KvStore } from '@botsky/bus';
import { BudgetLedger, type BudgetLimits, type BudgetUsage, type BudgetWindow, type Grant } from './ledger.ts';

export class BudgetStoreError extends Error {
  override readonly name = 'BudgetStoreError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const MAX_CAS_ATTEMPTS = 50;

export class SharedBudget {
  readonly #kv: KvStore;
  readonly #limits: BudgetLimits | readonly BudgetWindow[];
  readonly #now: () => number;
  readonly #prefix: string;
  /** Reservations of one account in this process go one at a time: CAS races only across replicas. */
  readonly #queues = new Map<string, Promise<unknown>>();

  /** `prefix` names the budget in the keys: `budget.<account>` (writes), `login.<account>`. */
  constructor(kv: KvStore, limits: BudgetLimits | readonly BudgetWindow[], now: () => number = Date.now, prefix = 'budget') {
    this.#kv = kv;
    this.#limits = limits;
    this.#now = now;
    this.#prefix = prefix;
  }

  #key(account: string): string {
    return `${this.#prefix}.${account}`;
  }

  /** Reserves `cost` points for `account` now, or says how long until they fit. */
  reserve(account: string, cost: number): Promise<Grant & { usage: BudgetUsage }> {
    const previous = this.#queues.get(account) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() => this.#reserve(account, cost));
    this.#queues.set(account, next);
    void next
      .catch(() => {})
      .then(() => {
        if (this.#queues.get(account) === next) this.#queues.delete(account);
      });
    return next;
  }

  async #reserve(account: string, cost: number): Promise<Grant & { usage: BudgetUsage }> {
    for (let i = 0; i < MAX_CAS_ATTEMPTS; i++) {
      // After a lost race, wait a little (jittered) so the replicas do not collide again in step.
      if (i > 0) await sleep(Math.random() * Math.min(50, 5 * i));
      const entry = await this.#kv.get(this.#key(account));
      const ledger = BudgetLedger.fromJSON(entry ? parse(entry.value) : [], this.#limits);
      const now = this.#now();
      const grant = ledger.reserve(cost, now);
      if (!grant.ok) return { ...grant, usage: ledger.usage(now) };
      const written = await this.#kv.update(this.#key(account), encode(ledger), entry?.revision ?? 0);
      if (written) return { ...grant, usage: ledger.usage(now) };
    }
    throw new BudgetStoreError(`${this.#prefix} budget of ${account}: ${MAX_CAS_ATTEMPTS} compare-and-set attempts lost to other replicas`);
  }

  async usage(account: string): Promise<BudgetUsage> {
    const entry = await this.#kv.get(this.#key(account));
    return BudgetLedger.fromJSON(entry ? parse(entry.value) : [], this.#limits).usage(this.#now());
  }
}

const encode = (ledger: BudgetLedger) => new TextEncoder().encode(JSON.stringify(ledger));

function parse(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    // A garbled ledger starts over empty rather than blocking the account forever.
    return [];
  }
}
