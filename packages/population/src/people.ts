// Simulated people: interests, activity rhythms, online periods and consent, all drawn from a
// seed so that a run can be repeated exactly.
import { normal, seededRandom, type Random } from '@botsky/ratings';
import { TOPIC_NAMES, type Topic } from './vocabulary.ts';

export type Consent = 'in' | 'out';

export interface Person {
  index: number;
  /** Handle without the domain, e.g. `ana-0007`. */
  name: string;
  /** Topic → weight; a few topics, weights sum to 1. */
  interests: Map<Topic, number>;
  /** Mean posts per simulated hour; heavy-tailed across people, as on real networks. */
  postsPerHour: number;
  /** Online for `dutyCycle` of every `periodMin` simulated minutes, shifted by `phaseMin`. */
  rhythm: { periodMin: number; dutyCycle: number; phaseMin: number };
  /** Consent at the start of the run. */
  consent: Consent;
  /** Multiplies the chance of opting out (blocking a bot or replying "stop") after a bad reply. */
  optOutProneness: number;
  /** Multiplies the chance of replying at all. */
  chattiness: number;
}

export interface PopulationOptions {
  size: number;
  seed: number;
  /** Share of people opted in at the start (default 0.85). */
  optInShare?: number;
}

const FIRST_NAMES = [
  'ana',
  'ben',
  'chen',
  'dara',
  'eli',
  'fatima',
  'gus',
  'hana',
  'ivo',
  'jun',
  'kofi',
  'lena',
  'mo',
  'nia',
  'oskar',
  'priya',
  'quinn',
  'rafa',
  'sana',
  'tom',
  'uma',
  'vik',
  'wen',
  'xia',
  'yusuf',
  'zoe',
];

function pick<T>(xs: readonly T[], rand: Random): T {
  return xs[Math.floor(rand() * xs.length)] as T;
}

function drawInterests(rand: Random): Map<Topic, number> {
  const count = 1 + Math.floor(rand() * 3);
  const chosen = new Set<Topic>();
  while (chosen.size < count) chosen.add(pick(TOPIC_NAMES, rand));
  const raw = [...chosen].map((t) => [t, 0.2 + rand()] as const);
  const total = raw.reduce((s, [, w]) => s + w, 0);
  return new Map(raw.map(([t, w]) => [t, w / total]));
}

/** Log-normal activity: most people post rarely, a few post a lot. */
function drawActivity(rand: Random): number {
  return Math.min(30, Math.exp(Math.log(1.5) + 1.1 * normal(rand)));
}

export function generatePopulation(o: PopulationOptions): Person[] {
  const rand = seededRandom(o.seed);
  const optIn = o.optInShare ?? 0.85;
  return Array.from({ length: o.size }, (_, index) => {
    const periodMin = 60 + Math.floor(rand() * 180);
    return {
      index,
      name: `${pick(FIRST_NAMES, rand)}-${String(index).padStart(4, '0')}`,
      interests: drawInterests(rand),
      postsPerHour: drawActivity(rand),
      rhythm: { periodMin, dutyCycle: 0.3 + 0.5 * rand(), phaseMin: rand() * periodMin },
      consent: rand() < optIn ? 'in' : 'out',
      optOutProneness: 0.5 + rand(),
      chattiness: 0.6 + 0.8 * rand(),
    } satisfies Person;
  });
}

export function isOnline(p: Person, simMinute: number): boolean {
  const { periodMin, dutyCycle, phaseMin } = p.rhythm;
  const pos = (((simMinute + phaseMin) % periodMin) + periodMin) % periodMin;
  return pos < dutyCycle * periodMin;
}

/** Cosine similarity of two topic mixes (0 when either is empty). */
export function topicSimilarity(a: ReadonlyMap<Topic, number>, b: ReadonlyMap<Topic, number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [t, w] of a) {
    dot += w * (b.get(t) ?? 0);
    na += w * w;
  }
  for (const w of b.values()) nb += w * w;
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
