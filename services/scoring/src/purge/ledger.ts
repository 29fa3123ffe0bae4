// What this replica knows to be purged, so that a post stored after its purge (redelivered by
// the bus, or replayed) is stored without its words. Bounded, oldest first out; what it has
// forgotten (or never heard, on another replica) the purger's periodic resweep catches.
import type { PurgeTarget } from '@botsky/warehouse';

export class PurgeLedger {
  readonly #posts = new Set<string>();
  /** did → the latest purge's time (epoch ms): posts indexed up to it are covered. */
  readonly #accounts = new Map<string, number>();
  readonly #max: number;

  constructor(max = 200_000) {
    this.#max = max;
  }

  add(t: PurgeTarget): void {
    if (t.kind === 'post') {
      this.#posts.delete(t.uri);
      this.#posts.add(t.uri);
      if (this.#posts.size > this.#max) this.#posts.delete(this.#posts.values().next().value as string);
      return;
    }
    const until = Math.max(this.#accounts.get(t.did) ?? 0, t.untilMs);
    this.#accounts.delete(t.did);
    this.#accounts.set(t.did, until);
    if (this.#accounts.size > this.#max) this.#accounts.delete(this.#accounts.keys().next().value as string);
  }

  /** Whether the post `uri` by `did`, indexed at `atMs`, is purged. */
  covers(did: string, uri: string, atMs: number): boolean {
    return this.#posts.has(uri) || (this.#accounts.get(did) ?? -Infinity) >= atMs;
  }
}
