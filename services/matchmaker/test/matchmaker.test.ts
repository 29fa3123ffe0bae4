// matchmaker against a real NATS: consent from follows, blocks, unfollows and "stop"; one task
// per post (two in a battle) with a like-minded, online, opted-in mention; none for bots and for
// people who are not in; the daily mention limit; decision events.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KV_BUCKETS, MatchVerdict, replyTaskIdForBot } from '@botsky/contracts';
import { eventually } from '@botsky/kit/testing';
import { acked, ago, BOTS, ev, harness, person, PROJECT, publish, startReplica } from './helpers.ts';

const SOURDOUGH = 'Baked sourdough bread with a crusty loaf and a wild starter this morning';
const CHESS = 'Chess openings study: the Sicilian defence and endgame tactics';

describe('matchmaker', { concurrency: true }, () => {
  it('answers an opted-in person once, mentioning an online, opted-in, like-minded person; decisions say why', async (t) => {
    const h = await harness(t);
    const r = await startReplica(h, { BOTSKY_BATTLE_RATE: '0', BOTSKY_MATCH_TOP_K: '1' });
    const [alice, baker, chess, lurker] = ['alice', 'baker', 'chess', 'lurker'].map(person) as [string, string, string, string];
    const setup = [
      ev.follow(alice, PROJECT),
      ev.follow(baker, PROJECT),
      ev.follow(chess, PROJECT),
      ev.post(baker, SOURDOUGH),
      ev.post(chess, CHESS),
      ev.post(lurker, `${SOURDOUGH} sourdough starter loaf`),
    ];
    await publish(h.bus, setup);
    await eventually('setup handled', () => acked([r]) >= setup.length);
    const post = ev.post(alice, 'Any tips for a sourdough starter? My bread loaf is flat');
    await publish(h.bus, [post]);
    await eventually('the decision', () => h.out.decisionFor(post.uri) !== undefined);
    const [task, ...more] = h.out.tasksFor(post.uri);
    assert.equal(more.length, 0);
    assert.ok(task);
    assert.equal(task.mention?.did, baker, `mentioned ${task.mention?.did}`);
    assert.equal(task.taskId, replyTaskIdForBot(post.uri, task.botId));
    assert.equal(task.battleId, '');
    assert.equal(task.replyTo?.parent?.uri, post.uri);
    assert.equal(task.botDid, BOTS.find((b) => b.id === task.botId)?.did);
    const d = h.out.decisionFor(post.uri);
    assert.equal(d?.verdict, MatchVerdict.DISPATCHED);
    assert.equal(d?.chosen?.did, baker);
    assert.match(d?.chosen?.reason ?? '', /sourdough|bread|loaf|starter/);
    assert.ok(d?.candidates.some((c) => c.did === baker && c.eligible));
    assert.ok(!d?.candidates.some((c) => c.did === lurker), 'a person who never opted in is never a candidate');
    assert.deepEqual(d?.taskIds, [task.taskId]);
    assert.ok(d?.reason);
  });

  it('does not answer bots, people who never opted in, opted-out people or labelled posts', async (t) => {
    const h = await harness(t);
    const r = await startReplica(h, { BOTSKY_BATTLE_RATE: '0' });
    const [quitter, stranger, labeller] = ['quitter', 'stranger', 'labeller'].map(person) as [string, string, string];
    const first = [ev.follow(quitter, PROJECT), ev.follow(labeller, PROJECT), ev.block(quitter, BOTS[0]!.did)];
    await publish(h.bus, first);
    await eventually('opt-ins and the block', () => acked([r]) >= first.length);
    const posts = [
      ev.post(BOTS[1]!.did, 'a bot talking about sourdough'),
      ev.post(stranger, SOURDOUGH),
      ev.post(quitter, SOURDOUGH),
      ev.post(labeller, SOURDOUGH, { labels: ['nudity'] }),
    ];
    await publish(h.bus, posts);
    await eventually('posts handled', () => acked([r]) >= first.length + posts.length);
    for (const p of posts) assert.deepEqual(h.out.tasksFor(p.uri), [], p.did);
    await eventually('skip decisions', () => h.out.decisions.length >= 2);
    assert.equal(h.out.decisionFor(posts[2]!.uri)?.reason, 'opted_out');
    assert.equal(h.out.decisionFor(posts[3]!.uri)?.reason, 'labelled');
    assert.equal(h.out.decisionFor(posts[3]!.uri)?.verdict, MatchVerdict.SKIPPED);
    assert.equal(h.out.decisionFor(posts[0]!.uri), undefined, 'bot posts are not decisions');
    const consent = await (await h.bus.kv(KV_BUCKETS.consent)).get(quitter);
    assert.match(new TextDecoder().decode(consent?.value), /"state":"out","reason":"block"/);
  });

  it('a post tagging a bot is answered and opts its author in; "stop" to a bot opts out', async (t) => {
    const h = await harness(t);
    const r = await startReplica(h, { BOTSKY_BATTLE_RATE: '0' });
    const tagger = person('tagger');
    const tag = ev.post(tagger, `@a.bots.test what do you think of ${SOURDOUGH}`, { mentions: [BOTS[0]!.did] });
    await publish(h.bus, [tag]);
    await eventually('the tag answered', () => h.out.tasksFor(tag.uri).length === 1);
    const botReply = `at://${BOTS[0]!.did}/app.bsky.feed.post/3kbotreply`;
    const stop = ev.post(tagger, 'STOP!', { replyTo: botReply });
    const after = ev.post(tagger, `still into ${SOURDOUGH}`);
    await publish(h.bus, [stop, after]);
    await eventually('stop and the next post handled', () => acked([r]) >= 3);
    assert.deepEqual(h.out.tasksFor(stop.uri), []);
    assert.deepEqual(h.out.tasksFor(after.uri), []);
    assert.equal(r.metrics.registry.getSingleMetric('botsky_matchmaker_opt_outs_total') !== undefined, true);
    const text = await r.metrics.registry.metrics();
    assert.match(text, /botsky_matchmaker_opt_outs_total\{reason="stop",service="matchmaker"\} 1/);
  });

  it('learns from likes, and never introduces someone who is offline', async (t) => {
    const h = await harness(t);
    const r = await startReplica(h, { BOTSKY_BATTLE_RATE: '0', BOTSKY_MATCH_TOP_K: '1', BOTSKY_MATCH_ONLINE_WINDOW: '10m' });
    const [asker, liker, sleeper, stranger, chess] = ['asker', 'liker', 'sleeper', 'stranger', 'chess'].map(person) as string[] as [
      string,
      string,
      string,
      string,
      string,
    ];
    const bread = ev.post(stranger, SOURDOUGH);
    const setup = [
      ev.follow(asker, PROJECT),
      ev.follow(liker, PROJECT),
      ago(ev.follow(sleeper, PROJECT), 25 * 60_000),
      ev.follow(chess, PROJECT),
      bread,
      ago(ev.post(sleeper, `${SOURDOUGH} sourdough loaf bread starter`), 20 * 60_000),
      ev.post(chess, CHESS),
    ];
    await publish(h.bus, setup);
    await eventually('setup', () => acked([r]) >= setup.length);
    // The liker has never written a word: only the liked post (by someone not opted in) says what they like.
    await publish(h.bus, [ev.like(liker, bread.uri)]);
    await eventually('like', () => acked([r]) >= setup.length + 1);
    const post = ev.post(asker, 'My sourdough starter makes a dense bread loaf, help');
    await publish(h.bus, [post]);
    await eventually('the task', () => h.out.tasksFor(post.uri).length === 1);
    assert.equal(h.out.tasksFor(post.uri)[0]?.mention?.did, liker);
    assert.ok(!h.out.decisionFor(post.uri)?.candidates.some((c) => c.did === sleeper), 'offline people are not candidates');
  });

  it('a block of a bot registered after start-up still opts out at once', async (t) => {
    const h = await harness(t);
    const r = await startReplica(h, { BOTSKY_BATTLE_RATE: '0' });
    const late = { id: 'bot-late', did: 'did:plc:botlatexxxxxxxxxxxxxxxxx', handle: 'late.bots.test' };
    await (await h.bus.kv(KV_BUCKETS.bots)).put(late.id, new TextEncoder().encode(JSON.stringify(late)));
    const fan = person('fan');
    await publish(h.bus, [ev.follow(fan, PROJECT)]);
    await eventually('follow', () => acked([r]) >= 1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await publish(h.bus, [ev.block(fan, late.did)]);
    await eventually('block', () => acked([r]) >= 2);
    const consent = await (await h.bus.kv(KV_BUCKETS.consent)).get(fan);
    assert.match(new TextDecoder().decode(consent?.value), /"state":"out","reason":"block"/);
  });
});
