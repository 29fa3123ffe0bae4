// An in-process durable consumer with JetStream's delivery rules: one position shared by every
// subscriber (the consumer group), redelivery of what is not acked within ack wait, nak with a
// delay, term, and at most maxDeliver + 1 deliveries (the extra one lets the runner dead-letter
// a message whose handler died on its last attempt, as on NATS).

import { cachedMatcher } from '../subject-match.ts';
import type { ConsumerSpec } from '../topology.ts';
import type { BusMessage } from '../types.ts';
import type { Delivery } from '../handler-runner.ts';
import type { StreamConsumer, MemoryStream, StoredMsg } from './stream.ts';

/** A subscriber of the consumer: takes deliveries while it has free slots. */
export interface MemorySubscriber {
  readonly accepting: boolean;
  readonly free: number;
  offer(d: Delivery): void;
}

interface Tracked {
  readonly seq: number;
  count: number;
  token: number;
  deadline: number;
}

export class MemoryConsumer implements StreamConsumer {
  spec: ConsumerSpec;
  readonly #stream: MemoryStream;
  readonly #matches: (subject: string) => boolean;
  #nextSeq: number;
  /** Delivered at least once and not yet acked or terminated; insertion order is seq order. */
  readonly #tracked = new Map<number, Tracked>();
  /** Delivered and awaiting a settlement, in deadline order. */
  readonly #inflight = new Map<number, Tracked>();
  #ready: Tracked[] = [];
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #sweep: ReturnType<typeof setTimeout> | undefined;
  #subs: MemorySubscriber[] = [];
  #rr = 0;
  #pumpQueued = false;
  #closed = false;

  constructor(spec: ConsumerSpec, stream: MemoryStream, physicalFilter: string) {
    this.spec = spec;
    this.#stream = stream;
    this.#matches = cachedMatcher(physicalFilter);
    this.#nextSeq = stream.firstSeq;
    stream.consumers.push(this);
  }

  ackFloor(): number {
    for (const seq of this.#tracked.keys()) return Math.min(seq, this.#nextSeq);
    return this.#nextSeq;
  }

  /** As JetStream counts: not yet delivered (on the filter), and delivered but not acked or terminated. */
  lag(): { pending: number; ackPending: number } {
    let pending = 0;
    for (let seq = Math.max(this.#nextSeq, this.#stream.firstSeq); seq <= this.#stream.lastSeq; seq++) {
      const msg = this.#stream.get(seq);
      if (msg !== undefined && this.#matches(msg.subject)) pending++;
    }
    return { pending, ackPending: this.#tracked.size };
  }

  attach(sub: MemorySubscriber): void {
    this.#subs.push(sub);
    this.schedulePump();
  }

  detach(sub: MemorySubscriber): void {
    this.#subs = this.#subs.filter((s) => s !== sub);
  }

  schedulePump(): void {
    if (this.#pumpQueued || this.#closed || this.#subs.length === 0) return;
    this.#pumpQueued = true;
    queueMicrotask(() => {
      this.#pumpQueued = false;
      this.#pump();
    });
  }

  close(): void {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    if (this.#sweep !== undefined) clearTimeout(this.#sweep);
    this.#subs = [];
  }

  #pump(): void {
    for (;;) {
      if (this.#inflight.size >= this.spec.maxAckPending) return;
      const sub = this.#pickSubscriber();
      if (sub === undefined) return;
      const next = this.#nextEntry();
      if (next === undefined) return;
      this.#deliver(next.entry, next.msg, sub);
    }
  }

  #pickSubscriber(): MemorySubscriber | undefined {
    const n = this.#subs.length;
    for (let i = 0; i < n; i++) {
      const sub = this.#subs[(this.#rr + i) % n] as MemorySubscriber;
      if (sub.accepting && sub.free > 0) {
        this.#rr = (this.#rr + i + 1) % n;
        return sub;
      }
    }
    return undefined;
  }

  #nextEntry(): { entry: Tracked; msg: StoredMsg } | undefined {
    while (this.#ready.length > 0) {
      const entry = this.#ready.shift() as Tracked;
      if (this.#tracked.get(entry.seq) !== entry) continue;
      const msg = this.#stream.get(entry.seq);
      if (msg !== undefined) return { entry, msg };
      this.#tracked.delete(entry.seq); // dropped by the stream's limits, or deleted
    }
    if (this.#nextSeq < this.#stream.firstSeq) this.#nextSeq = this.#stream.firstSeq;
    while (this.#nextSeq <= this.#stream.lastSeq) {
      const msg = this.#stream.get(this.#nextSeq++);
      if (msg === undefined || !this.#matches(msg.subject)) continue; // a deleted message is a gap
      const entry: Tracked = { seq: msg.seq, count: 0, token: 0, deadline: 0 };
      this.#tracked.set(msg.seq, entry);
      return { entry, msg };
    }
    return undefined;
  }

  #deliver(entry: Tracked, msg: StoredMsg, sub: MemorySubscriber): void {
    entry.count++;
    entry.token++;
    entry.deadline = Date.now() + this.spec.ackWaitMs;
    this.#inflight.set(entry.seq, entry);
    this.#armSweep();
    const busMsg: BusMessage = {
      subject: msg.logicalSubject,
      data: msg.data,
      headers: msg.headers,
      msgId: msg.msgId,
      seq: msg.seq,
      deliveryCount: entry.count,
    };
    sub.offer(new MemoryDelivery(this, entry, entry.token, busMsg));
  }

  // As on NATS, an ack from an older delivery still acks: the work was done.
  ack(entry: Tracked): void {
    if (this.#tracked.get(entry.seq) !== entry) return;
    this.#tracked.delete(entry.seq);
    this.#inflight.delete(entry.seq);
  }

  term(entry: Tracked, token: number): void {
    if (!this.#current(entry, token)) return;
    this.#tracked.delete(entry.seq);
    this.#inflight.delete(entry.seq);
  }

  nak(entry: Tracked, token: number, delayMs: number): void {
    if (!this.#current(entry, token)) return;
    this.#inflight.delete(entry.seq);
    if (delayMs <= 0) {
      this.#makeReady(entry);
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#makeReady(entry);
    }, delayMs);
    timer.unref();
    this.#timers.add(timer);
  }

  working(entry: Tracked, token: number): void {
    if (!this.#current(entry, token)) return;
    // Re-inserting keeps the map in deadline order: the new deadline is the latest.
    this.#inflight.delete(entry.seq);
    entry.deadline = Date.now() + this.spec.ackWaitMs;
    this.#inflight.set(entry.seq, entry);
  }

  #current(entry: Tracked, token: number): boolean {
    return entry.token === token && this.#inflight.get(entry.seq) === entry;
  }

  #makeReady(entry: Tracked): void {
    if (this.#tracked.get(entry.seq) !== entry) return;
    this.#ready.push(entry);
    this.schedulePump();
  }

  #armSweep(): void {
    if (this.#sweep !== undefined || this.#closed) return;
    const first = this.#inflight.values().next();
    if (first.done === true) return;
    const wait = Math.max(first.value.deadline - Date.now(), 0) + 1;
    this.#sweep = setTimeout(() => this.#expire(), wait);
    this.#sweep.unref();
  }

  #expire(): void {
    this.#sweep = undefined;
    const now = Date.now();
    for (const entry of this.#inflight.values()) {
      if (entry.deadline > now) break;
      this.#inflight.delete(entry.seq);
      // The server's limit: a message is never delivered more than maxDeliver + 1 times.
      if (entry.count > this.spec.maxDeliver) this.#tracked.delete(entry.seq);
      else this.#ready.push(entry);
    }
    this.schedulePump();
    this.#armSweep();
  }
}

class MemoryDelivery implements Delivery {
  readonly msg: BusMessage;
  readonly #consumer: MemoryConsumer;
  readonly #entry: Tracked;
  readonly #token: number;

  constructor(consumer: MemoryConsumer, entry: Tracked, token: number, msg: BusMessage) {
    this.#consumer = consumer;
    this.#entry = entry;
    this.#token = token;
    this.msg = msg;
  }

  ack(): void {
    this.#consumer.ack(this.#entry);
  }
  nak(delayMs: number): void {
    this.#consumer.nak(this.#entry, this.#token, delayMs);
  }
  term(): void {
    this.#consumer.term(this.#entry, this.#token);
  }
  working(): void {
    this.#consumer.working(this.#entry, this.#token);
  }
}
