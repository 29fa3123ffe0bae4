// How common each term is across the posts this replica has seen, for inverse-document-frequency
// weights: words everyone writes ("thing", "today", a client's stock phrases) say nothing about a
// person's interests, so two people sharing them are not alike. Bounded: the rarest terms are
// forgotten first, and counts are halved now and then so that the weights follow the network.
import { terms } from './interest-profile.ts';

export class TermStats {
  readonly #df = new Map<string, number>();
  readonly #maxTerms: number;
  readonly #halveEvery: number;
  #docs = 0;

  constructor(o: { maxTerms?: number; halveEvery?: number } = {}) {
    this.#maxTerms = o.maxTerms ?? 100_000;
    this.#halveEvery = o.halveEvery ?? 200_000;
  }

  observe(text: string): void {
    const ts = new Set(terms(text));
    if (ts.size === 0) return;
    this.#docs++;
    for (const t of ts) this.#df.set(t, (this.#df.get(t) ?? 0) + 1);
    if (this.#df.size > this.#maxTerms || this.#docs >= this.#halveEvery) this.#halve();
  }

  #halve(): void {
    this.#docs = Math.ceil(this.#docs / 2);
    for (const [t, n] of this.#df) {
      if (n < 2) this.#df.delete(t);
      else this.#df.set(t, n / 2);
    }
    // Every term common enough to survive halving: forget the rarest down to 90%, or the next
    // post would halve again (and every post after it).
    if (this.#df.size > this.#maxTerms) {
      const keep = Math.floor(this.#maxTerms * 0.9);
      const rarest = [...this.#df.entries()].sort((a, b) => a[1] - b[1]).slice(0, this.#df.size - keep);
      for (const [t] of rarest) this.#df.delete(t);
    }
  }

  /** ln(N / df): 0 for a term in every post; rare and unseen terms weigh most. */
  idf(term: string): number {
    return Math.log((this.#docs + 1) / ((this.#df.get(term) ?? 0) + 1));
  }

  get docs(): number {
    return this.#docs;
  }
}
