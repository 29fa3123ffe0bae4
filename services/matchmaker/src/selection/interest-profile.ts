// Lexical interest profiles: what a person writes about and likes, as a sparse term vector with
// exponential decay so that recent activity counts more. Bounded in size per person.

const STOPWORDS = new Set(
  (
    'a an and are as at be but by for from has have i if in into is it its just me my no not of on or ' +
    'our so that the their them then there they this to too up was we were what when which who why will with you your ' +
    'im its dont cant like get got one all any can do did been more most some very about out new'
  ).split(' '),
);

export function terms(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.filter((w) => w.length > 2 && !STOPWORDS.has(w) && !/^\d+$/.test(w));
}

export interface ProfileOptions {
  /** At most this many terms are kept per profile (the lightest are dropped). */
  maxTerms?: number;
  /** Each new observation multiplies older weights by this factor. */
  decay?: number;
}

export class InterestProfile {
  readonly #weights = new Map<string, number>();
  readonly #maxTerms: number;
  readonly #decay: number;
  #norm = 0;

  constructor(o: ProfileOptions = {}) {
    this.#maxTerms = o.maxTerms ?? 200;
    this.#decay = o.decay ?? 0.97;
  }

  /** Adds a text (a post, or a liked post with a lower weight). */
  observe(text: string, weight = 1): void {
    const ts = terms(text);
    if (ts.length === 0) return;
    for (const [t, w] of this.#weights) this.#weights.set(t, w * this.#decay);
    for (const t of ts) this.#weights.set(t, (this.#weights.get(t) ?? 0) + weight / ts.length);
    this.#trim();
    this.#norm = Math.sqrt([...this.#weights.values()].reduce((s, w) => s + w * w, 0));
  }

  #trim(): void {
    if (this.#weights.size <= this.#maxTerms) return;
    const keep = [...this.#weights].sort((a, b) => b[1] - a[1]).slice(0, this.#maxTerms);
    this.#weights.clear();
    for (const [t, w] of keep) this.#weights.set(t, w);
  }

  get size(): number {
    return this.#weights.size;
  }

  /** The heaviest terms, for prompts and decision records. */
  top(n: number): string[] {
    return [...this.#weights]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([t]) => t);
  }

  /**
   * Cosine similarity with another profile, 0..1. With `weight` (a term's IDF, see term-stats.ts)
   * each term counts by how telling it is.
   */
  similarity(other: InterestProfile, weight?: (term: string) => number): number {
    if (weight) return weightedCosine(this.#weights, other.#weights, weight);
    if (this.#norm === 0 || other.#norm === 0) return 0;
    const [small, large] = this.#weights.size <= other.#weights.size ? [this, other] : [other, this];
    let dot = 0;
    for (const [t, w] of small.#weights) dot += w * (large.#weights.get(t) ?? 0);
    return dot / (this.#norm * other.#norm);
  }

  /** A throwaway profile of one text, to compare a post with people. */
  static of(text: string): InterestProfile {
    const p = new InterestProfile();
    p.observe(text);
    return p;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries(this.#weights);
  }

  static fromJSON(json: Record<string, number>, o: ProfileOptions = {}): InterestProfile {
    const p = new InterestProfile(o);
    for (const [t, w] of Object.entries(json)) if (Number.isFinite(w)) p.#weights.set(t, w);
    p.#trim();
    p.#norm = Math.sqrt([...p.#weights.values()].reduce((s, w) => s + w * w, 0));
    return p;
  }
}

function weightedCosine(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>, weight: (term: string) => number): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [t, w] of a) {
    const k = weight(t);
    na += (w * k) ** 2;
    const v = b.get(t);
    if (v !== undefined) dot += w * v * k * k;
  }
  for (const [t, v] of b) nb += (v * weight(t)) ** 2;
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
