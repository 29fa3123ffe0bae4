// The in-process "server": streams, durable consumers and KV buckets, shared by every memory bus
// given the same broker (as NATS clients share a server). Names are namespaced by the bus.

import type { Namespace } from '../namespace.ts';
import { isValidSubject, subjectMatches } from '../subject-match.ts';
import type { Topology } from '../topology.ts';
import { MemoryConsumer } from './consumer.ts';
import { MemoryKv } from './kv.ts';
import { MemoryStream } from './stream.ts';

const MAX_ROUTES = 10_000;

export class MemoryBroker {
  readonly #streams = new Map<string, MemoryStream>();
  readonly #consumers = new Map<string, MemoryConsumer>();
  readonly #buckets = new Map<string, MemoryKv>();
  readonly #routes = new Map<string, MemoryStream | undefined>();
  #closed = false;

  /** Creates what is missing and updates specs of what exists; keeps messages and positions. */
  ensure(topology: Topology, ns: Namespace): void {
    for (const spec of topology.streams) {
      const name = ns.stream(spec.name);
      const physical = { ...spec, subjects: spec.subjects.map((s) => ns.subject(s)) };
      const existing = this.#streams.get(name);
      if (existing !== undefined) existing.spec = physical;
      else this.#streams.set(name, new MemoryStream(name, physical));
    }
    this.#routes.clear();
    for (const spec of topology.consumers) {
      const streamName = ns.stream(spec.stream);
      const key = `${streamName}/${spec.name}`;
      const existing = this.#consumers.get(key);
      if (existing !== undefined) existing.spec = spec;
      else {
        const stream = this.#streams.get(streamName) as MemoryStream;
        this.#consumers.set(key, new MemoryConsumer(spec, stream, ns.subject(spec.filterSubject)));
      }
    }
  }

  /** The stream that captures a (namespaced, wildcard-free) subject. */
  route(subject: string): MemoryStream | undefined {
    const cached = this.#routes.get(subject);
    if (cached !== undefined || this.#routes.has(subject)) return cached;
    let found: MemoryStream | undefined;
    if (!isValidSubject(subject)) return undefined;
    for (const stream of this.#streams.values()) {
      if (stream.spec.subjects.some((p) => subjectMatches(p, subject))) {
        found = stream;
        break;
      }
    }
    if (this.#routes.size >= MAX_ROUTES) this.#routes.clear();
    this.#routes.set(subject, found);
    return found;
  }

  stream(name: string): MemoryStream | undefined {
    return this.#streams.get(name);
  }

  consumer(streamName: string, consumerName: string): MemoryConsumer | undefined {
    return this.#consumers.get(`${streamName}/${consumerName}`);
  }

  /** The bucket, made on first use (with `ttlMs`, when given, as its entries' lifetime). */
  bucket(name: string, ttlMs?: number): MemoryKv {
    let kv = this.#buckets.get(name);
    if (kv === undefined) {
      kv = new MemoryKv(ttlMs === undefined ? {} : { ttlMs });
      this.#buckets.set(name, kv);
    }
    return kv;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Stops every timer; the broker is unusable afterwards. */
  close(): void {
    this.#closed = true;
    for (const c of this.#consumers.values()) c.close();
  }
}

export function createMemoryBroker(): MemoryBroker {
  return new MemoryBroker();
}
