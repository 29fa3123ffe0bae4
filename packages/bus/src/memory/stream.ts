// An in-process stream: contiguous sequence numbers, a msgId dedup window, and limits. Unlike
// JetStream it also forgets messages every declared consumer has acked, since nothing else
// can ever read them (consumers are fixed by the topology) and memory is the scarce thing here.

import type { StreamSpec } from '../topology.ts';

export interface StoredMsg {
  readonly seq: number;
  /** The namespaced subject; `logicalSubject` is what handlers see. */
  readonly subject: string;
  readonly logicalSubject: string;
  readonly data: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
  readonly msgId: string | undefined;
  readonly time: number;
  /** Deleted (deleteMessage): a gap in the sequence, as JetStream leaves one. */
  readonly deleted?: true;
}

export interface AppendResult {
  seq: number;
  duplicate: boolean;
}

/** What the stream needs from each of its consumers. */
export interface StreamConsumer {
  /** The lowest sequence this consumer may still deliver: everything below may be forgotten. */
  ackFloor(): number;
  /** New messages arrived. */
  schedulePump(): void;
}

const TRIM_EVERY = 256;
const EMPTY = new Uint8Array(0);

export class MemoryStream {
  spec: StreamSpec;
  readonly physicalName: string;
  readonly consumers: StreamConsumer[] = [];
  #msgs: StoredMsg[] = [];
  #head = 0;
  #firstSeq = 1;
  #lastSeq = 0;
  readonly #dedup = new Map<string, { seq: number; at: number }>();
  #sinceTrim = 0;
  #bytes = 0;

  constructor(physicalName: string, spec: StreamSpec) {
    this.physicalName = physicalName;
    this.spec = spec;
  }

  get firstSeq(): number {
    return this.#firstSeq;
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  get size(): number {
    return this.#msgs.length - this.#head;
  }

  /** Payload bytes held (JetStream also counts subjects and headers; close enough for a limit). */
  get bytes(): number {
    return this.#bytes;
  }

  /** The message at `seq`; undefined when it is not held (dropped by the limits, or deleted). */
  get(seq: number): StoredMsg | undefined {
    const msg = this.#at(seq);
    return msg?.deleted ? undefined : msg;
  }

  /** When the message at `seq` was stored, deleted or not (Infinity past the end). */
  timeOf(seq: number): number {
    return this.#at(seq)?.time ?? Infinity;
  }

  /** Removes one message, leaving a gap; false when it is not held. */
  delete(seq: number): boolean {
    const msg = this.get(seq);
    if (msg === undefined) return false;
    this.#bytes -= msg.data.byteLength;
    this.#msgs[this.#head + (seq - this.#firstSeq)] = {
      seq,
      subject: '',
      logicalSubject: '',
      data: EMPTY,
      headers: {},
      msgId: undefined,
      time: msg.time,
      deleted: true,
    };
    return true;
  }

  #at(seq: number): StoredMsg | undefined {
    if (seq < this.#firstSeq || seq > this.#lastSeq) return undefined;
    return this.#msgs[this.#head + (seq - this.#firstSeq)];
  }

  append(
    subject: string,
    logicalSubject: string,
    data: Uint8Array,
    headers: Readonly<Record<string, string>>,
    msgId: string | undefined,
    now: number,
  ): AppendResult {
    this.#expireDedup(now);
    if (msgId !== undefined) {
      const seen = this.#dedup.get(msgId);
      if (seen !== undefined) return { seq: seen.seq, duplicate: true };
    }
    const seq = ++this.#lastSeq;
    this.#msgs.push({ seq, subject, logicalSubject, data, headers, msgId, time: now });
    this.#bytes += data.byteLength;
    if (msgId !== undefined) this.#dedup.set(msgId, { seq, at: now });
    if (++this.#sinceTrim >= TRIM_EVERY || this.#overLimit()) this.trim(now);
    return { seq, duplicate: false };
  }

  trim(now: number): void {
    this.#sinceTrim = 0;
    // Without consumers nothing is known to be done with, so only the limits apply.
    let floor = this.consumers.length === 0 ? 0 : this.#lastSeq + 1;
    for (const c of this.consumers) floor = Math.min(floor, c.ackFloor());
    const oldest = now - this.spec.maxAgeMs;
    while (this.size > 0) {
      const first = this.#msgs[this.#head] as StoredMsg;
      if (first.seq >= floor && first.time >= oldest && !this.#overLimit()) break;
      this.#dropFirst();
    }
    if (this.#head > 1024 && this.#head * 2 > this.#msgs.length) {
      this.#msgs = this.#msgs.slice(this.#head);
      this.#head = 0;
    }
  }

  #overLimit(): boolean {
    const { maxMsgs, maxBytes } = this.spec;
    return (maxMsgs >= 0 && this.size > maxMsgs) || (maxBytes >= 0 && this.#bytes > maxBytes);
  }

  #dropFirst(): void {
    this.#bytes -= (this.#msgs[this.#head] as StoredMsg).data.byteLength;
    this.#msgs[this.#head] = undefined as unknown as StoredMsg;
    this.#head++;
    this.#firstSeq++;
  }

  // Insertion order is time order, so expired ids are always at the front.
  #expireDedup(now: number): void {
    const horizon = now - this.spec.duplicateWindowMs;
    for (const [id, seen] of this.#dedup) {
      if (seen.at > horizon) break;
      this.#dedup.delete(id);
    }
  }
}
