// Battles whose outcomes follow the style-control model exactly, for the style tests: each bot
// has a planted log-strength and its own typical reply length and latency (so style is
// correlated with bot identity) with variation from reply to reply (so it can be told apart).
import { featureDifference, normal, type Random, type ReplyStyle, type StyledBattle, type Winner } from '../src/index.ts';

export interface PlantedBot {
  beta: number;
  /** Typical reply length in graphemes and latency in seconds. */
  graphemes: number;
  latency: number;
}

/** Planted effects per unit of the raw (unstandardised) covariate. */
export interface PlantedStyle {
  length: number;
  latency: number;
}

export function replyOf(bot: PlantedBot, rand: Random): ReplyStyle {
  return {
    graphemes: Math.max(1, Math.round(bot.graphemes * Math.exp(0.5 * normal(rand)))),
    questions: rand() < 0.4 ? 1 : 0,
    emoji: rand() < 0.3 ? 1 : 0,
    links: 0,
    mentions: 0,
    latencySeconds: bot.latency * Math.exp(0.7 * normal(rand)),
  };
}

/** The raw log-odds that a beats b. */
export function logOdds(
  bots: ReadonlyMap<string, PlantedBot>,
  gamma: PlantedStyle,
  b: { a: string; b: string; styleA: ReplyStyle; styleB: ReplyStyle },
): number {
  const diff = (bots.get(b.a) as PlantedBot).beta - (bots.get(b.b) as PlantedBot).beta;
  return (
    diff + gamma.length * featureDifference('length', b.styleA, b.styleB) + gamma.latency * featureDifference('latency', b.styleA, b.styleB)
  );
}

/**
 * Outcomes with E[y] = σ(log-odds): with `ties` > 0 a share of the battles are ties, taken from
 * both sides so that the mean outcome is still the model's probability.
 */
function outcome(p: number, ties: number, rand: Random): Winner {
  const tie = Math.min(ties, 2 * p, 2 * (1 - p));
  const u = rand();
  if (u < tie) return 'tie';
  const q = (p - tie / 2) / (1 - tie);
  return rand() < q ? 'a' : 'b';
}

export function simulateStyled(
  bots: ReadonlyMap<string, PlantedBot>,
  gamma: PlantedStyle,
  n: number,
  rand: Random,
  ties = 0,
): StyledBattle[] {
  const names = [...bots.keys()];
  const out: StyledBattle[] = [];
  for (let t = 0; t < n; t++) {
    const i = Math.floor(rand() * names.length);
    let j = Math.floor(rand() * (names.length - 1));
    if (j >= i) j++;
    const a = names[i] as string;
    const b = names[j] as string;
    const battle = { a, b, styleA: replyOf(bots.get(a) as PlantedBot, rand), styleB: replyOf(bots.get(b) as PlantedBot, rand) };
    const p = 1 / (1 + Math.exp(-logOdds(bots, gamma, battle)));
    out.push({ ...battle, winner: outcome(p, ties, rand) });
  }
  return out;
}

/** Root mean square of a raw covariate over the battles: what turns a raw effect into a standardised one. */
export function rmsOf(battles: readonly StyledBattle[], feature: 'length' | 'latency'): number {
  let ss = 0;
  for (const b of battles) ss += featureDifference(feature, b.styleA, b.styleB) ** 2;
  return Math.sqrt(ss / battles.length);
}

export const ELO = 400 / Math.LN10;
