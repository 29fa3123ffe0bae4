// Impressions leave the request path through a bounded buffer: a request appends its page (one
// ImpressionPage message) and returns, a flusher publishes batches with publishMany (one batch in
// flight). A slow or absent bus never slows getFeedSkeleton; if the buffer fills, the items that
// do not fit are dropped and counted, and a failed batch goes back in front (same msgIds, so a
// partly stored batch is not stored twice). The capacity counts items (impressions), not pages.
import { SUBJECTS } from '@botsky/contracts';
import type { Bus, OutgoingMessage } from '@botsky/bus';
import type { Logger } from '@botsky/kit';
import { encodeImpressionPage, type PageImpressions } from './impression-codec.ts';
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
  #buffer: Page[] = [];
  /** Items in `#buffer`. */
  #items = 0;
  #flushing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #failed = false;

  constructor(opts: ImpressionSinkOptions) {
    this.#opts = { batchSize: 500, flushEveryMs: 20, ...opts };
  }

  /** Impressions (items) waiting to be published. */
  get buffered(): number {
    return this.#items;
  }

  /** Queues a page's impressions; those that do not fit (or come after close) are dropped and counted. */
  pushPage(page: PageImpressions): number {
    if (page.items.length === 0) return 0;
    const room = this.#closed ? 0 : Math.max(0, this.#opts.capacity - this.#items);
    const dropped = Math.max(0, page.items.length - room);
    if (dropped > 0) this.#opts.metrics.impressionsDropped.inc({ reason: this.#closed ? 'closed' : 'buffer_full' }, dropped);
    if (room === 0) return 0;
    const kept = dropped > 0 ? { ...page, items: page.items.slice(0, room) } : page;
    const msg = { subject: SUBJECTS.feedImpressionPage, data: encodeImpressionPage(kept), msgId: `imp:${page.requestId}` };
    this.#buffer.push({ msg, items: kept.items.length });
    this.#items += kept.items.length;
    this.#schedule();
    return kept.items.length;
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
      const items = countItems(batch);
      this.#items -= items;
      try {
        await this.#opts.bus.publishMany(batch.map((p) => p.msg));
        this.#opts.metrics.impressions.inc(items);
        this.#failed = false;
      } catch (err) {
        this.#opts.logger.warn({ err, pages: batch.length }, 'impression batch not published; will retry');
        this.#requeue(batch);
        this.#failed = true;
        return;
      }
    }
  }

  // Back in front, as far as the capacity allows (pages arriving meanwhile took some of it).
  #requeue(batch: Page[]): void {
    let room = this.#opts.capacity - this.#items;
    const kept: Page[] = [];
    let lost = 0;
    for (const p of batch) {
      if (p.items <= room) {
        kept.push(p);
        room -= p.items;
        this.#items += p.items;
      } else lost += p.items;
    }
    if (lost > 0) this.#opts.metrics.impressionsDropped.inc({ reason: 'publish_failed' }, lost);
    this.#buffer = [...kept, ...this.#buffer];
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
      this.#opts.metrics.impressionsDropped.inc({ reason: 'shutdown' }, this.#items);
      this.#opts.logger.error({ lost: this.#items }, 'impressions not published at shutdown');
      this.#buffer = [];
      this.#items = 0;
    }
  }
}

interface Page {
  msg: OutgoingMessage;
  items: number;
}

function countItems(pages: readonly Page[]): number {
  let n = 0;
  for (const p of pages) n += p.items;
  return n;
}
