// How far this replica's state follower has read the network stream, so that a decision on a post
// can wait until everything published before that post is in this replica's state (profiles,
// who is online): decisions then follow the stream's order, whichever replica makes them.
export class FollowCursor {
  #seq = 0;
  readonly #waiters: { seq: number; resolve: (caughtUp: boolean) => void; timer: NodeJS.Timeout }[] = [];

  get seq(): number {
    return this.#seq;
  }

  advance(seq: number): void {
    if (seq <= this.#seq) return;
    this.#seq = seq;
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const w = this.#waiters[i]!;
      if (w.seq > seq) continue;
      clearTimeout(w.timer);
      this.#waiters.splice(i, 1);
      w.resolve(true);
    }
  }

  /** Resolves true once `seq` has been read, false after `timeoutMs` (a lagging follower delays, never blocks). */
  reached(seq: number, timeoutMs: number): Promise<boolean> {
    if (seq <= this.#seq) return Promise.resolve(true);
    return new Promise((resolve) => {
      const w = {
        seq,
        resolve,
        timer: setTimeout(() => {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          resolve(false);
        }, timeoutMs),
      };
      this.#waiters.push(w);
    });
  }
}
