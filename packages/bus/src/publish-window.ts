// Publishing one message at a time waits a round trip per message; a window of outstanding
// publishes keeps the connection busy while bounding memory and the server's inbound queue.
// The window is filled in chunks issued synchronously, so a chunk leaves in one socket write
// instead of one write per message (the client flushes once per microtask turn).

import { BusPublishError } from './errors.ts';
import type { OutgoingMessage, PublishAck, PublishOptions } from './types.ts';

type Publish = (subject: string, data: Uint8Array, opts?: PublishOptions) => Promise<PublishAck>;

const CHUNKS_IN_FLIGHT = 4;

export async function publishWindowed(publish: Publish, messages: readonly OutgoingMessage[], window: number): Promise<PublishAck[]> {
  const acks = new Array<PublishAck>(messages.length);
  const chunk = Math.max(1, Math.ceil(window / CHUNKS_IN_FLIGHT));
  let next = 0;
  let failure: { err: unknown; index: number } | undefined;
  const sendChunk = (): Promise<unknown> => {
    const from = next;
    next = Math.min(next + chunk, messages.length);
    const pending: Promise<void>[] = [];
    for (let i = from; i < next; i++) {
      const m = messages[i] as OutgoingMessage;
      pending.push(
        publish(m.subject, m.data, m).then(
          (ack) => {
            acks[i] = ack;
          },
          (err: unknown) => {
            failure ??= { err, index: i };
          },
        ),
      );
    }
    return Promise.all(pending);
  };
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < messages.length) await sendChunk();
  };
  await Promise.all(Array.from({ length: CHUNKS_IN_FLIGHT }, worker));
  if (failure !== undefined) {
    throw new BusPublishError(`publishMany failed at message ${failure.index} of ${messages.length}`, { cause: failure.err });
  }
  return acks;
}
