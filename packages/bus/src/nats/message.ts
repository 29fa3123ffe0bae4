// Converts between JetStream messages and the bus's plain shapes. Headers and the msgId are
// decoded lazily: most handlers never look at them and this path runs for every message.

import type { JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import type { Delivery } from '../handler-runner.ts';
import type { Namespace } from '../namespace.ts';
import type { AckQueue } from './ack-queue.ts';
import type { BusMessage } from '../types.ts';

const MSG_ID = 'Nats-Msg-Id';

/** NATS headers for a publish: the caller's, plus the dedup id JetStream reads. */
export function toMsgHdrs(record: Readonly<Record<string, string>> | undefined, msgId?: string): MsgHdrs | undefined {
  const keys = record === undefined ? [] : Object.keys(record);
  if (keys.length === 0 && msgId === undefined) return undefined;
  const h = natsHeaders();
  for (const k of keys) h.set(k, (record as Record<string, string>)[k] as string);
  if (msgId !== undefined) h.set(MSG_ID, msgId);
  return h;
}

function fromMsgHdrs(h: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (h === undefined) return out;
  for (const [k, values] of h) {
    if (k === MSG_ID) continue;
    const last = values[values.length - 1];
    if (last !== undefined) out[k] = last;
  }
  return out;
}

export class NatsBusMessage implements BusMessage {
  readonly #m: JsMsg;
  readonly subject: string;
  readonly seq: number;
  readonly deliveryCount: number;
  #headers: Record<string, string> | undefined;

  constructor(m: JsMsg, ns: Namespace) {
    this.#m = m;
    this.subject = ns.logicalSubject(m.subject);
    this.seq = m.seq;
    this.deliveryCount = m.info.deliveryCount;
  }

  get data(): Uint8Array {
    return this.#m.data;
  }

  get headers(): Readonly<Record<string, string>> {
    this.#headers ??= fromMsgHdrs(this.#m.headers);
    return this.#headers;
  }

  get msgId(): string | undefined {
    const id = this.#m.headers?.get(MSG_ID);
    return id === undefined || id === '' ? undefined : id;
  }
}

export class NatsDelivery implements Delivery {
  readonly msg: BusMessage;
  readonly #m: JsMsg;
  readonly #acks: AckQueue;

  constructor(m: JsMsg, ns: Namespace, acks: AckQueue) {
    this.#m = m;
    this.#acks = acks;
    this.msg = new NatsBusMessage(m, ns);
  }

  ack(): void {
    this.#acks.add(() => this.#m.ack());
  }
  nak(delayMs: number): void {
    this.#acks.add(() => this.#m.nak(delayMs > 0 ? delayMs : undefined));
  }
  // Server 2.9 ignores `+TERM <reason>` (it only knows a bare `+TERM`) and would redeliver; the
  // reason is kept on the dead-letter subject instead.
  term(): void {
    this.#acks.add(() => this.#m.term());
  }
  working(): void {
    this.#m.working();
  }
}
