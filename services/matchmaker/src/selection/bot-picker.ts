// Chooses which bot answers a post: at random, but balanced so that every bot gets a fair share
// (the least-assigned eligible bots are preferred), and with a configured probability two
// different bots answer the same post (a battle).
import type { Random } from '@botsky/ratings';

export interface BotPick {
  bots: string[];
  battle: boolean;
}

export class BotPicker {
  readonly #assigned = new Map<string, number>();
  readonly #battleRate: number;
  readonly #rand: Random;

  constructor(bots: readonly string[], battleRate: number, rand: Random) {
    for (const b of bots) this.#assigned.set(b, 0);
    this.#battleRate = battleRate;
    this.#rand = rand;
  }

  /**
   * Follows a changed roster: a new bot starts at the current minimum count (so it is not flooded
   * to catch up), a removed bot is forgotten.
   */
  sync(bots: readonly string[]): void {
    const keep = new Set(bots);
    for (const b of [...this.#assigned.keys()]) if (!keep.has(b)) this.#assigned.delete(b);
    const floor = this.#assigned.size === 0 ? 0 : Math.min(...this.#assigned.values());
    for (const b of bots) if (!this.#assigned.has(b)) this.#assigned.set(b, floor);
  }

  /** Picks one or two bots among those not excluded (for example blocked by the author). */
  pick(excluded: ReadonlySet<string> = new Set()): BotPick {
    const eligible = [...this.#assigned.keys()].filter((b) => !excluded.has(b));
    if (eligible.length === 0) return { bots: [], battle: false };
    const first = this.#leastAssigned(eligible);
    const battle = eligible.length > 1 && this.#rand() < this.#battleRate;
    const bots = battle ? [first, this.#leastAssigned(eligible.filter((b) => b !== first))] : [first];
    for (const b of bots) this.#assigned.set(b, (this.#assigned.get(b) ?? 0) + 1);
    return { bots, battle };
  }

  #leastAssigned(candidates: readonly string[]): string {
    let min = Number.POSITIVE_INFINITY;
    let ties: string[] = [];
    for (const b of candidates) {
      const n = this.#assigned.get(b) ?? 0;
      if (n < min) {
        min = n;
        ties = [b];
      } else if (n === min) ties.push(b);
    }
    return ties[Math.floor(this.#rand() * ties.length)] as string;
  }

  assignments(): ReadonlyMap<string, number> {
    return this.#assigned;
  }
}
