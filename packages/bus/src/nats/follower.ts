// A `follow` reader on NATS: an ordered consumer (ephemeral, in memory on the server, no acks,
// re-created by the client from the last stream sequence it saw after a gap or a lost
// heartbeat). Server 2.9: one filter subject.
//
// The client re-creates an ordered consumer from "the last sequence seen + 1", which is 1 when
// nothing was seen yet, so a consumer started "by time" or "new only" that resets before its
// first message would replay the whole stream. So the start is turned into a sequence first.

import { backoffDelay, type Backoff } from '@botsky/async';
import { AckPolicy, DeliverPolicy, type ConsumerMessages, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { TopologyError } from '../errors.ts';
import type { FollowRunner } from '../follower.ts';
import type { Namespace } from '../namespace.ts';
import type { FollowSubscription } from '../types.ts';
import { NatsBusMessage } from './message.ts';

export interface NatsFollowDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  ns: Namespace;
  stream: string;
  subject: string;
  runner: FollowRunner;
  sinceMs: number | undefined;
  onStopped: () => void;
}

const BATCH = 256;
// Pulls expire, and the server's heartbeats come at half that: two missed heartbeats (a consumer
// deleted under the reader, a server restart) are noticed within seconds, not the default 30.
const PULL_EXPIRES_MS = 5_000;

export async function startNatsFollower(d: NatsFollowDeps): Promise<NatsFollower> {
  const stream = d.ns.stream(d.stream);
  const filter = d.ns.subject(d.subject);
  try {
    const start = await startSequence(d.jsm, stream, filter, d.sinceMs);
    const messages = await openMessages(d, start.seq);
    return new NatsFollower(d, messages, start.seq, start.pending);
  } catch (err) {
    throw new TopologyError(`cannot follow ${d.subject}: ${(err as Error).message} (was ensureTopology called?)`, { cause: err });
  }
}

async function openMessages(d: NatsFollowDeps, fromSeq: number): Promise<ConsumerMessages> {
  const consumer = await d.js.consumers.get(d.ns.stream(d.stream), { filter_subjects: d.ns.subject(d.subject), opt_start_seq: fromSeq });
  return consumer.consume({ max_messages: BATCH, expires: PULL_EXPIRES_MS });
}

/** Waits before re-opening a reader whose messages ended: 1 s, doubling, at most 30 s. */
const REOPEN_BACKOFF: Backoff = { initialMs: 1000, maxMs: 30_000, jitter: 0 };

// "New only": after the last stored message. "Since": the server finds the first message at or
// after the time for a throwaway consumer, whose info then says where it would start and how many
// stored messages on the subject lie ahead (the replay).
async function startSequence(
  jsm: JetStreamManager,
  stream: string,
  filter: string,
  sinceMs: number | undefined,
): Promise<{ seq: number; pending: number }> {
  if (sinceMs === undefined) return { seq: (await jsm.streams.info(stream)).state.last_seq + 1, pending: 0 };
  const probe = await jsm.consumers.add(stream, {
    filter_subject: filter,
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: new Date(sinceMs).toISOString(),
    ack_policy: AckPolicy.None,
    mem_storage: true,
    inactive_threshold: 60_000 * 1_000_000, // ns
  });
  void jsm.consumers.delete(stream, probe.name).catch(() => {}); // expires by itself otherwise
  return { seq: probe.delivered.stream_seq + 1, pending: probe.num_pending };
}

export class NatsFollower implements FollowSubscription {
  readonly caughtUp: Promise<void>;
  readonly startSeq: number;
  #markCaughtUp: () => void = () => {};
  readonly #d: NatsFollowDeps;
  #messages: ConsumerMessages;
  readonly #loop: Promise<void>;
  /** The next stream sequence to read: where a re-opened reader starts. */
  #nextSeq: number;
  #stopped = false;
  #stopping: Promise<void> | undefined;
  #wake: () => void = () => {};

  constructor(deps: NatsFollowDeps, messages: ConsumerMessages, startSeq: number, pendingAtStart: number) {
    this.#d = deps;
    this.#messages = messages;
    this.#nextSeq = startSeq;
    this.startSeq = startSeq;
    this.caughtUp = new Promise((resolve) => (this.#markCaughtUp = resolve));
    if (pendingAtStart === 0) this.#markCaughtUp();
    this.#loop = this.#run();
  }

  // The client re-creates an ordered consumer by itself after a gap or missed heartbeats; when
  // its messages end anyway (the consumer or stream was deleted, the client gave up), the reader
  // is re-opened from the next sequence with backoff, so state built from it never silently
  // freezes. Each stop is reported (and so counted by the caller's hooks).
  async #run(): Promise<void> {
    for (let attempt = 0; !this.#stopped; attempt++) {
      try {
        for await (const m of this.#messages) {
          if (this.#stopped) return;
          attempt = 0;
          this.#nextSeq = m.seq + 1;
          await this.#d.runner.handle(new NatsBusMessage(m, this.#d.ns));
          // The server counts what is left for this reader after each message: none, replay done.
          if (m.info.pending === 0) this.#markCaughtUp();
        }
        if (this.#stopped) return;
        this.#d.runner.report('the reader ended; re-opening it', new Error('consumer messages ended'));
      } catch (err) {
        if (this.#stopped) return;
        this.#d.runner.report('the reader stopped; re-opening it', err);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoffDelay(attempt + 1, REOPEN_BACKOFF));
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (this.#stopped) return;
      try {
        this.#messages = await openMessages(this.#d, this.#nextSeq);
      } catch (err) {
        this.#d.runner.report('could not re-open the reader', err);
      }
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
    this.#wake();
    void this.#messages.close().catch(() => {});
    this.#d.onStopped();
  }
}
