// Closes the race between deciding a post and a deletion. The consumer group scrubs the stored
// decisions when a post or an account goes (consumers/network-delete.ts), but a decision made
// from state read before the deletion can be stored after that scrub (another author's post that
// considered the person, or a redelivered post of their own). So each replica remembers, for a
// while, what went (from its forget follower) and which decisions it stored; whichever of the
// two comes second scrubs: storing checks what went, a deletion scrubs what was stored lately.
import type { Gone } from './decision-scrub.ts';

/** Longer than any decision takes from reading state to being stored. */
export const RECENT_WINDOW_MS = 10 * 60_000;
const MAX_ENTRIES = 100_000;

export class RecentDeletions {
  /** Keyed by post URI or `account:<did>`, oldest first. */
  readonly #gone = new Map<string, { gone: Gone; at: number }>();
  /** Decision id → when it was stored, oldest first. */
  readonly #stored = new Map<string, { at: number }>();

  /** A post deleted or an account gone, as the forget follower applied it. */
  noteGone(gone: Gone, now: number): void {
    remember(this.#gone, gone.postUri ?? `account:${gone.did}`, { gone, at: now }, now);
  }

  /** A decision this replica stored. */
  noteStored(decisionId: string, now: number): void {
    remember(this.#stored, decisionId, { at: now }, now);
  }

  /** What went lately. */
  gone(now: number): Gone[] {
    prune(this.#gone, now);
    return [...this.#gone.values()].map((e) => e.gone);
  }

  /** The decisions stored lately. */
  stored(now: number): string[] {
    prune(this.#stored, now);
    return [...this.#stored.keys()];
  }
}

function remember<V extends { at: number }>(map: Map<string, V>, key: string, value: V, now: number): void {
  map.delete(key);
  map.set(key, value);
  prune(map, now);
}

/** Drops entries older than the window (and beyond the size bound), oldest first. */
function prune(map: Map<string, { at: number }>, now: number): void {
  for (const [key, { at }] of map) {
    if (now - at <= RECENT_WINDOW_MS && map.size <= MAX_ENTRIES) break;
    map.delete(key);
  }
}
