// An in-process `follow` reader: its own cursor on the stream, no acks. Registered with the
// stream like a consumer so the stream keeps what this reader has not read yet.

import type { FollowRunner } from '../follower.ts';
import { cachedMatcher } from '../subject-match.ts';
import type { FollowSubscription } from '../types.ts';
import type { MemoryStream, StreamConsumer } from './stream.ts';

export class MemoryFollower implements FollowSubscription, StreamConsumer {
  readonly caughtUp: Promise<void>;
  readonly startSeq: number;
  #markCaughtUp: () => void = () => {};
  /** The last stored message when the reader began: once past it, the replay is done. */
  readonly #replayEnd: number;
  readonly #stream: MemoryStream;
  readonly #matches: (subject: string) => boolean;
  readonly #runner: FollowRunner;
  readonly #onStopped: () => void;
  #next: number;
  #loop: Promise<void> | undefined;
  #stopped = false;
  #stopping: Promise<void> | undefined;

  /** `sinceMs` undefined: only what is appended from now on. */
  constructor(stream: MemoryStream, physicalFilter: string, runner: FollowRunner, sinceMs: number | undefined, onStopped: () => void) {
    this.#stream = stream;
    this.#matches = cachedMatcher(physicalFilter);
    this.#runner = runner;
    this.#onStopped = onStopped;
    this.#next = sinceMs === undefined ? stream.lastSeq + 1 : firstAtOrAfter(stream, sinceMs);
    this.startSeq = this.#next;
    this.#replayEnd = stream.lastSeq;
    this.caughtUp = new Promise((resolve) => (this.#markCaughtUp = resolve));
    if (this.#next > this.#replayEnd) this.#markCaughtUp();
    stream.consumers.push(this);
    this.schedulePump();
  }

  ackFloor(): number {
    return this.#next;
  }

  schedulePump(): void {
    if (this.#loop !== undefined || this.#stopped) return;
    this.#loop = this.#drain().finally(() => {
      this.#loop = undefined;
      // A message may have arrived while the loop was finishing.
      if (!this.#stopped && this.#next <= this.#stream.lastSeq) this.schedulePump();
    });
  }

  // One message at a time, in stream order; a microtask first so publish returns before handlers
  // run, and a turn of the event loop now and then so a long replay does not starve timers and I/O.
  async #drain(): Promise<void> {
    await Promise.resolve();
    for (let n = 1; !this.#stopped; n++) {
      if ((n & 1023) === 0) await new Promise((resolve) => setImmediate(resolve));
      if (this.#next < this.#stream.firstSeq) this.#next = this.#stream.firstSeq; // dropped by limits
      if (this.#next > this.#stream.lastSeq) {
        if (this.#next > this.#replayEnd) this.#markCaughtUp(); // the rest was dropped by limits
        return;
      }
      const msg = this.#stream.get(this.#next++); // undefined: deleted, a gap
      if (msg !== undefined && this.#matches(msg.subject)) {
        await this.#runner.handle({
          subject: msg.logicalSubject,
          data: msg.data,
          headers: msg.headers,
          msgId: msg.msgId,
          seq: msg.seq,
          deliveryCount: 1,
        });
      }
      if (this.#next > this.#replayEnd) this.#markCaughtUp();
    }
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.kill();
      await this.#loop;
    })();
    return this.#stopping;
  }

  /** Stops reading at once; the handler in progress (if any) is not waited for. */
  kill(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    const i = this.#stream.consumers.indexOf(this);
    if (i >= 0) this.#stream.consumers.splice(i, 1);
    this.#onStopped();
  }
}

// Stored messages are in time order: the first one at or after `sinceMs`.
function firstAtOrAfter(stream: MemoryStream, sinceMs: number): number {
  let lo = stream.firstSeq;
  let hi = stream.lastSeq + 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (stream.timeOf(mid) < sinceMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
