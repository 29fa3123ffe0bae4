// Saves the cursor to the store one write at a time, only forwards, and says when it last did
// (botsky_ingest_cursor_saved_timestamp_seconds). A failed save is logged and tried again at the
// next one: the cursor stays where it was, so a crash meanwhile replays rather than loses.
import type { Logger } from '@botsky/kit';
import type { IngestMetrics } from '../metrics.ts';
import type { CursorStore } from './cursor-store.ts';

export class CursorKeeper {
  readonly #store: CursorStore;
  readonly #metrics: IngestMetrics;
  readonly #logger: Logger;
  #saved: number | undefined;
  #saving: Promise<void> = Promise.resolve();

  constructor(store: CursorStore, metrics: IngestMetrics, logger: Logger) {
    this.#store = store;
    this.#metrics = metrics;
    this.#logger = logger;
  }

  /** The last position saved (or resumed from). */
  get saved(): number | undefined {
    return this.#saved;
  }

  /** Resuming from a cursor of this source, saved at `savedAt`. */
  resumed(seq: number, savedAt: string | null): void {
    this.#saved = seq;
    if (savedAt !== null) this.#metrics.cursorSaved.set(Date.parse(savedAt) / 1000);
  }

  /**
   * Started with nothing saved for this source: save the position just before the first frame at
   * once, so that a crash before the first periodic save resumes there instead of at a later tip.
   */
  anchor(firstSeq: number): void {
    this.#saving = this.#saving.then(async () => {
      if (this.#saved !== undefined || firstSeq < 1) return;
      await this.#store.save(firstSeq - 1).then(
        () => this.#savedAt(firstSeq - 1),
        (err: unknown) => this.#logger.warn({ err }, 'first cursor not saved'),
      );
    });
  }

  /** Saves `seq` (read when its turn comes) if it is past the last one saved. */
  save(seq: () => number | undefined): Promise<void> {
    this.#saving = this.#saving.then(async () => {
      const at = seq();
      if (at === undefined || (this.#saved !== undefined && at <= this.#saved)) return;
      try {
        await this.#store.save(at);
        this.#savedAt(at);
      } catch (err) {
        this.#logger.warn({ err, seq: at }, 'cursor not saved; will try again');
      }
    });
    return this.#saving;
  }

  /** Resolves once the saves started so far are done. */
  settled(): Promise<void> {
    return this.#saving;
  }

  #savedAt(seq: number): void {
    this.#saved = seq;
    this.#metrics.cursorSaved.set(Date.now() / 1000);
  }
}
