// Blocks between people, as the network shows them (app.bsky.graph.block records are public):
// nobody is introduced to someone they block or who blocks them. Kept per block record, because a
// deletion (an unblock) names only the record. In memory, bounded (oldest blocks forgotten first),
// rebuilt from the stream after a restart like the rest of a replica's view.
export class PersonBlocks {
  readonly #byUri = new Map<string, string>();
  readonly #pairs = new Map<string, number>();
  readonly #max: number;

  constructor(max = 200_000) {
    this.#max = max;
  }

  add(uri: string, blocker: string, subject: string): void {
    if (this.#byUri.has(uri)) return;
    const pair = `${blocker}\u0000${subject}`;
    this.#byUri.set(uri, pair);
    this.#pairs.set(pair, (this.#pairs.get(pair) ?? 0) + 1);
    if (this.#byUri.size > this.#max) this.remove(this.#byUri.keys().next().value as string);
  }

  /** An unblock: the block record was deleted. */
  remove(uri: string): void {
    const pair = this.#byUri.get(uri);
    if (pair === undefined) return;
    this.#byUri.delete(uri);
    const n = (this.#pairs.get(pair) ?? 1) - 1;
    if (n > 0) this.#pairs.set(pair, n);
    else this.#pairs.delete(pair);
  }

  /** Whether either of the two blocks the other. */
  between(a: string, b: string): boolean {
    return this.#pairs.has(`${a}\u0000${b}`) || this.#pairs.has(`${b}\u0000${a}`);
  }
}
