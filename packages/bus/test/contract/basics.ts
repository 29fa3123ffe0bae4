// Contract: topology, publish and consume, consumer groups, dedup, batching, KV, stats.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { STREAMS, SUBJECTS } from '@botsky/contracts';
import { BusPublishError, TopologyError } from '../../src/errors.ts';
import { CONSUMERS } from '../../src/topology.ts';
import { eventually } from '@botsky/async';
import { dec, enc, sleep, ACK_WAIT_MS } from '../helpers.ts';
import { Recorder, publishTasks, setup, type ContractAdapter } from './env.ts';

export function basicsSuite(adapter: ContractAdapter): void {
  it('creates the topology idempotently and routes subjects to their streams', async (t) => {
    const env = await setup(t, adapter);
    await env.bus.ensureTopology();
    const other = await env.replica();
    await Promise.all([env.bus.ensureTopology(), other.bus.ensureTopology()]);
    const cases: Array<[string, string]> = [
      [SUBJECTS.networkPost, STREAMS.network],
      [SUBJECTS.replyTask, STREAMS.tasks],
      [SUBJECTS.botOutcome, STREAMS.outcomes],
      [SUBJECTS.feedImpressionPage, STREAMS.feed],
      [SUBJECTS.battleOutcome, STREAMS.scores],
      ['botsky.dlq.x', STREAMS.deadLetter],
    ];
    for (const [subject, stream] of cases) {
      const ack = await env.bus.publish(subject, enc('x'));
      assert.equal(ack.stream, stream, subject);
      assert.equal(ack.duplicate, false);
    }
    await assert.rejects(env.bus.publish('botsky.nowhere.x', enc('x')), BusPublishError);
    await assert.rejects(
      env.bus.consume('no-such-consumer', async () => {}),
      TopologyError,
    );
  });

  it('delivers data, headers, msgId and sequence, only for the consumer filter', async (t) => {
    const env = await setup(t, adapter);
    const rec = new Recorder();
    await env.bus.consume(CONSUMERS.botRunner, rec.handler);
    await env.bus.publish(SUBJECTS.matchDecision, enc('not for bot-runner'));
    const ack = await env.bus.publish(SUBJECTS.replyTask, enc('hello'), { msgId: 'm-1', headers: { 'x-trace': 'abc' } });
    await eventually('the task', () => rec.seen.length === 1);
    const m = rec.seen[0]!;
    assert.equal(m.subject, SUBJECTS.replyTask);
    assert.equal(dec(m.data), 'hello');
    assert.deepEqual(m.headers, { 'x-trace': 'abc' });
    assert.equal(m.msgId, 'm-1');
    assert.equal(m.seq, ack.seq);
    assert.equal(m.deliveryCount, 1);
    await sleep(ACK_WAIT_MS + 300);
    assert.equal(rec.seen.length, 1, 'acked, so never redelivered; the decision is filtered out');
    const stats = env.bus.stats().consumers[CONSUMERS.botRunner]!;
    assert.equal(stats.acked, 1);
    assert.equal(stats.inFlight, 0);
  });

  it('shares a durable consumer between replicas: each message handled once', async (t) => {
    const env = await setup(t, adapter);
    const other = await env.replica();
    const byReplica = new Map<string, number>();
    const handled: number[] = [];
    const handlerFor = (name: string) => async (m: { seq: number }) => {
      await sleep(1);
      handled.push(m.seq);
      byReplica.set(name, (byReplica.get(name) ?? 0) + 1);
    };
    await env.bus.consume(CONSUMERS.botRunner, handlerFor('a1'), { maxInFlight: 8 });
    await env.bus.consume(CONSUMERS.botRunner, handlerFor('a2'), { maxInFlight: 8 });
    await other.bus.consume(CONSUMERS.botRunner, handlerFor('b1'), { maxInFlight: 8 });
    await publishTasks(env.bus, 300);
    await eventually('300 handled', () => handled.length >= 300);
    await sleep(300);
    assert.equal(handled.length, 300, 'no message handled twice');
    assert.equal(new Set(handled).size, 300);
    for (const name of ['a1', 'a2', 'b1']) assert.ok((byReplica.get(name) ?? 0) > 0, `${name} got work`);
  });

  it('drops a publish whose msgId was seen inside the window', async (t) => {
    const env = await setup(t, adapter);
    const first = await env.bus.publish(SUBJECTS.replyTask, enc('a'), { msgId: 'same' });
    const again = await env.bus.publish(SUBJECTS.replyTask, enc('a, retried'), { msgId: 'same' });
    const other = await env.bus.publish(SUBJECTS.replyTask, enc('b'), { msgId: 'other' });
    assert.equal(first.duplicate, false);
    assert.equal(again.duplicate, true);
    assert.equal(again.seq, first.seq);
    assert.equal(other.duplicate, false);
    const rec = new Recorder();
    await env.bus.consume(CONSUMERS.botRunner, rec.handler);
    await eventually('two messages', () => rec.seen.length >= 2);
    await sleep(200);
    assert.deepEqual(
      rec.seen.map((m) => dec(m.data)),
      ['a', 'b'],
    );
    assert.equal(env.bus.stats().duplicates, 1);
  });

  it('publishes a batch with acks in order', async (t) => {
    const env = await setup(t, adapter);
    const seqs = await publishTasks(env.bus, 500, 'batch');
    assert.equal(seqs.length, 500);
    for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i]! > seqs[i - 1]!, 'increasing sequences');
    const rec = new Recorder();
    await env.bus.consume(CONSUMERS.botRunner, rec.handler, { maxInFlight: 100 });
    await eventually('500 consumed', () => rec.seen.length >= 500);
    assert.equal(rec.distinct().size, 500);
    await assert.rejects(
      env.bus.publishMany([
        { subject: SUBJECTS.replyTask, data: enc('ok') },
        { subject: 'botsky.nowhere.x', data: enc('no') },
      ]),
      BusPublishError,
    );
  });

  it('deletes a stored message by sequence: no consumer or follower that has not read it ever does', async (t) => {
    const env = await setup(t, adapter);
    const acks = await env.bus.publishMany(
      ['keep-1', 'gone', 'keep-2'].map((s) => ({ subject: SUBJECTS.replyTask, data: enc(s), msgId: s })),
    );
    const gone = acks[1]!;
    assert.equal(await env.bus.deleteMessage(gone.stream, gone.seq), true);
    assert.equal(await env.bus.deleteMessage(gone.stream, gone.seq), false, 'a second delete finds nothing');
    assert.equal(await env.bus.deleteMessage(gone.stream, acks[2]!.seq + 100), false, 'past the end');
    await assert.rejects(env.bus.deleteMessage('NO_SUCH_STREAM', 1), TopologyError);
    const rec = new Recorder();
    await env.bus.consume(CONSUMERS.botRunner, rec.handler);
    const followed: string[] = [];
    const reader = await env.bus.follow(SUBJECTS.replyTask, (m) => void followed.push(dec(m.data)), { sinceMs: 0 });
    await reader.caughtUp;
    await eventually('the kept tasks', () => rec.seen.length === 2);
    assert.deepEqual(
      rec.seen.map((m) => dec(m.data)),
      ['keep-1', 'keep-2'],
    );
    assert.deepEqual(followed, ['keep-1', 'keep-2']);
    assert.deepEqual(await env.bus.consumerLag(CONSUMERS.botRunner).then((l) => l.pending), 0);
  });

  it('keeps KV entries with revisions and compare-and-set', async (t) => {
    const env = await setup(t, adapter);
    const kv = await env.bus.kv('botsky_consent');
    const key = 'did:plc:abc123.x y/é';
    assert.equal(await kv.get(key), undefined);
    assert.equal(await kv.update(key, enc('v0'), 0), true, 'create when absent');
    assert.equal(await kv.update(key, enc('again'), 0), false, 'create loses when present');
    const e1 = (await kv.get(key))!;
    assert.equal(dec(e1.value), 'v0');
    const r2 = await kv.put(key, enc('v1'));
    assert.ok(r2 > e1.revision);
    assert.equal(await kv.update(key, enc('stale'), e1.revision), false, 'stale revision loses');
    assert.equal(await kv.update(key, enc('v2'), r2), true);
    assert.equal(dec((await kv.get(key))!.value), 'v2');
    await kv.put('other', enc('o'));
    assert.deepEqual((await kv.keys()).sort(), [key, 'other'].sort());
    await kv.delete(key);
    assert.equal(await kv.get(key), undefined);
    assert.deepEqual(await kv.keys(), ['other']);
    assert.equal(await kv.update(key, enc('back'), 0), true, 'create after delete');
    const shared = await (await env.replica()).bus.kv('botsky_consent');
    assert.equal(dec((await shared.get(key))!.value), 'back', 'another replica sees it');
  });
}
