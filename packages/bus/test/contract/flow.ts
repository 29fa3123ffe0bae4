// Contract: ordering, backpressure, and stopping cleanly.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { SUBJECTS } from '@botsky/contracts';
import type { BusMessage } from '../../src/types.ts';
import { TopologyError } from '../../src/errors.ts';
import { CONSUMERS } from '../../src/topology.ts';
import { eventually } from '@botsky/async';
import { ACK_WAIT_MS, dec, enc, gate, sleep } from '../helpers.ts';
import { Concurrency, Recorder, publishTasks, setup, type ContractAdapter } from './env.ts';

const bot = CONSUMERS.botRunner;
const indexOf = (m: BusMessage): number => Number(dec(m.data).split('-').pop());

export function flowSuite(adapter: ContractAdapter): void {
  it('runs one key at a time in order, different keys in parallel', async (t) => {
    const env = await setup(t, adapter);
    const keys = 5;
    const perKey = new Map<string, number[]>();
    const busy = new Set<string>();
    const all = new Concurrency();
    let overlapSameKey = false;
    await env.bus.consume(
      bot,
      (m) =>
        all.around(async () => {
          const key = m.headers.key!;
          if (busy.has(key)) overlapSameKey = true;
          busy.add(key);
          await sleep(Math.random() * 4);
          perKey.set(key, [...(perKey.get(key) ?? []), indexOf(m)]);
          busy.delete(key);
        }),
      { maxInFlight: 16, orderingKey: (m) => m.headers.key! },
    );
    await publishTasks(env.bus, 200, 'ord', (i) => ({ key: `k${i % keys}` }));
    await eventually('200 handled', () => [...perKey.values()].reduce((n, v) => n + v.length, 0) >= 200);
    assert.equal(overlapSameKey, false, 'a key never runs twice at once');
    for (const [key, seen] of perKey) {
      assert.deepEqual(
        seen,
        [...seen].sort((a, b) => a - b),
        `${key} in publish order`,
      );
      assert.equal(seen.length, 40);
    }
    assert.ok(all.max > 1, 'keys ran in parallel');
  });

  it('never runs more than maxInFlight handlers per subscription', async (t) => {
    const env = await setup(t, adapter);
    const one = new Concurrency();
    const two = new Concurrency();
    const total = new Concurrency();
    let done = 0;
    let maxReported = 0;
    const handler = (c: Concurrency) => async () => {
      await total.around(() => c.around(() => sleep(15)));
      maxReported = Math.max(maxReported, env.bus.stats().consumers[bot]!.inFlight);
      done++;
    };
    await env.bus.consume(bot, handler(one), { maxInFlight: 4 });
    await env.bus.consume(bot, handler(two), { maxInFlight: 2 });
    await publishTasks(env.bus, 60);
    await eventually('60 handled', () => done >= 60);
    assert.equal(one.max, 4);
    assert.equal(two.max, 2);
    assert.ok(total.max <= 6);
    assert.ok(maxReported <= 6);
  });

  it('stops cleanly: finishes and acks what started, hands the rest to the next subscriber', async (t) => {
    const env = await setup(t, adapter);
    const started = new Set<number>();
    const finished = new Set<number>();
    const sub = await env.bus.consume(
      bot,
      async (m) => {
        started.add(m.seq);
        await sleep(50);
        finished.add(m.seq);
      },
      { maxInFlight: 4 },
    );
    await publishTasks(env.bus, 30);
    await eventually('some work done', () => finished.size >= 6);
    await sub.stop();
    assert.deepEqual(finished, started, 'every started handler finished before stop resolved');
    const atStop = started.size;
    assert.ok(atStop < 30);
    await sleep(200);
    assert.equal(started.size, atStop, 'nothing starts after stop');
    const next = new Recorder();
    await env.bus.consume(bot, next.handler, { maxInFlight: 30 });
    await eventually('the rest', () => next.distinct().size >= 30 - atStop, { timeoutMs: 5000 });
    await sleep(ACK_WAIT_MS + 300);
    for (const m of next.seen) assert.ok(!finished.has(m.seq), `seq ${m.seq} was acked before stop, not redelivered`);
    assert.equal(next.seen.length, 30 - atStop);
  });

  it("reports a consumer's lag as the server counts it, whichever replica asks", async (t) => {
    const env = await setup(t, adapter);
    const other = await env.replica();
    const lag = () => other.bus.consumerLag(bot);
    const lagIs = (pending: number, ackPending: number) =>
      eventually(`${pending} pending and ${ackPending} awaiting an ack`, async () => {
        const l = await lag();
        return l.pending === pending && l.ackPending === ackPending;
      });
    assert.deepEqual(await lag(), { pending: 0, ackPending: 0 });
    await env.bus.publish(SUBJECTS.matchDecision, enc('not on the filter'));
    await publishTasks(env.bus, 6, 'lag');
    await lagIs(6, 0);
    const held = gate();
    let started = 0;
    let done = 0;
    await env.bus.consume(
      bot,
      async () => {
        started++;
        await held.wait;
        done++;
      },
      { maxInFlight: 2 },
    );
    await eventually('two handlers holding their messages', () => started === 2);
    await lagIs(4, 2);
    held.open();
    await eventually('all six handled', () => done === 6);
    await lagIs(0, 0);
    await assert.rejects(other.bus.consumerLag('no-such-consumer'), TopologyError);
  });

  it('close() waits for in-flight handlers, their acks and dead letters', async (t) => {
    const env = await setup(t, adapter);
    const closing = await env.replica();
    const dlq = new Recorder();
    await env.bus.consume(CONSUMERS.deadLetters, dlq.handler);
    const finished: number[] = [];
    let started = 0;
    await closing.bus.consume(
      bot,
      async (m) => {
        started++;
        await sleep(200);
        finished.push(m.seq);
        return indexOf(m) === 0 ? { kind: 'term', reason: 'decided while closing' } : undefined;
      },
      { maxInFlight: 3 },
    );
    await publishTasks(env.bus, 3);
    await eventually('three started', () => started === 3);
    await closing.bus.close();
    assert.equal(finished.length, 3);
    await assert.rejects(closing.bus.publish('botsky.tasks.reply', new Uint8Array(1)), /closed/);
    const after = new Recorder();
    await env.bus.consume(bot, after.handler);
    await eventually('the dead letter decided during close', () => dlq.seen.length === 1);
    await sleep(ACK_WAIT_MS + 300);
    assert.equal(after.seen.length, 0, 'all three were settled before close resolved');
  });
}
