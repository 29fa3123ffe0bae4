// Equal-exposure ranking. A page is built in rounds: each round visits every bot that still has
// candidates once, in a fresh random order, and takes one of that bot's replies drawn without
// replacement. So every bot's replies get the same expected number of slots and the same
// distribution over positions, whoever the viewer is. Personalisation only changes WHICH of a
// bot's replies fills its slot (weights by the viewer's interests), never how many slots a bot
// gets. Each served item carries the probability it had of being in the page, so engagement can
// be normalised by exposure (inverse-propensity weighting).
//
// Grouping and sorting the candidates is done once per snapshot (`buildSnapshot`); a request
// only walks `offset + limit` draws, so serving costs O(page depth), not O(candidates).
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

/** One bot's replies, sorted by URI so a seed always means the same order. */
export interface BotPool {
  readonly botId: string;
  readonly items: readonly Candidate[];
  readonly totalWeight: number;
  readonly uniform: boolean;
}

/** The candidates of one snapshot, grouped by bot (sorted by bot id): built once, ranked many times. */
export interface RankSnapshot {
  readonly pools: readonly BotPool[];
  readonly size: number;
}

/** Personal weights for one viewer: uri → weight (absent means 1). */
export type PersonalWeights = ReadonlyMap<string, number>;

function pool(botId: string, items: readonly Candidate[], weightOf: (c: Candidate) => number): BotPool {
  let total = 0;
  let uniform = true;
  for (const c of items) {
    const w = weightOf(c);
    total += w;
    if (w !== 1) uniform = false;
  }
  return { botId, items, totalWeight: total, uniform };
}

export function buildSnapshot(candidates: readonly Candidate[]): RankSnapshot {
  const byBot = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const list = byBot.get(c.botId);
    if (list) list.push(c);
    else byBot.set(c.botId, [c]);
  }
  const bots = [...byBot.keys()].sort();
  const pools = bots.map((bot) => {
    const items = (byBot.get(bot) as Candidate[]).sort((x, y) => (x.uri < y.uri ? -1 : x.uri > y.uri ? 1 : 0));
    return pool(bot, items, (c) => c.weight ?? 1);
  });
  return { pools, size: candidates.length };
}

/** A pool being drawn from without replacement; the uniform case never copies the items. */
class Draw {
  readonly #pool: BotPool;
  readonly #weightOf: (c: Candidate) => number;
  // Sparse Fisher–Yates: index → the item moved there, so a draw costs O(1) and no copy.
  readonly #moved = new Map<number, Candidate>();
  #left: number;
  #leftWeight: number;
  #weighted: Candidate[] | undefined;

  constructor(p: BotPool, weightOf: (c: Candidate) => number) {
    this.#pool = p;
    this.#weightOf = weightOf;
    this.#left = p.items.length;
    this.#leftWeight = p.totalWeight;
  }

  get empty(): boolean {
    return this.#left === 0;
  }

  draw(rand: Random): Candidate {
    return this.#pool.uniform ? this.#drawUniform(rand) : this.#drawWeighted(rand);
  }

  #at(i: number): Candidate {
    return this.#moved.get(i) ?? (this.#pool.items[i] as Candidate);
  }

  #drawUniform(rand: Random): Candidate {
    const i = Math.floor(rand() * this.#left);
    const c = this.#at(i);
    this.#moved.set(i, this.#at(this.#left - 1));
    this.#left--;
    return c;
  }

  #drawWeighted(rand: Random): Candidate {
    this.#weighted ??= [...this.#pool.items];
    const left = this.#weighted;
    let u = rand() * this.#leftWeight;
    let i = 0;
    for (; i < left.length - 1; i++) {
      u -= this.#weightOf(left[i] as Candidate);
      if (u <= 0) break;
    }
    const [c] = left.splice(i, 1) as [Candidate];
    this.#leftWeight -= this.#weightOf(c);
    this.#left--;
    return c;
  }
}

function shuffle<T>(xs: T[], rand: Random): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j] as T, xs[i] as T];
  }
  return xs;
}

/** The snapshot's pools with this viewer's weights applied (only the pools they touch change). */
function personalise(
  snapshot: RankSnapshot,
  personal: PersonalWeights | undefined,
): { pools: BotPool[]; weightOf: (c: Candidate) => number } {
  const base = (c: Candidate) => c.weight ?? 1;
  if (!personal || personal.size === 0) return { pools: [...snapshot.pools], weightOf: base };
  const weightOf = (c: Candidate) => personal.get(c.uri) ?? base(c);
  const pools = snapshot.pools.map((p) => (p.items.some((c) => personal.has(c.uri)) ? pool(p.botId, p.items, weightOf) : p));
  return { pools, weightOf };
}

/** The ranking of a snapshot up to `end` items for this seed (same inputs, same order). */
export function rankSnapshot(snapshot: RankSnapshot, seed: number, end: number, personal?: PersonalWeights): Served[] {
  const rand = seededRandom(seed);
  const { pools, weightOf } = personalise(snapshot, personal);
  const draws = pools.map((p) => new Draw(p, weightOf));
  const out: Served[] = [];
  const slots = new Array<number>(pools.length).fill(0);
  const picked: Array<{ c: Candidate; pool: number }> = [];
  while (out.length < end) {
    const live: number[] = [];
    for (let i = 0; i < draws.length; i++) if (!(draws[i] as Draw).empty) live.push(i);
    if (live.length === 0) break;
    for (const i of shuffle(live, rand)) {
      if (out.length >= end) break;
      const c = (draws[i] as Draw).draw(rand);
      slots[i] = (slots[i] as number) + 1;
      picked.push({ c, pool: i });
      out.push({ uri: c.uri, botId: c.botId, position: out.length, probability: 0 });
    }
  }
  // P(item among the slots served so far, this page included) ≈ slots its bot got × its share of
  // the bot's weight, capped at 1 (exact for uniform weights: the draw is without replacement).
  for (let k = 0; k < out.length; k++) {
    const { c, pool: i } = picked[k] as { c: Candidate; pool: number };
    const p = ((slots[i] as number) * weightOf(c)) / (pools[i] as BotPool).totalWeight;
    (out[k] as Served).probability = Math.min(1, p);
  }
  return out;
}

/** The whole ranking up to `end` items for this seed (deterministic: same inputs, same order). */
export function rankUpTo(candidates: readonly Candidate[], seed: number, end: number): Served[] {
  return rankSnapshot(buildSnapshot(candidates), seed, end);
}

/** One page: items [offset, offset + limit) of the seeded ranking. */
export function rankPage(candidates: readonly Candidate[], seed: number, offset: number, limit: number): Served[] {
  return rankUpTo(candidates, seed, offset + limit).slice(offset);
}

/** One page of a prebuilt snapshot. */
export function rankSnapshotPage(
  snapshot: RankSnapshot,
  seed: number,
  offset: number,
  limit: number,
  personal?: PersonalWeights,
): Served[] {
  return rankSnapshot(snapshot, seed, offset + limit, personal).slice(offset);
}
