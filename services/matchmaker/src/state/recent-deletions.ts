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
  readonly #gone = new Map<string, { gone: Gone; at: number }>();
  readonly #stored = new Map<string, number>();

  /** A post deleted or an account gone, as the forget follower applied it. */
  noteGone(gone: Gone, now: number): void {
    this.#gone.set(gone.postUri ?? `account:${gone.did}`, { gone, at: now });
    this.#prune(now);
  }

  /** A decision this replica stored. */
  noteStored(decisionId: string, now: number): void {
    this.#stored.delete(decisionId);
    this.#stored.set(decisionId, now);
    this.#prune(now);
  }

  /** What went lately. */
  gone(now: number): Gone[] {
    this.#prune(now);
    return [...this.#gone.values()].map((e) => e.gone);
  }

  /** The decisions stored lately. */
  stored(now: number): string[] {
    this.#prune(now);
    return [...this.#stored.keys()];
  }

  #prune(now: number): void {
    for (const map of [this.#gone, this.#stored] as Array<Map<string, unknown>>) {
      for (const [key, v] of map) {
        const at = typeof v === 'number' ? v : (v as { at: number }).at;
        if (now - at <= RECENT_WINDOW_MS && map.size <= MAX_ENTRIES) break;
        map.delete(key);
      }
    }
  }
}
