// What the simulation planted, read back so that the project can measure how well its scores
// recover it.
import type { Person } from './people.ts';

export interface GroundTruth {
  /** bot id → planted quality (0..1). */
  bot_quality: Record<string, number>;
  /** person handle → topic → weight. */
  interests: Record<string, Record<string, number>>;
}

export function groundTruth(people: readonly Person[], handleOf: (p: Person) => string, botQuality: ReadonlyMap<string, number>): GroundTruth {
  return {
    bot_quality: Object.fromEntries(botQuality),
    interests: Object.fromEntries(people.map((p) => [handleOf(p), Object.fromEntries(p.interests)])),
  };
}
