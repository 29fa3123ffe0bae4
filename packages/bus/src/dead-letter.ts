// Poison messages are kept, not dropped: the original data and headers go to
// `botsky.dlq.<consumer>` with why and where they failed, before the original is terminated.

import { deadLetterSubject } from '@botsky/contracts';
import type { ConsumerSpec } from './topology.ts';
import type { BusMessage, PublishAck, PublishOptions } from './types.ts';

export const DEAD_LETTER_HEADERS = {
  reason: 'Botsky-Dlq-Reason',
  subject: 'Botsky-Dlq-Subject',
  stream: 'Botsky-Dlq-Stream',
  consumer: 'Botsky-Dlq-Consumer',
  seq: 'Botsky-Dlq-Seq',
  deliveries: 'Botsky-Dlq-Deliveries',
  msgId: 'Botsky-Dlq-Msg-Id',
} as const;

type Publish = (subject: string, data: Uint8Array, opts?: PublishOptions) => Promise<PublishAck>;

export type DeadLetterFn = (msg: BusMessage, reason: string) => Promise<void>;

// NATS header values cannot hold line breaks, and a reason should not balloon the message.
function headerValue(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').slice(0, 1024);
}

export function deadLetterer(publish: Publish, spec: ConsumerSpec): DeadLetterFn {
  return async (msg, reason) => {
    const headers: Record<string, string> = {
      ...msg.headers,
      [DEAD_LETTER_HEADERS.reason]: headerValue(reason),
      [DEAD_LETTER_HEADERS.subject]: msg.subject,
      [DEAD_LETTER_HEADERS.stream]: spec.stream,
      [DEAD_LETTER_HEADERS.consumer]: spec.name,
      [DEAD_LETTER_HEADERS.seq]: String(msg.seq),
      [DEAD_LETTER_HEADERS.deliveries]: String(msg.deliveryCount),
    };
    if (msg.msgId !== undefined) headers[DEAD_LETTER_HEADERS.msgId] = msg.msgId;
    // The id makes a retried dead-lettering (crash between publish and term) store one copy.
    const msgId = `dlq:${spec.stream}:${spec.name}:${msg.seq}`;
    await publish(deadLetterSubject(spec.name), msg.data, { msgId, headers });
  };
}
