// Contract: `follow`, the per-replica reader: every reader gets every message of its subject in
// stream order, from a time or only new ones, nothing acked, a handler error skipped and counted.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { BotOutcomeSchema, create, encode, SUBJECTS } from '@botsky/contracts';
import { decodeFollowed } from '../../src/decode.ts';
import { TopologyError } from '../../src/errors.ts';
import { CONSUMERS } from '../../src/topology.ts';
import { eventually } from '@botsky/async';
import { dec, enc, sleep, ACK_WAIT_MS } from '../helpers.ts';
import type { FollowHandler } from '../../src/types.ts';
import { Recorder, setup, type ContractAdapter } from './env.ts';

/** A follower that records what it reads; whatever `respond` returns is dropped (a follower cannot settle). */
const follower =
  (rec: Recorder): FollowHandler =>
  async (m) => {
    await rec.handler(m);
  };

const texts = (rec: Recorder): string[] => rec.seen.map((m) => dec(m.data));

/** Rejects, naming `what`, if `p` has not resolved within `ms`. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

export function followSuite(adapter: ContractAdapter): void {
  it('says when the replay is done: caughtUp resolves once the stored messages are handled, at once when there are none', async (t) => {
    const env = await setup(t, adapter);
    const newOnly = await env.bus.follow(SUBJECTS.battleOutcome, follower(new Recorder()));
    await within(newOnly.caughtUp, 5000, 'a reader of new messages only');
    const sent = Array.from({ length: 30 }, (_, i) => `r-${i}`);
    await env.bus.publishMany(sent.map((s) => ({ subject: SUBJECTS.battleOutcome, data: enc(s), msgId: s })));
    await env.bus.publish(SUBJECTS.ratingSnapshot, enc('same stream, not followed, stored last'));
    const handled: string[] = [];
    const seqs: number[] = [];
    const replay = await env.bus.follow(
      SUBJECTS.battleOutcome,
      async (m) => {
        await sleep(5);
        handled.push(dec(m.data));
        seqs.push(m.seq);
      },
      { sinceMs: 0 },
    );
    await within(replay.caughtUp, 10_000, 'the replay');
    assert.deepEqual(handled, sent, 'every stored message handled before caughtUp');
    assert.equal(replay.startSeq, seqs[0], 'startSeq is the first sequence it reads');
    const future = await env.bus.follow(SUBJECTS.battleOutcome, follower(new Recorder()), { sinceMs: Date.now() + 60_000 });
    await within(future.caughtUp, 5000, 'a start after everything stored');
    assert.equal(future.startSeq, (seqs.at(-1) as number) + 2, 'after the last stored message (the unfollowed one included)');
  });

  it('gives every reader on every replica every message of its subject, in order, new ones only by default', async (t) => {
    const env = await setup(t, adapter);
    const other = await env.replica();
    await env.bus.publish(SUBJECTS.botOutcome, enc('before'));
    const a = new Recorder();
    const b = new Recorder();
    const c = new Recorder();
    await env.bus.follow(SUBJECTS.botOutcome, follower(a));
    await env.bus.follow('botsky.outcomes.>', follower(b));
    await other.bus.follow(SUBJECTS.botOutcome, follower(c));
    const group = new Recorder();
    await env.bus.consume(CONSUMERS.scoringRecorderOutcomes, group.handler);
    const sent = Array.from({ length: 50 }, (_, i) => `o-${i}`);
    await env.bus.publishMany(sent.map((s) => ({ subject: SUBJECTS.botOutcome, data: enc(s), msgId: s })));
    await env.bus.publish(SUBJECTS.replyTask, enc('another stream'));
    await eventually('every reader', () => a.seen.length >= 50 && b.seen.length >= 50 && c.seen.length >= 50 && group.seen.length >= 51);
    for (const rec of [a, b, c]) {
      assert.deepEqual(texts(rec), sent, 'all of them, in stream order, nothing from before');
      assert.equal(rec.seen[0]!.subject, SUBJECTS.botOutcome);
      assert.equal(rec.seen[0]!.msgId, 'o-0');
    }
    assert.equal(group.distinct().size, 51, 'the consumer group still gets everything once');
    await sleep(ACK_WAIT_MS + 300);
    assert.equal(a.seen.length, 50, 'nothing acked, nothing redelivered');
    assert.equal(env.bus.stats().followers[SUBJECTS.botOutcome]!.delivered, 50);
  });

  it('starts at the stored messages at or after sinceMs, then goes on with new ones', async (t) => {
    const env = await setup(t, adapter);
    await env.bus.publish(SUBJECTS.botOutcome, enc('old'));
    await sleep(100);
    const since = Date.now();
    await sleep(100);
    await env.bus.publish(SUBJECTS.botOutcome, enc('recent-1'));
    await env.bus.publish(SUBJECTS.battleOutcome, enc('other stream'));
    await env.bus.publish(SUBJECTS.botOutcome, enc('recent-2'));
    const rec = new Recorder();
    const sub = await env.bus.follow(SUBJECTS.botOutcome, follower(rec), { sinceMs: since });
    await eventually('the stored ones', () => rec.seen.length >= 2);
    await env.bus.publish(SUBJECTS.botOutcome, enc('live'));
    await eventually('the live one', () => rec.seen.length >= 3);
    const all = new Recorder();
    await (await env.replica()).bus.follow(SUBJECTS.botOutcome, follower(all), { sinceMs: 0 });
    await eventually('everything stored', () => all.seen.length >= 4);
    await sub.stop();
    await env.bus.publish(SUBJECTS.botOutcome, enc('after stop'));
    await eventually('the other reader goes on', () => all.seen.length >= 5);
    await sleep(200);
    assert.deepEqual(texts(rec), ['recent-1', 'recent-2', 'live']);
    assert.deepEqual(texts(all), ['old', 'recent-1', 'recent-2', 'live', 'after stop']);
  });

  it('reports and counts a handler error and moves on to the next message', async (t) => {
    const env = await setup(t, adapter);
    const rec = new Recorder();
    rec.respond = async (m) => {
      if (dec(m.data) === 'bad') throw new Error('cannot handle this one');
      return { kind: 'nak' }; // ignored: a reader acks nothing and never redelivers
    };
    await env.bus.follow(SUBJECTS.botOutcome, follower(rec));
    for (const s of ['a', 'bad', 'b']) await env.bus.publish(SUBJECTS.botOutcome, enc(s));
    await eventually('all three', () => rec.seen.length >= 3);
    await sleep(300);
    assert.deepEqual(texts(rec), ['a', 'bad', 'b']);
    assert.deepEqual(env.bus.stats().followers[SUBJECTS.botOutcome], { delivered: 3, failed: 1 });
    assert.equal(env.errors.length, 1);
    assert.match(env.errors[0]!.message, /cannot handle this one|handler failed/);
    await assert.rejects(env.bus.follow('botsky.nowhere.x', follower(rec)), TopologyError);
    await assert.rejects(env.bus.follow('botsky.>', follower(rec)), TopologyError, 'spans several streams');
  });

  it('skips a message its follower cannot decode: counted and reported once, never thrown, the reader goes on', async (t) => {
    const env = await setup(t, adapter);
    const read: string[] = [];
    await env.bus.follow(SUBJECTS.botOutcome, (m, reader) => {
      const outcome = decodeFollowed(m, BotOutcomeSchema, reader);
      if (outcome) read.push(outcome.botId);
    });
    await env.bus.publish(SUBJECTS.botOutcome, encode(BotOutcomeSchema, create(BotOutcomeSchema, { botId: 'a' })));
    await env.bus.publish(SUBJECTS.botOutcome, new Uint8Array([0xff, 0xff, 0xff]));
    await env.bus.publish(SUBJECTS.botOutcome, encode(BotOutcomeSchema, create(BotOutcomeSchema, { botId: 'b' })));
    await eventually('all three', () => env.bus.stats().followers[SUBJECTS.botOutcome]?.delivered === 3);
    assert.deepEqual(read, ['a', 'b']);
    assert.deepEqual(env.bus.stats().followers[SUBJECTS.botOutcome], { delivered: 3, failed: 1 });
    assert.equal(env.errors.length, 1);
    assert.match(env.errors[0]!.message, /skipped seq \d+: botsky\.outcomes\.reply seq \d+: /);
  });
}
