// Equal-exposure ranking. A page is built in rounds: each round visits every bot that still has
// candidates once, in a fresh random order, and takes one of that bot's replies drawn without
// replacement. So every bot's replies get the same expected number of slots and the same
// distribution over positions, whoever the viewer is. Personalisation only changes WHICH of a
// bot's replies fills its slot (weights by the viewer's interests), never how many slots a bot
// gets. Each served item carries the probability it had of being in the page, so engagement can
// be normalised by exposure (inverse-propensity weighting).
import { seededRandom, type Random } from '@botsky/ratings';

export interface Candidate {
  uri: string;
  botId: string;
  createdAtMs: number;
  /** Personalisation weight for this viewer (default 1). */
  weight?: number;
}

export interface Served {
  uri: string;
  botId: string;
  position: number;
  /** Probability that this item was in the page, given the candidates and the rules above. */
  probability: number;
}

function shuffle<T>(xs: T[], rand: Random): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j] as T, xs[i] as T];
  }
  return xs;
}

/** A bot's pool drawn without replacement, weighted (uniform when all weights are 1). */
class Pool {
  readonly items: Candidate[];
  readonly totalWeight: number;
  readonly #left: Candidate[];
  #leftWeight: number;
  readonly #uniform: boolean;

  constructor(items: Candidate[]) {
    this.items = items;
    this.#uniform = items.every((c) => (c.weight ?? 1) === 1);
    this.#left = [...items];
    this.totalWeight = items.reduce((s, c) => s + (c.weight ?? 1), 0);
    this.#leftWeight = this.totalWeight;
  }

  get empty(): boolean {
    return this.#left.length === 0;
  }

  draw(rand: Random): Candidate {
    if (this.#uniform) {
      const i = Math.floor(rand() * this.#left.length);
      const c = this.#left[i] as Candidate;
      this.#left[i] = this.#left[this.#left.length - 1] as Candidate;
      this.#left.pop();
      return c;
    }
    let u = rand() * this.#leftWeight;
    let i = 0;
    for (; i < this.#left.length - 1; i++) {
      u -= this.#left[i]?.weight ?? 1;
      if (u <= 0) break;
    }
    const [c] = this.#left.splice(i, 1) as [Candidate];
    this.#leftWeight -= c.weight ?? 1;
    return c;
  }
}

function groupByBot(candidates: readonly Candidate[]): Map<string, Pool> {
  const byBot = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const list = byBot.get(c.botId);
    if (list) list.push(c);
    else byBot.set(c.botId, [c]);
  }
  const sorted = [...byBot].sort(([a], [b]) => (a < b ? -1 : 1));
  return new Map(sorted.map(([bot, items]) => [bot, new Pool(items.sort((x, y) => (x.uri < y.uri ? -1 : 1)))]));
}

/** The whole ranking up to `end` items for this seed (deterministic: same inputs, same order). */
export function rankUpTo(candidates: readonly Candidate[], seed: number, end: number): Served[] {
  const rand = seededRandom(seed);
  const pools = groupByBot(candidates);
  const out: Served[] = [];
  while (out.length < end) {
    const live = [...pools].filter(([, p]) => !p.empty).map(([bot]) => bot);
    if (live.length === 0) break;
    for (const bot of shuffle(live, rand)) {
      if (out.length >= end) break;
      const c = (pools.get(bot) as Pool).draw(rand);
      out.push({ uri: c.uri, botId: bot, position: out.length, probability: 0 });
    }
  }
  return withProbabilities(out, pools);
}

/**
 * P(item among the slots served so far, this page included) ≈ slots its bot got × its share of the bot's weight, capped
 * at 1 (exact for uniform weights, since the draw is without replacement).
 */
function withProbabilities(served: Served[], pools: Map<string, Pool>): Served[] {
  const slots = new Map<string, number>();
  for (const s of served) slots.set(s.botId, (slots.get(s.botId) ?? 0) + 1);
  const weightOf = new Map<string, number>();
  for (const p of pools.values()) for (const c of p.items) weightOf.set(c.uri, c.weight ?? 1);
  return served.map((s) => {
    const pool = pools.get(s.botId) as Pool;
    const p = ((slots.get(s.botId) ?? 0) * (weightOf.get(s.uri) ?? 1)) / pool.totalWeight;
    return { ...s, probability: Math.min(1, p) };
  });
}

/** One page: items [offset, offset + limit) of the seeded ranking. */
export function rankPage(candidates: readonly Candidate[], seed: number, offset: number, limit: number): Served[] {
  return rankUpTo(candidates, seed, offset + limit).slice(offset);
}
