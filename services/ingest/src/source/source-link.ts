// Whether ingest is connected to its source, for /readyz: not ready before the first connection,
// nor once the source has been gone for longer than a grace period (a short drop and reconnect
// is normal and must not take the pod out of its Service).
import type { ReadinessCheck } from '@botsky/kit';

export class SourceNotConnectedError extends Error {
  override readonly name = 'SourceNotConnectedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class SourceLink {
  readonly #now: () => number;
  #connected = false;
  #droppedAt: number | undefined;
  #listeners: Array<(connected: boolean) => void> = [];

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  get connected(): boolean {
    return this.#connected;
  }

  /** Called with the new state on every change. */
  onChange(listener: (connected: boolean) => void): void {
    this.#listeners.push(listener);
  }

  opened(): void {
    this.#set(true);
    this.#droppedAt = undefined;
  }

  closed(): void {
    if (!this.#connected) return;
    this.#droppedAt = this.#now();
    this.#set(false);
  }

  /** Throws unless connected, or connected before and dropped at most `graceMs` ago. */
  assertReady(graceMs: number): void {
    if (this.#connected) return;
    if (this.#droppedAt === undefined) throw new SourceNotConnectedError('not connected to the source yet');
    const gone = this.#now() - this.#droppedAt;
    if (gone > graceMs) throw new SourceNotConnectedError(`source disconnected ${gone} ms ago (grace ${graceMs} ms)`);
  }

  #set(connected: boolean): void {
    this.#connected = connected;
    for (const l of this.#listeners) l(connected);
  }
}

export function sourceCheck(link: SourceLink, graceMs: number): ReadinessCheck {
  return async () => link.assertReady(graceMs);
}
