// Publishes frames' events in order with a bounded number in flight, and tracks the cursor:
// like @atproto/sync's memory runner, the cursor moves past a frame only once every event of it
// and of every frame before it is acked by the bus. A failed publish is retried with backoff,
// never dropped; while it is retried the queue stays full, so the reader stops reading.
import { backoffDelay } from '@botsky/async';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@botsky/kit';

export interface QueuedEvent {
  subject: string;
  msgId: string;
  data: Uint8Array;
  kind: string;
}

export interface QueuedFrame {
  /** The frame's position in the source; null for frames that have none (#info). */
  seq: number | null;
  /** When the source emitted it, in microseconds; null when not known. */
  timeUs: number | null;
  events: QueuedEvent[];
}

export interface PublishQueueOptions {
  publish: (e: QueuedEvent) => Promise<void>;
  maxInFlight: number;
  logger: Logger;
  onPublished?: (e: QueuedEvent) => void;
  onRetry?: (err: unknown) => void;
  /** Called when the cursor moves, with the frame it moved to. */
  onCursor?: (seq: number, timeUs: number | null) => void;
  retryMinMs?: number;
  retryMaxMs?: number;
}

interface Pending {
  frame: QueuedFrame;
  remaining: number;
}

export class PublishQueue {
  readonly #opts: PublishQueueOptions;
  readonly #pending: Pending[] = [];
  #inFlight = 0;
  #cursor: number | undefined;
  #stopped = false;
  #waiters: Array<() => void> = [];

  constructor(opts: PublishQueueOptions) {
    this.#opts = opts;
  }

  /** Highest seq such that every event of every frame up to it is published. */
  get cursor(): number | undefined {
    return this.#cursor;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get hasRoom(): boolean {
    return this.#inFlight < this.#opts.maxInFlight;
  }

  /** Resolves once fewer than maxInFlight events are unpublished (or the queue stopped). */
  async waitForRoom(): Promise<void> {
    while (!this.hasRoom && !this.#stopped) await new Promise<void>((r) => this.#waiters.push(r));
  }

  /** Resolves once everything pushed so far is published (or the queue stopped). */
  async idle(): Promise<void> {
    while (this.#pending.length > 0 && !this.#stopped) await new Promise<void>((r) => this.#waiters.push(r));
  }

  /** Starts the frame's publishes; a frame may go over maxInFlight by its own size. */
  push(frame: QueuedFrame): void {
    const entry: Pending = { frame, remaining: frame.events.length };
    this.#pending.push(entry);
    if (entry.remaining === 0) this.#advance();
    for (const e of frame.events) void this.#publish(e, entry);
  }

  /** Gives up on retries and wakes every waiter; unpublished frames never move the cursor. */
  stop(): void {
    this.#stopped = true;
    this.#wake();
  }

  async #publish(e: QueuedEvent, entry: Pending): Promise<void> {
    this.#inFlight++;
    const min = this.#opts.retryMinMs ?? 100;
    const max = this.#opts.retryMaxMs ?? 5_000;
    for (let attempt = 0; !this.#stopped; attempt++) {
      try {
        await this.#opts.publish(e);
        this.#opts.onPublished?.(e);
        entry.remaining--;
        break;
      } catch (err) {
        if (this.#stopped) break;
        this.#opts.onRetry?.(err);
        if (attempt === 0) this.#opts.logger.warn({ err, msgId: e.msgId }, 'publish failed; retrying until the bus takes it');
        await sleep(backoffDelay(attempt + 1, { initialMs: min, maxMs: max }));
      }
    }
    this.#inFlight--;
    this.#advance();
  }

  #advance(): void {
    let moved: Pending | undefined;
    while (this.#pending.length > 0 && (this.#pending[0] as Pending).remaining === 0) {
      const head = this.#pending.shift() as Pending;
      if (head.frame.seq !== null) moved = head;
    }
    if (moved !== undefined) {
      this.#cursor = moved.frame.seq as number;
      this.#opts.onCursor?.(this.#cursor, moved.frame.timeUs);
    }
    this.#wake();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
