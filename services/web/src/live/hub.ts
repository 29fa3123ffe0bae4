// The live stream's fan-out: every event is serialised once, as one server-sent-events frame,
// and written to every connected viewer. A viewer that cannot keep up (more than bufferBytes
// waiting in its socket) is dropped and counted; it reconnects and gets the recent events again,
// so a slow phone never holds up the others. New viewers first get the last `recent` events.
import type { WebMetrics } from '../metrics.ts';
import type { LiveEvent } from './event-types.ts';

/** Where a viewer's frames go (an HTTP response, in the service). */
export interface ViewerSink {
  /** One frame, encoded once for every viewer (UTF-8). */
  write(frame: Uint8Array): void;
  /** Bytes written but not yet sent (the socket's writableLength). */
  readonly pending: number;
  /** Ends the stream when the hub closes (drain): what was written is still sent. */
  close(): void;
  /** Drops a viewer that fell behind: its unsent backlog is discarded, not kept in memory. */
  abort(): void;
}

export interface LiveHubOptions {
  recent: number;
  maxViewers: number;
  bufferBytes: number;
  metrics: WebMetrics;
  now?: () => number;
}

const KEEP_ALIVE = Buffer.from(': keep-alive\n\n');

export class LiveHub {
  readonly #o: LiveHubOptions;
  readonly #viewers = new Set<ViewerSink>();
  readonly #recent: Uint8Array[] = [];
  readonly #seen = new Set<string>();
  readonly #seenOrder: string[] = [];

  constructor(o: LiveHubOptions) {
    this.#o = o;
  }

  get viewers(): number {
    return this.#viewers.size;
  }

  /** Whether another viewer fits; counts the refusal when not. */
  admits(): boolean {
    if (this.#viewers.size < this.#o.maxViewers) return true;
    this.#o.metrics.viewersRefused.inc({ reason: 'full' });
    return false;
  }

  /** Adds a viewer (after sending it the recent events); false when the hub is full. */
  attach(sink: ViewerSink): boolean {
    if (!this.admits()) return false;
    for (const frame of this.#recent) sink.write(frame);
    this.#viewers.add(sink);
    this.#o.metrics.viewers.set(this.#viewers.size);
    return true;
  }

  detach(sink: ViewerSink): void {
    if (this.#viewers.delete(sink)) this.#o.metrics.viewers.set(this.#viewers.size);
  }

  /** Sends an event to every viewer, once per (kind, uri): a replayed or redelivered one is skipped. */
  publish(event: LiveEvent): boolean {
    const key = `${event.kind} ${event.uri}`;
    if (this.#seen.has(key)) return false;
    this.#remember(key);
    const frame = Buffer.from(`event: ${event.kind}\ndata: ${JSON.stringify(event)}\n\n`);
    this.#recent.push(frame);
    if (this.#recent.length > this.#o.recent) this.#recent.shift();
    for (const sink of this.#viewers) {
      if (sink.pending > this.#o.bufferBytes) {
        this.#drop(sink);
        continue;
      }
      sink.write(frame);
    }
    this.#o.metrics.events.inc({ kind: event.kind });
    this.#o.metrics.delaySeconds.observe(Math.max(0, ((this.#o.now ?? Date.now)() - event.eventAtMs) / 1000));
    return true;
  }

  /** A comment frame, so that proxies keep idle streams open and dead sockets are noticed. */
  heartbeat(): void {
    for (const sink of this.#viewers) sink.write(KEEP_ALIVE);
  }

  closeAll(): void {
    for (const sink of [...this.#viewers]) {
      this.#viewers.delete(sink);
      sink.close();
    }
    this.#o.metrics.viewers.set(0);
  }

  #drop(sink: ViewerSink): void {
    this.detach(sink);
    this.#o.metrics.viewersRefused.inc({ reason: 'slow' });
    sink.abort();
  }

  // Enough keys to cover a replay window's duplicates without growing for ever.
  #remember(key: string): void {
    this.#seen.add(key);
    this.#seenOrder.push(key);
    if (this.#seenOrder.length > 4 * Math.max(1000, this.#o.recent)) this.#seen.delete(this.#seenOrder.shift() as string);
  }
}
