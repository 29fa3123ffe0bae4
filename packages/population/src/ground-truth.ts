// What the simulation planted, read back so that the project can measure how well its scores
// recover it.
import { seededRandom } from '@botsky/ratings';
import { decisionSeed } from './driver/seeds.ts';
import type { Person } from './people.ts';

export interface GroundTruth {
  /** bot id → planted quality (0..1). */
  bot_quality: Record<string, number>;
  /** person handle → topic → weight. */
  interests: Record<string, Record<string, number>>;
}

export function groundTruth(
  people: readonly Person[],
  handleOf: (p: Person) => string,
  botQuality: ReadonlyMap<string, number>,
): GroundTruth {
  return {
    bot_quality: Object.fromEntries(botQuality),
    interests: Object.fromEntries(people.map((p) => [handleOf(p), Object.fromEntries(p.interests)])),
  };
}

/**
 * Planted qualities for `count` bots: evenly spaced over 0.2..0.8, in an order drawn from the
 * seed alone. Nothing about a bot (its style, its speed, its length) enters the draw, so a
 * ranking can only recover this order by measuring quality, never by construction.
 */
export function plantQualities(count: number, seed: number): number[] {
  const levels = Array.from({ length: count }, (_, i) => (count === 1 ? 0.5 : 0.2 + (0.6 * i) / (count - 1)));
  const rand = seededRandom(decisionSeed(seed, 'planted-quality'));
  for (let i = levels.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [levels[i], levels[j]] = [levels[j] as number, levels[i] as number];
  }
  return levels.map((q) => Math.round(q * 1000) / 1000);
}
