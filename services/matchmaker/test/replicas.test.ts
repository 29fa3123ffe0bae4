// Exactly once: two replicas consuming the same stream, a replay of the same events to a fresh
// replica, and two replicas handling the very same post at the same moment all leave one task per
// (post, bot) in the tasks stream. Bad input is dead-lettered and counted, and work goes on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SUBJECTS } from '@botsky/contracts';
import { eventually } from '@botsky/kit/testing';
import { onPost } from '../src/consumers/network-post.ts';
import { createMatchState } from '../src/match/state.ts';
import { acked, ev, harness, person, PROJECT, publish, startReplica, type Harness } from './helpers.ts';

const TEXTS = ['sourdough bread loaf', 'chess openings endgame', 'trail running pace', 'jazz piano chords'];

function assertOncePerPostAndBot(h: Harness): number {
  const seqs = new Set<number>();
  const ids = new Map<string, number>();
  for (const { seq, task } of h.out.tasks) {
    assert.ok(!seqs.has(seq));
    seqs.add(seq);
    ids.set(task.taskId, (ids.get(task.taskId) ?? 0) + 1);
    const key = `${task.postRef?.uri} ${task.botId}`;
    assert.equal(h.out.tasks.filter((x) => `${x.task.postRef?.uri} ${x.task.botId}` === key).length, 1, key);
  }
  for (const [id, n] of ids) assert.equal(n, 1, `task ${id} stored ${n} times`);
  // The tasks of a post are exactly the ones its (single) decision names.
  for (const { decision } of h.out.decisions) {
    const uri = decision.postRef?.uri ?? '';
    assert.deepEqual(
      h.out
        .tasksFor(uri)
        .map((x) => x.taskId)
        .sort(),
      [...decision.taskIds].sort(),
      uri,
    );
  }
  return ids.size;
}

describe('matchmaker replicas', { concurrency: true }, () => {
  it('two replicas and a replay to a fresh replica emit each task exactly once', async (t) => {
    const h = await harness(t);
    const env = { BOTSKY_BATTLE_RATE: '0.3', BOTSKY_MENTION_DAILY_LIMIT: '50' };
    const a = await startReplica(h, env);
    const b = await startReplica(h, { ...env, BOTSKY_MATCH_SEED: '8' });
    const people = Array.from({ length: 8 }, (_, i) => person(`r${i}`));
    const follows = people.map((p) => ev.follow(p, PROJECT));
    await publish(h.bus, follows);
    await eventually('follows', () => acked([a, b]) >= follows.length);
    const posts = Array.from({ length: 40 }, (_, i) => ev.post(people[i % people.length]!, `All about ${TEXTS[i % TEXTS.length]}`));
    await publish(h.bus, posts);
    await eventually('posts', () => acked([a, b]) >= follows.length + posts.length, { timeoutMs: 20_000 });
    await eventually('decisions', () => posts.every((p) => h.out.decisionFor(p.uri) !== undefined));
    assert.ok(a.bus.stats().consumers.matchmaker!.acked > 0 && b.bus.stats().consumers.matchmaker!.acked > 0, 'both replicas worked');
    const before = assertOncePerPostAndBot(h);
    assert.ok(before >= posts.length, `tasks ${before}`);

    await a.stop();
    await b.stop();
    const fresh = await startReplica(h, { ...env, BOTSKY_MATCH_SEED: '9' });
    await publish(h.bus, [...follows, ...posts], { replay: '#replay' });
    await eventually('replay handled', () => acked([fresh]) >= follows.length + posts.length, { timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(assertOncePerPostAndBot(h), before);
    assert.match(
      await fresh.metrics.registry.metrics(),
      new RegExp(`botsky_matchmaker_posts_total\\{outcome="replayed",service="matchmaker"\\} ${posts.length}`),
    );
  });

  it('two replicas deciding the same post at the same moment publish one set of tasks', async (t) => {
    const h = await harness(t);
    const env = { BOTSKY_BATTLE_RATE: '0.5' };
    const [a, b] = [await startReplica(h, env), await startReplica(h, { ...env, BOTSKY_MATCH_SEED: '99' })];
    const author = person('racer');
    await publish(h.bus, [ev.follow(author, PROJECT)]);
    await eventually('follow', () => acked([a, b]) >= 1);
    const posts = Array.from({ length: 10 }, (_, i) => ev.post(author, `race ${i} ${TEXTS[i % 4]}`));
    const states = [createMatchState(0.5, a.ctx.random), createMatchState(0.5, b.ctx.random)];
    for (const p of posts) {
      if (p.payload.case !== 'post') throw new Error('not a post');
      const post = p.payload.value;
      await Promise.all([onPost({ ctx: a.ctx, st: states[0]! }, p, post), onPost({ ctx: b.ctx, st: states[1]! }, p, post)]);
    }
    await eventually('decisions', () => posts.every((p) => h.out.decisionFor(p.uri) !== undefined));
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(assertOncePerPostAndBot(h) >= posts.length);
    assert.equal(h.out.decisions.length, posts.length);
  });

  it('dead-letters an undecodable event, counts it, and keeps working', async (t) => {
    const h = await harness(t);
    const r = await startReplica(h, { BOTSKY_BATTLE_RATE: '0' });
    await h.bus.publish(SUBJECTS.networkPost, new Uint8Array([0xff, 0xff, 0xff]), { msgId: 'garbage-1' });
    const who = person('after');
    const post = ev.post(who, 'tagging @a.bots.test about sourdough', { mentions: ['did:plc:botaaaaaaaaaaaaaaaaaaaaa'] });
    await publish(h.bus, [post]);
    await eventually('the next post answered', () => h.out.tasksFor(post.uri).length === 1);
    await eventually('dead-lettered', () => (r.bus.stats().consumers.matchmaker?.deadLettered ?? 0) === 1);
    assert.match(await r.metrics.registry.metrics(), /botsky_matchmaker_bad_events_total\{reason="undecodable",service="matchmaker"\} 1/);
  });
});
