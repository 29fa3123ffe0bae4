// Shared by the bus tests: namespaces, short timings, waiting, and NATS clean-up.

import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { deleteNamespace } from '../src/nats/admin.ts';
import { STREAMS } from '@botsky/contracts';
import { TOPOLOGY, withConsumerTiming, withStreamLimits, type ConsumerTiming, type StreamKey, type Topology } from '../src/topology.ts';

export { sleep };

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

// Long enough that a loaded 2-core machine (event-loop stalls of half a second happen) does not
// cause spurious redeliveries; short enough that tests waiting out an ack wait stay quick.
export const ACK_WAIT_MS = 2000;

export function randomNamespace(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

// The server reserves each stream's max bytes against its store, and the contract suite runs
// a few dozen namespaces at once: the default limits (about 2 GiB a namespace) would not fit.
const TEST_STREAM_BYTES = 32 * 1024 * 1024;
const smallStreams = Object.fromEntries(Object.keys(STREAMS).map((k) => [k, { maxBytes: TEST_STREAM_BYTES }])) as Partial<
  Record<StreamKey, { maxBytes: number }>
>;

/** The real topology with timings short enough for tests, and small streams. */
export function testTopology(timing: ConsumerTiming = {}, only?: readonly string[]): Topology {
  const base = withConsumerTiming(withStreamLimits(TOPOLOGY, smallStreams), {
    ackWaitMs: ACK_WAIT_MS,
    retryDelaysMs: [100],
    maxDeliver: 4,
    maxWorkingMs: 60_000,
  });
  return withConsumerTiming(base, timing, only);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
export const enc = (s: string): Uint8Array => encoder.encode(s);
export const dec = (b: Uint8Array): string => decoder.decode(b);

/** A promise with its resolver, to hold a handler until the test lets it go. */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {};
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

/** Deletes every stream (and KV bucket) of a namespace on the NATS server. */
export async function deleteNatsNamespace(namespace: string, servers = NATS_URL): Promise<void> {
  await deleteNamespace(servers, namespace);
}
