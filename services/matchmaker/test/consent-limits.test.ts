// Over many posts: a person who blocked a bot, unfollowed, or said "stop" is never answered nor
// mentioned again; a person who blocked one bot and opted in again never hears from that bot;
// nobody is mentioned more than the daily limit. Battles pair two different bots.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KV_BUCKETS } from '@botsky/contracts';
import { eventually } from '@botsky/kit/testing';
import { mentionKey } from '../src/state/mentions.ts';
import { acked, BOTS, ev, harness, person, PROJECT, publish, startReplica } from './helpers.ts';

const TOPICS = ['sourdough bread baking loaf', 'chess openings endgame', 'trail running marathon pace', 'jazz piano chords improvisation'];
const topic = (i: number) => TOPICS[i % TOPICS.length] as string;

describe('matchmaker consent and limits', { concurrency: true }, () => {
  it('never answers nor mentions anyone after they opt out; never exceeds the daily limit', async (t) => {
    const h = await harness(t);
    const limit = 6;
    const r = await startReplica(h, { BOTSKY_BATTLE_RATE: '0.3', BOTSKY_MENTION_DAILY_LIMIT: String(limit) });
    const people = Array.from({ length: 12 }, (_, i) => person(`p${i}`));
    const [blocker, stopper, unfollower, reblocker] = people as [string, string, string, string];
    const follows = people.map((p) => ev.follow(p, PROJECT));
    const warm = people.map((p, i) => ev.post(p, `I love ${topic(i)}`));
    await publish(h.bus, [...follows, ...warm]);
    await eventually('opt-ins and first posts', () => acked([r]) >= follows.length + warm.length);
    const unfollow = ev.delete(unfollower, follows[2]!.uri, 'app.bsky.graph.follow');
    const outs = [
      ev.block(blocker, BOTS[1]!.did),
      ev.post(stopper, 'stop', { replyTo: `at://${BOTS[2]!.did}/app.bsky.feed.post/3kx` }),
      unfollow,
      ev.block(reblocker, BOTS[0]!.did),
    ];
    await publish(h.bus, outs);
    await eventually('opt-outs', () => acked([r]) >= follows.length + warm.length + outs.length);
    const optedOut = new Set([blocker, stopper, unfollower]);
    const reFollow = ev.follow(reblocker, PROJECT);
    await publish(h.bus, [reFollow]);
    const many = Array.from({ length: 80 }, (_, i) => ev.post(people[i % people.length]!, `Today: ${topic(i)} and more ${topic(i + 1)}`));
    await publish(h.bus, many);
    const total = follows.length + warm.length + outs.length + 1 + many.length;
    await eventually('every post handled', () => acked([r]) >= total, { timeoutMs: 20_000 });
    await eventually('every decision read', () => many.every((p) => h.out.decisionFor(p.uri) !== undefined), { timeoutMs: 10_000 });

    const later = many.map((p) => p.uri);
    const tasks = h.out.tasks.map((x) => x.task).filter((task) => later.includes(task.postRef?.uri ?? ''));
    assert.ok(tasks.length >= 60, `tasks ${tasks.length}`);
    for (const task of tasks) {
      assert.ok(!optedOut.has(task.authorDid), `answered ${task.authorDid} after the opt-out`);
      assert.ok(!optedOut.has(task.mention?.did ?? ''), `mentioned ${task.mention?.did} after the opt-out`);
      if (task.authorDid === reblocker || task.mention?.did === reblocker) assert.notEqual(task.botId, BOTS[0]!.id);
    }
    assert.ok(
      tasks.some((task) => task.authorDid === reblocker),
      'the person who opted in again is answered',
    );
    const battles = new Map<string, string[]>();
    for (const task of tasks) if (task.battleId) battles.set(task.battleId, [...(battles.get(task.battleId) ?? []), task.botId]);
    assert.ok(battles.size > 5, `battles ${battles.size}`);
    for (const bots of battles.values()) assert.equal(new Set(bots).size, 2);

    const counts = new Map<string, number>();
    for (const { task } of h.out.tasks) if (task.mention) counts.set(task.mention.did, (counts.get(task.mention.did) ?? 0) + 1);
    assert.ok(Math.max(...counts.values()) <= limit, JSON.stringify([...counts]));
    assert.ok(
      [...counts.values()].some((n) => n === limit),
      'the limit was reached',
    );
    assert.ok(
      tasks.some((task) => !task.mention && /mention-limit/.test(task.noMentionReason)),
      'replies without a mention say why',
    );
    const kv = await h.bus.kv(KV_BUCKETS.mentions);
    for (const [did, n] of counts) {
      const stored = Number(new TextDecoder().decode((await kv.get(mentionKey(did, Date.now())))?.value));
      assert.ok(stored >= n && stored <= limit, `${did}: counter ${stored}, mentions ${n}`);
    }
  });
});
