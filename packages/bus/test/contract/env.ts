// What the contract suite needs from an adapter, and a per-test environment: a fresh namespace,
// buses that share it (replicas), and clean-up in `t.after`, whatever happens.

import type { TestContext } from 'node:test';
import { SUBJECTS } from '@botsky/contracts';
import type { Topology } from '../../src/topology.ts';
import type { Bus, BusHooks, BusMessage, Disposition, Handler } from '../../src/types.ts';
import { enc, randomNamespace, testTopology } from '../helpers.ts';

/** A bus plus a way to make it die like a killed process (nothing acked, nothing drained). */
export interface TestBus {
  bus: Bus;
  kill(): Promise<void>;
}

export interface ContractAdapter {
  name: string;
  /** Buses opened with the same namespace share streams and consumers, like processes on one server. */
  open(namespace: string, topology: Topology, hooks: BusHooks): Promise<TestBus>;
  cleanup(namespace: string): Promise<void>;
}

export interface Env {
  ns: string;
  bus: Bus;
  errors: Error[];
  /** Another replica on the same namespace. */
  replica(topology?: Topology, hooks?: BusHooks): Promise<TestBus>;
  first: TestBus;
}

export async function setup(t: TestContext, adapter: ContractAdapter, topology: Topology = testTopology()): Promise<Env> {
  const ns = randomNamespace();
  const opened: TestBus[] = [];
  const errors: Error[] = [];
  const hooks: BusHooks = { onError: (err) => errors.push(err) };
  t.after(async () => {
    await Promise.allSettled(opened.map((b) => b.bus.close()));
    await adapter.cleanup(ns);
  });
  const replica = async (top: Topology = topology, extra: BusHooks = {}): Promise<TestBus> => {
    const b = await adapter.open(ns, top, { ...hooks, ...extra });
    opened.push(b);
    await b.bus.ensureTopology();
    return b;
  };
  const first = await replica();
  return { ns, bus: first.bus, errors, replica, first };
}

/** Records what a handler saw; `respond` decides the disposition. */
export class Recorder {
  readonly seen: BusMessage[] = [];
  readonly times: number[] = [];
  respond: (msg: BusMessage) => Promise<Disposition | void> = async () => {};

  readonly handler: Handler = async (msg) => {
    this.seen.push(msg);
    this.times.push(Date.now());
    return this.respond(msg);
  };

  count(predicate: (m: BusMessage) => boolean = () => true): number {
    return this.seen.filter(predicate).length;
  }

  distinct(): Set<number> {
    return new Set(this.seen.map((m) => m.seq));
  }
}

/** Publishes n reply tasks with ids `${prefix}-${i}` and returns their sequences. */
export async function publishTasks(
  bus: Bus,
  n: number,
  prefix = 'task',
  headers?: (i: number) => Record<string, string>,
): Promise<number[]> {
  const acks = await bus.publishMany(
    Array.from({ length: n }, (_, i) => ({
      subject: SUBJECTS.replyTask,
      data: enc(`${prefix}-${i}`),
      msgId: `${prefix}-${i}`,
      ...(headers === undefined ? {} : { headers: headers(i) }),
    })),
  );
  return acks.map((a) => a.seq);
}

/** Tracks how many handlers run at once. */
export class Concurrency {
  current = 0;
  max = 0;
  async around<T>(fn: () => Promise<T>): Promise<T> {
    this.current++;
    this.max = Math.max(this.max, this.current);
    try {
      return await fn();
    } finally {
      this.current--;
    }
  }
}
