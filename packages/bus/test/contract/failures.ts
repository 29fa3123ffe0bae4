// Contract: what happens when handlers fail, refuse, hang or die.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { SUBJECTS, deadLetterSubject } from '@botsky/contracts';
import { DEAD_LETTER_HEADERS } from '../../src/dead-letter.ts';
import { ConsumerError, PoisonMessageError } from '../../src/errors.ts';
import { CONSUMERS } from '../../src/topology.ts';
import { eventually } from '@botsky/async';
import { ACK_WAIT_MS, dec, enc, gate, sleep, testTopology } from '../helpers.ts';
import { Recorder, publishTasks, setup, type ContractAdapter, type Env } from './env.ts';

const bot = CONSUMERS.botRunner;

async function deadLetters(env: Env): Promise<Recorder> {
  const dlq = new Recorder();
  await env.bus.consume(CONSUMERS.deadLetters, dlq.handler);
  return dlq;
}

export function failuresSuite(adapter: ContractAdapter): void {
  it('naks with the delay the handler asks for, then redelivers', async (t) => {
    const env = await setup(t, adapter);
    const rec = new Recorder();
    let nakAt = 0;
    rec.respond = async (m) => {
      if (m.deliveryCount > 1) return;
      nakAt = Date.now();
      return { kind: 'nak', delayMs: 400 };
    };
    await env.bus.consume(bot, rec.handler);
    await publishTasks(env.bus, 1);
    await eventually('the redelivery', () => rec.seen.length === 2);
    assert.equal(rec.seen[1]!.deliveryCount, 2);
    assert.ok(rec.times[1]! - nakAt >= 350, `redelivered after ${rec.times[1]! - nakAt} ms, wanted >= 400`);
    assert.equal(env.bus.stats().consumers[bot]!.nacked, 1);
  });

  it('retries a thrown error with the consumer retry delay, reporting it', async (t) => {
    const env = await setup(t, adapter, testTopology({ retryDelaysMs: [300] }, [bot]));
    const rec = new Recorder();
    rec.respond = async (m) => {
      if (m.deliveryCount < 3) throw new Error(`flaky ${m.deliveryCount}`);
    };
    await env.bus.consume(bot, rec.handler);
    await publishTasks(env.bus, 1);
    await eventually('success on the third try', () => env.bus.stats().consumers[bot]?.acked === 1);
    assert.deepEqual(
      rec.seen.map((m) => m.deliveryCount),
      [1, 2, 3],
    );
    assert.ok(rec.times[1]! - rec.times[0]! >= 250 && rec.times[2]! - rec.times[1]! >= 250, 'waited the retry delay');
    const reported = env.errors.filter((e) => e instanceof ConsumerError);
    assert.equal(reported.length, 2);
    assert.match((reported[0]!.cause as Error).message, /flaky 1/);
  });

  it('dead-letters a termed message with its reason, counts it and never redelivers it', async (t) => {
    const env = await setup(t, adapter);
    const dlq = await deadLetters(env);
    const rec = new Recorder();
    rec.respond = async () => ({ kind: 'term', reason: 'bad payload\nline two' });
    await env.bus.consume(bot, rec.handler);
    await env.bus.publish(SUBJECTS.replyTask, enc('poison'), { msgId: 'p-1', headers: { 'x-trace': 't1' } });
    await eventually('the dead letter', () => dlq.seen.length === 1);
    const d = dlq.seen[0]!;
    assert.equal(d.subject, deadLetterSubject(bot));
    assert.equal(dec(d.data), 'poison');
    assert.equal(d.headers[DEAD_LETTER_HEADERS.reason], 'bad payload line two');
    assert.equal(d.headers[DEAD_LETTER_HEADERS.subject], SUBJECTS.replyTask);
    assert.equal(d.headers[DEAD_LETTER_HEADERS.consumer], bot);
    assert.equal(d.headers[DEAD_LETTER_HEADERS.deliveries], '1');
    assert.equal(d.headers[DEAD_LETTER_HEADERS.seq], String(rec.seen[0]!.seq));
    assert.equal(d.headers[DEAD_LETTER_HEADERS.msgId], 'p-1');
    assert.equal(d.headers['x-trace'], 't1');
    await sleep(ACK_WAIT_MS + 500);
    assert.equal(rec.seen.length, 1, 'terminated, not redelivered');
    assert.equal(env.bus.stats().consumers[bot]!.deadLettered, 1);
  });

  it('treats a thrown PoisonMessageError as term and calls onDeadLetter', async (t) => {
    const env = await setup(t, adapter);
    const events: string[] = [];
    const hooked = await env.replica(undefined, { onDeadLetter: (e) => events.push(`${e.consumer}:${e.reason}`) });
    const dlq = await deadLetters(env);
    const rec = new Recorder();
    rec.respond = async () => {
      throw new PoisonMessageError('cannot decode');
    };
    await hooked.bus.consume(bot, rec.handler);
    await publishTasks(env.bus, 1);
    await eventually('the dead letter and its event', () => dlq.seen.length === 1 && events.length === 1);
    assert.equal(dlq.seen[0]!.headers[DEAD_LETTER_HEADERS.reason], 'cannot decode');
    assert.deepEqual(events, [`${bot}:cannot decode`]);
    await sleep(ACK_WAIT_MS + 300);
    assert.equal(rec.seen.length, 1);
  });

  it('dead-letters a message that fails maxDeliver times', async (t) => {
    const env = await setup(t, adapter, testTopology({ maxDeliver: 3, retryDelaysMs: [50] }, [bot]));
    const dlq = await deadLetters(env);
    const rec = new Recorder();
    rec.respond = async () => {
      throw new Error('boom');
    };
    await env.bus.consume(bot, rec.handler);
    await publishTasks(env.bus, 1);
    await eventually('the dead letter', () => dlq.seen.length === 1);
    assert.equal(dlq.seen[0]!.headers[DEAD_LETTER_HEADERS.reason], 'gave up after 3 deliveries: boom');
    await sleep(ACK_WAIT_MS + 300);
    assert.deepEqual(
      rec.seen.map((m) => m.deliveryCount),
      [1, 2, 3],
    );
    assert.equal(env.bus.stats().consumers[bot]!.deadLettered, 1);
  });

  it('keeps what a live consumer holds, redelivers it to another replica once it dies', async (t) => {
    const hold = gate();
    t.after(hold.open); // before setup's teardown, which waits for handlers to finish
    const env = await setup(t, adapter);
    const doomed = await env.replica();
    const started: number[] = [];
    await doomed.bus.consume(
      bot,
      async (m) => {
        started.push(m.seq);
        await hold.wait; // the effect never completes: this process dies first
      },
      { maxInFlight: 10 },
    );
    const seqs = await publishTasks(env.bus, 5);
    await eventually('the doomed replica to take all five', () => started.length === 5);
    const rec = new Recorder();
    await env.bus.consume(bot, rec.handler);
    await sleep(ACK_WAIT_MS * 1.5);
    assert.equal(rec.seen.length, 0, 'a live consumer keeps its messages past ack wait');
    await doomed.kill();
    await eventually('redelivery to the survivor', () => rec.seen.length >= 5);
    assert.deepEqual(
      [...rec.distinct()].sort((a, b) => a - b),
      seqs,
    );
    assert.ok(rec.seen.every((m) => m.deliveryCount === 2));
    hold.open();
    await sleep(ACK_WAIT_MS + 300);
    assert.equal(rec.seen.length, 5, 'the dead handlers finishing late ack nothing; the survivor acked');
  });

  it('dead-letters, without calling the handler, a message whose last delivery died', async (t) => {
    const hold = gate();
    t.after(hold.open); // before setup's teardown, which waits for handlers to finish
    const env = await setup(t, adapter, testTopology({ maxDeliver: 2, retryDelaysMs: [50] }, [bot]));
    const dlq = await deadLetters(env);
    const doomed = await env.replica();
    const first = new Recorder();
    first.respond = async (m) => {
      if (m.deliveryCount === 1) throw new Error('first try fails');
      await hold.wait;
    };
    await doomed.bus.consume(bot, first.handler);
    await publishTasks(env.bus, 1);
    await eventually('the last allowed delivery', () => first.seen.length === 2);
    await doomed.kill();
    const survivor = new Recorder();
    await env.bus.consume(bot, survivor.handler);
    await eventually('the dead letter', () => dlq.seen.length === 1);
    assert.equal(dlq.seen[0]!.headers[DEAD_LETTER_HEADERS.reason], 'not acknowledged after 2 deliveries');
    assert.equal(dlq.seen[0]!.headers[DEAD_LETTER_HEADERS.deliveries], '3');
    assert.equal(survivor.seen.length, 0);
  });

  it('keeps a long handler message past ack wait (working), delivered once', async (t) => {
    const env = await setup(t, adapter);
    const rec = new Recorder();
    rec.respond = () => sleep(ACK_WAIT_MS * 2.5);
    await env.bus.consume(bot, rec.handler);
    await publishTasks(env.bus, 1);
    await eventually('the slow ack', () => env.bus.stats().consumers[bot]?.acked === 1, { timeoutMs: 10_000 });
    await sleep(ACK_WAIT_MS + 300);
    assert.equal(rec.seen.length, 1);
  });
}
