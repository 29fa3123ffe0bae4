// Chooses which bot answers a post: at random, but balanced so that every bot gets a fair share
// (the least-assigned eligible bots are preferred), and with a configured probability two
// different bots answer the same post (a battle). A battle's pair is drawn uniformly (the two
// least-assigned) or actively (among the balanced pairs, by how much the battle would tell about
// the ranking: pair-sampling.ts); either way the pick says how likely its pair was.
import type { Random } from '@botsky/ratings';
import {
  balanceSlack,
  drawPair,
  leastAssigned,
  pairDistribution,
  pairKey,
  type BattleSampling,
  type BotRatingView,
  type PairChance,
  type PairContext,
} from './pair-sampling.ts';

export type { BattleSampling, BotRatingView } from './pair-sampling.ts';

export interface BotPick {
  /** One bot, or two in a battle (slot A first; the order is a fair coin). */
  bots: string[];
  battle: boolean;
  /** In a battle, the probability of this pair given a battle and the counts then; else 0. */
  pairProbability: number;
  sampling: BattleSampling;
}

export interface BotPickerOptions {
  sampling?: BattleSampling;
}

export class BotPicker {
  readonly #assigned = new Map<string, number>();
  readonly #pairBattles = new Map<string, number>();
  #ratings: ReadonlyMap<string, BotRatingView> = new Map();
  readonly #battleRate: number;
  readonly #rand: Random;
  readonly #sampling: BattleSampling;

  constructor(bots: readonly string[], battleRate: number, rand: Random, opts: BotPickerOptions = {}) {
    for (const b of bots) this.#assigned.set(b, 0);
    this.#battleRate = battleRate;
    this.#rand = rand;
    this.#sampling = opts.sampling ?? 'uniform';
  }

  get sampling(): BattleSampling {
    return this.#sampling;
  }

  /** The bots' latest ratings (a copy is kept); bots missing from it count as not rated yet. */
  setRatings(ratings: ReadonlyMap<string, BotRatingView>): void {
    this.#ratings = new Map(ratings);
  }

  /**
   * Follows a changed roster: a new bot starts at the current minimum count (so it is not flooded
   * to catch up), a removed bot is forgotten.
   */
  sync(bots: readonly string[]): void {
    const keep = new Set(bots);
    for (const b of [...this.#assigned.keys()]) if (!keep.has(b)) this.#assigned.delete(b);
    for (const key of [...this.#pairBattles.keys()]) {
      if (!key.split('\u0000').every((b) => keep.has(b))) this.#pairBattles.delete(key);
    }
    const floor = this.#assigned.size === 0 ? 0 : Math.min(...this.#assigned.values());
    for (const b of bots) if (!this.#assigned.has(b)) this.#assigned.set(b, floor);
  }

  /**
   * Picks one or two bots among those not excluded (for example blocked by the author); one only
   * when `allowBattle` is false (the author has room for one more reply). The battle draw is made
   * either way, so the random stream does not depend on it.
   */
  pick(excluded: ReadonlySet<string> = new Set(), allowBattle = true): BotPick {
    const eligible = this.#eligible(excluded);
    const none = { bots: [], battle: false, pairProbability: 0, sampling: this.#sampling };
    if (eligible.length === 0) return none;
    const battle = eligible.length > 1 && this.#rand() < this.#battleRate;
    if (!(battle && allowBattle)) {
      const ties = leastAssigned(this.#assigned, eligible);
      const bot = ties[Math.floor(this.#rand() * ties.length)]!;
      this.#count(bot);
      return { ...none, bots: [bot] };
    }
    const drawn = drawPair(this.#distribution(eligible), this.#rand());
    const bots = this.#rand() < 0.5 ? [drawn.a, drawn.b] : [drawn.b, drawn.a];
    for (const b of bots) this.#count(b);
    const key = pairKey(drawn.a, drawn.b);
    this.#pairBattles.set(key, (this.#pairBattles.get(key) ?? 0) + 1);
    return { bots, battle: true, pairProbability: drawn.probability, sampling: this.#sampling };
  }

  /** The pairs a battle picked now could take, with their probabilities (they sum to 1). */
  pairProbabilities(excluded: ReadonlySet<string> = new Set()): PairChance[] {
    return this.#distribution(this.#eligible(excluded));
  }

  /** Battles this picker has given the pair, in either order. */
  pairBattles(a: string, b: string): number {
    return this.#pairBattles.get(pairKey(a, b)) ?? 0;
  }

  /** How far ahead of the least-assigned bot active sampling lets a battle take a bot. */
  slack(): number {
    const counts = [...this.#assigned.values()];
    return balanceSlack(counts.length === 0 ? 0 : counts.reduce((s, n) => s + n, 0) / counts.length);
  }

  assignments(): ReadonlyMap<string, number> {
    return this.#assigned;
  }

  #eligible(excluded: ReadonlySet<string>): string[] {
    return [...this.#assigned.keys()].filter((b) => !excluded.has(b));
  }

  #distribution(eligible: readonly string[]): PairChance[] {
    const ctx: PairContext = {
      counts: new Map(eligible.map((b) => [b, this.#assigned.get(b) ?? 0])),
      ratings: this.#ratings,
      pairBattles: (a, b) => this.pairBattles(a, b),
      slack: this.slack(),
    };
    return pairDistribution(this.#sampling, ctx);
  }

  #count(bot: string): void {
    this.#assigned.set(bot, (this.#assigned.get(bot) ?? 0) + 1);
  }
}
