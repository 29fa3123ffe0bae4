// What both adapters share for `follow`: finding the stream of a followed subject, and running
// the handler on each message in order, where a skipped message or a failure is reported and
// counted, never retried.

import { ConsumerError, TopologyError } from './errors.ts';
import { patternWithin } from './subject-match.ts';
import type { StreamSpec, Topology } from './topology.ts';
import type { BusHooks, BusMessage, FollowHandler, FollowReader, FollowerStats } from './types.ts';

/** The one stream that stores every subject `subject` (a pattern) can match. */
export function followedStream(topology: Topology, subject: string): StreamSpec {
  const valid = subject.length > 0 && subject.split('.').every((t, i, all) => t.length > 0 && (t !== '>' || i === all.length - 1));
  if (!valid || /\s/.test(subject)) throw new TopologyError(`cannot follow "${subject}": not a subject`);
  const spec = topology.streams.find((s) => s.subjects.some((p) => patternWithin(subject, p)));
  if (spec === undefined) throw new TopologyError(`cannot follow ${subject}: no stream holds it`);
  return spec;
}

export class FollowRunner {
  readonly #subject: string;
  readonly #handler: FollowHandler;
  readonly #stats: FollowerStats;
  readonly #hooks: BusHooks;

  constructor(subject: string, handler: FollowHandler, stats: FollowerStats, hooks: BusHooks) {
    this.#subject = subject;
    this.#handler = handler;
    this.#stats = stats;
    this.#hooks = hooks;
  }

  /** Never rejects: the reader moves on whatever the handler does. */
  async handle(msg: BusMessage): Promise<void> {
    this.#stats.delivered++;
    const reader: FollowReader = {
      skip: (reason, cause) => {
        this.#stats.failed++;
        this.report(`skipped seq ${msg.seq}: ${reason}`, cause);
      },
    };
    try {
      await this.#handler(msg, reader);
    } catch (err) {
      this.#stats.failed++;
      this.report(`handler failed on seq ${msg.seq}`, err);
    }
  }

  report(message: string, cause: unknown): void {
    this.#hooks.onError?.(new ConsumerError(`follow ${this.#subject}`, message, { cause }));
  }
}
