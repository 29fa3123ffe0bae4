// Acks leave in batches: the client writes to the socket once per microtask turn, and handlers
// finish in separate turns, so acking each at once costs one write (syscall) per message, about
// half of the consuming process's CPU. Queued settlements go out together on the next
// setImmediate, in the order they were made.

export class AckQueue {
  #ops: Array<() => void> = [];
  #scheduled: ReturnType<typeof setImmediate> | undefined;
  readonly #report: (err: unknown) => void;

  constructor(report: (err: unknown) => void) {
    this.#report = report;
  }

  add(op: () => void): void {
    this.#ops.push(op);
    this.#scheduled ??= setImmediate(() => this.flush());
  }

  /** Sends everything queued now. */
  flush(): void {
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    const ops = this.#ops;
    this.#ops = [];
    for (const op of ops) {
      try {
        op();
      } catch (err) {
        this.#report(err);
      }
    }
  }

  /** A crash: what was not sent is never sent. */
  discard(): void {
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    this.#ops = [];
  }
}
