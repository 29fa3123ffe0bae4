// The one module that declares BotSky's streams and durable consumers. Both adapters create
// exactly this at start-up (idempotently), so a consumer name means the same thing everywhere.
// A durable consumer is a consumer group: every replica that consumes it shares the work.

import { KV_BUCKETS, STREAMS, STREAM_SUBJECTS } from '@botsky/contracts';
import { TopologyError } from './errors.ts';
import { patternWithin } from './subject-match.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface StreamSpec {
  /** Logical name (from STREAMS); the namespace is prefixed by the adapter. */
  name: string;
  subjects: string[];
  maxAgeMs: number;
  /** Publishes with a msgId already seen inside this window are dropped. */
  duplicateWindowMs: number;
  /** -1: unlimited. When reached, the oldest messages are discarded. */
  maxMsgs: number;
  /** Bytes the stream may hold (the server reserves them); beyond it the oldest are discarded. */
  maxBytes: number;
}

export interface ConsumerSpec {
  name: string;
  stream: string;
  /** One subject filter: server 2.9 allows only one per consumer. */
  filterSubject: string;
  /** A delivery not acked (or marked working) within this time is redelivered. */
  ackWaitMs: number;
  /** How many times a handler may see a message before it is dead-lettered. */
  maxDeliver: number;
  /** Nak delay after a handler failure, by attempt; the last one repeats. */
  retryDelaysMs: number[];
  /** Unacked deliveries allowed across all replicas; must exceed the replicas' in-flight sum. */
  maxAckPending: number;
  /** A handler running longer loses its ack-wait extensions, so a hung one cannot hold a message. */
  maxWorkingMs: number;
}

export interface Topology {
  streams: StreamSpec[];
  consumers: ConsumerSpec[];
}

export const CONSUMERS = {
  matchmaker: 'matchmaker',
  botRunner: 'bot-runner',
  scoringRecorderNetwork: 'scoring-recorder-network',
  scoringRecorderTasks: 'scoring-recorder-tasks',
  scoringRecorderOutcomes: 'scoring-recorder-outcomes',
  scoringRecorderFeed: 'scoring-recorder-feed',
  scoringRecorderScores: 'scoring-recorder-scores',
  /** Reads the dead-letter stream (operators, tests). */
  deadLetters: 'dead-letters',
} as const;

export type ConsumerName = (typeof CONSUMERS)[keyof typeof CONSUMERS];

/** The limits an operator sizes, per stream (docs/configuration.md, "Every service"). */
export interface StreamLimits {
  maxAgeMs: number;
  maxBytes: number;
}

/** A stream's key in STREAMS (`network`, `deadLetter`, ...): config and chart values use it. */
export type StreamKey = keyof typeof STREAMS;

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** How long the network stream keeps events: a post can be replayed (and decided again) this long. */
const NETWORK_MAX_AGE_MS = 7 * DAY;

/**
 * What each stream keeps unless configured: bounded in bytes as well as in age, so a busy network
 * or a stalled consumer cannot fill the server's disk. The sum (about 2.1 GiB) fits the chart's
 * bundled NATS (8 GB of file store) with room to spare.
 */
export const DEFAULT_STREAM_LIMITS: Readonly<Record<StreamKey, StreamLimits>> = {
  network: { maxAgeMs: NETWORK_MAX_AGE_MS, maxBytes: GiB },
  tasks: { maxAgeMs: 7 * DAY, maxBytes: 128 * MiB },
  outcomes: { maxAgeMs: 30 * DAY, maxBytes: 256 * MiB },
  feed: { maxAgeMs: 7 * DAY, maxBytes: 512 * MiB },
  scores: { maxAgeMs: 30 * DAY, maxBytes: 128 * MiB },
  deadLetter: { maxAgeMs: 30 * DAY, maxBytes: 128 * MiB },
};

/**
 * The longest each stream may keep messages. The network stream's is what the matchmaker's
 * decisions are remembered for (KV_TTL_MS): a post replayed after its decision expired would be
 * decided, and answered, again.
 */
export const MAX_STREAM_AGE_MS: Readonly<Record<StreamKey, number>> = {
  network: NETWORK_MAX_AGE_MS,
  tasks: 90 * DAY,
  outcomes: 90 * DAY,
  feed: 90 * DAY,
  scores: 90 * DAY,
  deadLetter: 90 * DAY,
};

function stream(key: StreamKey, duplicateWindowMs: number, maxMsgs = -1): StreamSpec {
  const name = STREAMS[key];
  return { name, subjects: [STREAM_SUBJECTS[name]], duplicateWindowMs, maxMsgs, ...DEFAULT_STREAM_LIMITS[key] };
}

// Network events are deduplicated by record URI and CID; an hour covers ingest replaying from
// a cursor after a crash. Tasks and outcomes carry deterministic ids published right away.
const streams: StreamSpec[] = [
  stream('network', HOUR),
  stream('tasks', 2 * MINUTE),
  stream('outcomes', 10 * MINUTE),
  stream('feed', 2 * MINUTE),
  stream('scores', 2 * MINUTE),
  stream('deadLetter', 2 * MINUTE, 1_000_000),
];

const defaults = {
  ackWaitMs: 30 * SECOND,
  maxDeliver: 5,
  retryDelaysMs: [1 * SECOND, 5 * SECOND, 30 * SECOND],
  maxAckPending: 10_000,
  maxWorkingMs: 10 * MINUTE,
};

function consumer(name: string, streamName: string, filterSubject: string, extra: Partial<ConsumerSpec> = {}): ConsumerSpec {
  return { ...defaults, name, stream: streamName, filterSubject, ...extra };
}

const consumers: ConsumerSpec[] = [
  consumer(CONSUMERS.matchmaker, STREAMS.network, STREAM_SUBJECTS[STREAMS.network]),
  // LLM calls are slow and cost money: a longer ack wait, fewer and slower retries.
  consumer(CONSUMERS.botRunner, STREAMS.tasks, 'botsky.tasks.reply', {
    ackWaitMs: 60 * SECOND,
    retryDelaysMs: [5 * SECOND, 30 * SECOND, 2 * MINUTE],
    maxAckPending: 2_000,
  }),
  // The feed has no consumer group: every replica follows outcomes and deletes itself (`follow`).
  consumer(CONSUMERS.scoringRecorderNetwork, STREAMS.network, STREAM_SUBJECTS[STREAMS.network]),
  consumer(CONSUMERS.scoringRecorderTasks, STREAMS.tasks, STREAM_SUBJECTS[STREAMS.tasks]),
  consumer(CONSUMERS.scoringRecorderOutcomes, STREAMS.outcomes, STREAM_SUBJECTS[STREAMS.outcomes]),
  consumer(CONSUMERS.scoringRecorderFeed, STREAMS.feed, STREAM_SUBJECTS[STREAMS.feed]),
  consumer(CONSUMERS.scoringRecorderScores, STREAMS.scores, STREAM_SUBJECTS[STREAMS.scores]),
  consumer(CONSUMERS.deadLetters, STREAMS.deadLetter, STREAM_SUBJECTS[STREAMS.deadLetter]),
];

export const TOPOLOGY: Topology = { streams, consumers };

// KV entries that only matter for a while expire with their bucket's max age, so the buckets do
// not grow for ever: a post's decision must outlive any replay of the post (the network stream
// keeps 7 days), a day's mention counter the day. Buckets not listed keep their entries.
export const KV_TTL_MS: Readonly<Record<string, number>> = {
  [KV_BUCKETS.decisions]: NETWORK_MAX_AGE_MS + DAY,
  [KV_BUCKETS.mentions]: 2 * DAY,
  [KV_BUCKETS.webSessions]: 60 * DAY,
  [KV_BUCKETS.webOAuthStates]: 3_600_000,
  // A bot's shared session is rewritten at every refresh; one unused for this long is logged in afresh.
  [KV_BUCKETS.botSessions]: 60 * DAY,
};

export type ConsumerTiming = Partial<Pick<ConsumerSpec, 'ackWaitMs' | 'maxDeliver' | 'retryDelaysMs' | 'maxAckPending' | 'maxWorkingMs'>>;

/** A copy of `topology` with new timings for every consumer (or only the named ones). */
export function withConsumerTiming(topology: Topology, timing: ConsumerTiming, only?: readonly string[]): Topology {
  const pick = (c: ConsumerSpec) => only === undefined || only.includes(c.name);
  return {
    streams: topology.streams.map((s) => ({ ...s, subjects: [...s.subjects] })),
    consumers: topology.consumers.map((c) => (pick(c) ? { ...c, ...timing } : { ...c })),
  };
}

/** A copy of `topology` whose streams have the given limits (by stream key); others keep theirs. */
export function withStreamLimits(topology: Topology, limits: Partial<Record<StreamKey, Partial<StreamLimits>>>): Topology {
  const byName = new Map<string, Partial<StreamLimits> | undefined>(
    Object.entries(limits).map(([key, l]) => [STREAMS[key as StreamKey], l]),
  );
  return {
    streams: topology.streams.map((s) => ({ ...s, subjects: [...s.subjects], ...byName.get(s.name) })),
    consumers: topology.consumers.map((c) => ({ ...c })),
  };
}

export function findConsumer(topology: Topology, name: string): ConsumerSpec {
  const spec = topology.consumers.find((c) => c.name === name);
  if (spec === undefined) throw new TopologyError(`consumer ${name} is not declared in the topology`);
  return spec;
}

/** The nak delay after the `deliveryCount`-th delivery failed. */
export function retryDelayMs(spec: ConsumerSpec, deliveryCount: number): number {
  const delays = spec.retryDelaysMs;
  if (delays.length === 0) return 0;
  return delays[Math.min(Math.max(deliveryCount, 1), delays.length) - 1] ?? 0;
}

/** Throws a TopologyError naming every inconsistency (unknown stream, filter outside it, ...). */
export function validateTopology(topology: Topology): void {
  const problems: string[] = [];
  const byName = new Map(topology.streams.map((s) => [s.name, s]));
  for (const s of topology.streams) {
    if (s.duplicateWindowMs > s.maxAgeMs) problems.push(`stream ${s.name}: duplicate window exceeds max age`);
    if (!(s.maxBytes === -1 || (Number.isSafeInteger(s.maxBytes) && s.maxBytes > 0)))
      problems.push(`stream ${s.name}: max bytes must be positive or -1`);
  }
  const seen = new Set<string>();
  for (const c of topology.consumers) {
    const key = `${c.stream}/${c.name}`;
    if (seen.has(key)) problems.push(`consumer ${c.name} declared twice on ${c.stream}`);
    seen.add(key);
    const s = byName.get(c.stream);
    if (s === undefined) problems.push(`consumer ${c.name}: unknown stream ${c.stream}`);
    else if (!s.subjects.some((p) => patternWithin(c.filterSubject, p))) {
      problems.push(`consumer ${c.name}: filter ${c.filterSubject} is outside stream ${s.name}`);
    }
    if (c.maxDeliver < 1 || c.ackWaitMs <= 0) problems.push(`consumer ${c.name}: maxDeliver and ackWaitMs must be positive`);
  }
  if (problems.length > 0) throw new TopologyError(`invalid topology: ${problems.join('; ')}`);
}
