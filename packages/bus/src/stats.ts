// Plain counters kept by each bus instance; `bus.stats()` returns a copy. A service exports them
// to Prometheus itself, so this package stays free of a metrics dependency.

import type { BusStats, ConsumerStats, FollowerStats } from './types.ts';

export class StatsRecorder {
  published = 0;
  duplicates = 0;
  readonly #consumers = new Map<string, ConsumerStats>();
  readonly #followers = new Map<string, FollowerStats>();

  consumer(name: string): ConsumerStats {
    let c = this.#consumers.get(name);
    if (c === undefined) {
      c = { delivered: 0, redelivered: 0, acked: 0, nacked: 0, deadLettered: 0, inFlight: 0 };
      this.#consumers.set(name, c);
    }
    return c;
  }

  follower(subject: string): FollowerStats {
    let f = this.#followers.get(subject);
    if (f === undefined) {
      f = { delivered: 0, failed: 0 };
      this.#followers.set(subject, f);
    }
    return f;
  }

  snapshot(): BusStats {
    const consumers: Record<string, ConsumerStats> = {};
    for (const [name, c] of this.#consumers) consumers[name] = { ...c };
    const followers: Record<string, FollowerStats> = {};
    for (const [subject, f] of this.#followers) followers[subject] = { ...f };
    return { published: this.published, duplicates: this.duplicates, consumers, followers };
  }
}
