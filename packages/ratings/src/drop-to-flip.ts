// How robust is a leaderboard's order? The fewest battles (or people) whose removal reverses it,
// after Broderick, Giordano and Meager ("An automatic finite-sample robustness metric", 2020)
// and Huang et al. (2025), who found that dropping a handful of Chatbot Arena's votes changes
// its top model.
//
// Targets: the top rank (the best bot by point estimate against the runner-up) and every
// confidently ordered pair (upper's 95% interval entirely above lower's). A target is reversed
// when upper's point rating is no longer above lower's (≤); intervals merely starting to overlap
// do not count. A bot that disappears from the fit (all its battles dropped) is no longer above.
//
// Search, per target: score every unit by how much removing it alone lowers the target's gap.
// For battles that is the first-order (influence-function) effect under the pair-count
// Bradley–Terry model: with H the information matrix at the fitted log-strengths and
// u = H⁻¹(e_upper − e_lower), removing battle t (weight w, outcome y, predicted p) lowers the gap
// by w·(y − p)·(u_a − u_b). So the units that favour upper over lower (its wins, lower's losses,
// and battles against third bots that move either) come first. For people it is exact: one refit
// without each person. Units that would not lower the gap are never dropped. Then the units are
// removed greedily in that order, and the smallest k whose removal reverses the target is found
// by exact refits with `fit`: exponential search then bisection over k, O(log k) refits. The
// answer is the minimum over targets. The greedy order makes it an upper bound on the true
// minimum (which is combinatorial); it is exact when the units are exchangeable, e.g. one pair.
import { bradleyTerry, botsOf, type RatedBot } from './bradley-terry.ts';
import { scoreOf, type Battle } from './elo.ts';
import { choleskyJittered, choleskySolve } from './linear-algebra.ts';

export interface FlipTarget {
  upper: string;
  lower: string;
  kind: 'top' | 'confident';
}

export interface DropResult {
  /** The fewest units found whose removal reverses a target; null when none within maxDrop. */
  drop: number | null;
  target: FlipTarget | null;
  /** The exact refits the search ran (besides the fit of all the units). */
  searched: number;
}

export interface DropOptions {
  /** The most units to drop (default: 20% of them, rounded down). */
  maxDrop?: number;
  /**
   * People only: refit without each of the first this many people (the caller lists the most
   * influential first) to order them; the rest are not candidates. Default: everyone. A refit per
   * person costs a fit each, which a large population cannot afford every scoring interval.
   */
  screen?: number;
}

/** The top rank (best bot vs runner-up by point estimate) and every confidently ordered pair (non-overlapping 95% intervals). */
export function flipTargets(rated: readonly RatedBot[]): FlipTarget[] {
  if (rated.length < 2) return [];
  const order = [...rated].sort((x, y) => y.rating - x.rating || (x.bot < y.bot ? -1 : 1));
  const targets: FlipTarget[] = [{ upper: (order[0] as RatedBot).bot, lower: (order[1] as RatedBot).bot, kind: 'top' }];
  for (const u of order) for (const l of order) if (u.ci95[0] > l.ci95[1]) targets.push({ upper: u.bot, lower: l.bot, kind: 'confident' });
  return targets;
}

function gapOf(rated: readonly RatedBot[], t: FlipTarget): number {
  const up = rated.find((r) => r.bot === t.upper);
  const low = rated.find((r) => r.bot === t.lower);
  return up && low ? up.rating - low.rating : Number.NEGATIVE_INFINITY;
}

/** A target with its units in greedy order and the first-order guess of the k that reverses it. */
interface Plan {
  target: FlipTarget;
  order: number[];
  guess: number;
}

/** Each target once (the top pair can also be a confident one), most fragile first by the guess. */
function plansOf(targets: readonly FlipTarget[], plan: (t: FlipTarget) => Plan): Plan[] {
  const seen = new Set<string>();
  const plans: Plan[] = [];
  for (const t of targets) {
    const key = JSON.stringify([t.upper, t.lower]);
    if (seen.has(key)) continue;
    seen.add(key);
    plans.push(plan(t));
  }
  return plans.sort((x, y) => x.guess - y.guess);
}

/** Units with a positive score, largest first, and how many of them the scores say reverse `gap`. */
function greedyOrder(scores: Float64Array, gap: number): { order: number[]; guess: number } {
  const order: number[] = [];
  for (const [i, s] of scores.entries()) if (s > 0) order.push(i);
  order.sort((x, y) => (scores[y] as number) - (scores[x] as number) || x - y);
  let sum = 0;
  let guess = Number.POSITIVE_INFINITY;
  for (let k = 0; k < order.length; k++) {
    sum += scores[order[k] as number] as number;
    if (sum >= gap) {
      guess = k + 1;
      break;
    }
  }
  return { order, guess };
}

/**
 * The smallest k in [1, limit] for which `flips(k)`, assuming that once dropping k units reverses
 * the target dropping more (further down the same order) does too: one refit at the limit, then
 * exponential search and bisection.
 */
function smallestFlip(limit: number, flips: (k: number) => boolean): number | null {
  if (limit < 1 || !flips(limit)) return null;
  let lo = 0;
  let hi = limit;
  for (let k = 1; k < limit; k *= 2) {
    if (flips(k)) {
      hi = k;
      break;
    }
    lo = k;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (flips(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The minimum over the plans, each searched only below the best found so far. */
function searchPlans(
  base: readonly RatedBot[],
  plans: readonly Plan[],
  maxDrop: number,
  refit: (units: readonly number[]) => readonly RatedBot[],
): DropResult {
  let best: DropResult = { drop: null, target: null, searched: 0 };
  for (const p of plans) if (gapOf(base, p.target) <= 0) return { drop: 0, target: p.target, searched: 0 };
  let searched = 0;
  for (const p of plans) {
    const bound = best.drop === null ? maxDrop : best.drop - 1;
    const limit = Math.min(bound, p.order.length);
    const k = smallestFlip(limit, (k) => {
      searched++;
      return gapOf(refit(p.order.slice(0, k)), p.target) <= 0;
    });
    if (k !== null) best = { drop: k, target: p.target, searched: 0 };
  }
  return { ...best, searched };
}

/** Log-strengths of the pair-count fit and its information matrix with bot 0 fixed, factored. */
function influenceBasis(battles: readonly Battle[]): { index: Map<string, number>; beta: Float64Array; chol: Float64Array; n: number } {
  const bots = botsOf(battles);
  const n = bots.length;
  const fitted = bradleyTerry(battles);
  const beta = Float64Array.from(bots, (b) => (((fitted.get(b) as number) - 1000) * Math.LN10) / 400);
  const index = new Map(bots.map((b, i) => [b, i]));
  const full = new Float64Array(n * n);
  for (const b of battles) {
    const i = index.get(b.a) as number;
    const j = index.get(b.b) as number;
    const p = 1 / (1 + Math.exp((beta[j] as number) - (beta[i] as number)));
    const h = (b.weight ?? 1) * p * (1 - p);
    full[i * n + i] = (full[i * n + i] as number) + h;
    full[j * n + j] = (full[j * n + j] as number) + h;
    full[i * n + j] = (full[i * n + j] as number) - h;
    full[j * n + i] = (full[j * n + i] as number) - h;
  }
  // Bot 0's log-strength is fixed, as the gaps do not depend on where the scale starts.
  const info = new Float64Array(Math.max(0, (n - 1) * (n - 1)));
  for (let i = 1; i < n; i++) for (let j = 1; j < n; j++) info[(i - 1) * (n - 1) + j - 1] = full[i * n + j] as number;
  return { index, beta, chol: choleskyJittered(info, n - 1), n };
}

/**
 * Fewest battles whose removal reverses some target: upper's rating no longer above lower's. For
 * a confident pair too only the point order reversing counts; the intervals coming to overlap is
 * not enough. null when none flips within maxDrop (default: 20% of the battles).
 */
export function dropBattlesToFlip<B extends Battle>(
  battles: readonly B[],
  fit: (battles: readonly B[]) => RatedBot[],
  opts: DropOptions = {},
): DropResult {
  if (battles.length === 0) return { drop: null, target: null, searched: 0 };
  const base = fit(battles);
  const maxDrop = opts.maxDrop ?? Math.floor(0.2 * battles.length);
  const { index, beta, chol, n } = influenceBasis(battles);
  const plan = (target: FlipTarget): Plan => {
    const c = new Float64Array(n - 1);
    const up = index.get(target.upper) ?? 0;
    const low = index.get(target.lower) ?? 0;
    if (up > 0) c[up - 1] = 1;
    if (low > 0) c[low - 1] = (c[low - 1] as number) - 1;
    const u = Float64Array.of(0, ...choleskySolve(chol, n - 1, c));
    const scores = Float64Array.from(battles, (b) => {
      const i = index.get(b.a) as number;
      const j = index.get(b.b) as number;
      const p = 1 / (1 + Math.exp((beta[j] as number) - (beta[i] as number)));
      return (b.weight ?? 1) * (scoreOf(b.winner) - p) * ((u[i] as number) - (u[j] as number));
    });
    return { target, ...greedyOrder(scores, (beta[up] as number) - (beta[low] as number)) };
  };
  const refit = (units: readonly number[]) => {
    const dropped = new Uint8Array(battles.length);
    for (const t of units) dropped[t] = 1;
    return fit(battles.filter((_, t) => dropped[t] === 0));
  };
  return searchPlans(base, plansOf(flipTargets(base), plan), maxDrop, refit);
}

/**
 * Same over people: `without(dropped)` returns the battles as decided without those people's
 * actions. `searched` includes the one refit without each person that orders them.
 */
export function dropPeopleToFlip<B extends Battle>(
  people: readonly string[],
  without: (dropped: ReadonlySet<string>) => readonly B[],
  fit: (battles: readonly B[]) => RatedBot[],
  opts: DropOptions = {},
): DropResult {
  const base = fit(without(new Set()));
  const maxDrop = opts.maxDrop ?? Math.floor(0.2 * people.length);
  const targets = flipTargets(base);
  if (targets.length === 0) return { drop: null, target: null, searched: 0 };
  // One refit without each screened person serves every target.
  const screened = people.slice(0, opts.screen ?? people.length);
  const alone = screened.map((p) => fit(without(new Set([p]))));
  const plan = (target: FlipTarget): Plan => {
    const gap = gapOf(base, target);
    const scores = Float64Array.from(alone, (rated) => gap - gapOf(rated, target));
    return { target, ...greedyOrder(scores, gap) };
  };
  const refit = (units: readonly number[]) => fit(without(new Set(units.map((i) => people[i] as string))));
  const result = searchPlans(base, plansOf(targets, plan), maxDrop, refit);
  return { ...result, searched: result.searched + screened.length };
}
