// The decision about a post, made durable and unique before any task is published: the first
// replica to create `<decision id>` in KV_BUCKETS.decisions wins; a replay or another replica
// reads the stored decision and re-publishes the very same messages (same msgIds, which the bus
// deduplicates), or nothing once they are marked published. So the bots, the mentions and the
// task ids of a post never change, whoever handles it and however often.
import type { KvStore } from '@botsky/bus';

export interface StoredDecision {
  /** Encoded ReplyTask messages, in slot order. */
  tasks: Uint8Array[];
  /** Encoded MatchDecision. */
  decision: Uint8Array;
  published: boolean;
}

interface Wire {
  tasks: string[];
  decision: string;
  published: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function toWire(d: StoredDecision): Uint8Array {
  const w: Wire = {
    tasks: d.tasks.map((t) => Buffer.from(t).toString('base64')),
    decision: Buffer.from(d.decision).toString('base64'),
    published: d.published,
  };
  return encoder.encode(JSON.stringify(w));
}

function fromWire(bytes: Uint8Array): StoredDecision {
  const w = JSON.parse(decoder.decode(bytes)) as Wire;
  return {
    tasks: w.tasks.map((t) => new Uint8Array(Buffer.from(t, 'base64'))),
    decision: new Uint8Array(Buffer.from(w.decision, 'base64')),
    published: w.published === true,
  };
}

export class DecisionStoreError extends Error {
  override readonly name = 'DecisionStoreError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class DecisionStore {
  readonly #kv: KvStore;

  constructor(kv: KvStore) {
    this.#kv = kv;
  }

  async get(id: string): Promise<StoredDecision | undefined> {
    const e = await this.#kv.get(id);
    if (!e) return undefined;
    try {
      return fromWire(e.value);
    } catch (err) {
      throw new DecisionStoreError(`stored decision ${id} is unreadable`, { cause: err });
    }
  }

  /** Stores the decision if none exists; returns the one that holds (ours, or the winner's). */
  async claim(id: string, decision: StoredDecision): Promise<{ won: boolean; decision: StoredDecision }> {
    if (await this.#kv.update(id, toWire(decision), 0)) return { won: true, decision };
    const stored = await this.get(id);
    if (!stored) throw new DecisionStoreError(`decision ${id} vanished right after a conflicting create`);
    return { won: false, decision: stored };
  }

  async markPublished(id: string, decision: StoredDecision): Promise<void> {
    await this.#kv.put(id, toWire({ ...decision, published: true }));
  }

  /** Rewrites a stored decision as it is (decision-scrub.ts: without the words of someone gone). */
  async replace(id: string, decision: StoredDecision): Promise<void> {
    await this.#kv.put(id, toWire(decision));
  }
}
