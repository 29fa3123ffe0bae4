// Impressions leave the request path through a bounded buffer: a request appends and returns,
// a flusher publishes batches with publishMany (one batch in flight). A slow or absent bus never
// slows getFeedSkeleton; if the buffer fills, new impressions are dropped and counted, and a
// failed batch goes back in front (same msgIds, so a partly stored batch is not stored twice).
import { SUBJECTS } from '@botsky/contracts';
import type { Bus, OutgoingMessage } from '@botsky/bus';
import type { Logger } from '@botsky/kit';
import { encodePageImpressions, type PageImpressions } from './impression-codec.ts';
import type { FeedMetrics } from './metrics.ts';

export interface ImpressionSinkOptions {
  bus: Bus;
  logger: Logger;
  metrics: FeedMetrics;
  capacity: number;
  batchSize?: number;
  flushEveryMs?: number;
}

export class ImpressionSink {
  readonly #opts: Required<ImpressionSinkOptions>;
  #buffer: OutgoingMessage[] = [];
  #flushing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #failed = false;

  constructor(opts: ImpressionSinkOptions) {
    this.#opts = { batchSize: 500, flushEveryMs: 20, ...opts };
  }

  get buffered(): number {
    return this.#buffer.length;
  }

  /** Queues a page's impressions; those that do not fit (or come after close) are dropped and counted. */
  pushPage(page: PageImpressions): number {
    if (page.items.length === 0) return 0;
    const room = this.#closed ? 0 : Math.max(0, this.#opts.capacity - this.#buffer.length);
    const dropped = Math.max(0, page.items.length - room);
    if (dropped > 0) this.#opts.metrics.impressionsDropped.inc({ reason: this.#closed ? 'closed' : 'buffer_full' }, dropped);
    if (room === 0) return 0;
    const kept = dropped > 0 ? { ...page, items: page.items.slice(0, room) } : page;
    const encoded = encodePageImpressions(kept);
    for (let i = 0; i < encoded.length; i++) {
      const msgId = `imp:${page.requestId}:${(kept.items[i] as { position: number }).position}`;
      this.#buffer.push({ subject: SUBJECTS.feedImpression, data: encoded[i] as Uint8Array, msgId });
    }
    this.#schedule();
    return encoded.length;
  }

  #schedule(): void {
    if (this.#timer || this.#flushing) return;
    // After a failed batch, wait a second: a down bus should not be hammered (or the log flooded).
    const delay = this.#failed ? 1000 : this.#buffer.length >= this.#opts.batchSize ? 0 : this.#opts.flushEveryMs;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, delay);
  }

  /** Publishes what is buffered, batch by batch; resolves when the buffer is empty or a batch failed. */
  flush(): Promise<void> {
    this.#flushing ??= this.#flushAll().finally(() => {
      this.#flushing = undefined;
      if (this.#buffer.length > 0 && !this.#closed) this.#schedule();
    });
    return this.#flushing;
  }

  async #flushAll(): Promise<void> {
    while (this.#buffer.length > 0) {
      const batch = this.#buffer.splice(0, this.#opts.batchSize);
      try {
        await this.#opts.bus.publishMany(batch);
        this.#opts.metrics.impressions.inc(batch.length);
        this.#failed = false;
      } catch (err) {
        this.#opts.logger.warn({ err, batch: batch.length }, 'impression batch not published; will retry');
        const room = this.#opts.capacity - this.#buffer.length;
        if (room < batch.length) this.#opts.metrics.impressionsDropped.inc({ reason: 'publish_failed' }, batch.length - Math.max(0, room));
        this.#buffer = [...batch.slice(0, Math.max(0, room)), ...this.#buffer];
        this.#failed = true;
        return;
      }
    }
  }

  /** Stops taking impressions and publishes what is left (a few attempts, for drain). */
  async close(attempts = 3): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (let i = 0; i < attempts && (this.#buffer.length > 0 || this.#flushing); i++) {
      await this.#flushing;
      await this.flush();
    }
    if (this.#buffer.length > 0) {
      this.#opts.metrics.impressionsDropped.inc({ reason: 'shutdown' }, this.#buffer.length);
      this.#opts.logger.error({ lost: this.#buffer.length }, 'impressions not published at shutdown');
      this.#buffer = [];
    }
  }
}
