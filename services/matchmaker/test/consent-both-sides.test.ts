// Consent on both sides: being introduced to strangers is a consent of its own (following the
// project), never given by tagging a bot; bot replies per person are capped per day and per
// thread across replicas (a property test over seeded random traffic); bots, BotSky's own or
// anyone's, are never answered nor introduced, so no two bots can keep a conversation going; and
// nobody is introduced to someone they block or who blocks them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { create, ProfileSchema, type NetworkEvent, type ReplyTask } from '@botsky/contracts';
import { startDevnet } from '@botsky/devnet';
import { seededRandom } from '@botsky/ratings';
import { eventually } from '@botsky/kit/testing';
import { acked, BOTS, ev, harness, person, PROJECT, publish, startReplica } from './helpers.ts';

const SOURDOUGH = 'Baked sourdough bread with a crusty loaf and a wild starter this morning';
const BOT_A = BOTS[0]!;
const BOT_B = BOTS[1]!;

function profile(did: string, selfLabels: string[]): NetworkEvent {
  const e = ev.follow(did, 'did:plc:nobody0000000000000000000');
  return {
    ...e,
    uri: `at://${did}/app.bsky.actor.profile/self`,
    payload: { case: 'profile', value: create(ProfileSchema, { displayName: 'x', selfLabels }) },
  };
}

describe('consent on both sides, caps and bots', { concurrency: true }, () => {
  it('tagging a bot gets an answer but does not make a person introducible; following the project does', async (t) => {
    const h = await harness(t);
    const r = await startReplica(h, { BOTSKY_BATTLE_RATE: '0', BOTSKY_MENTION_DAILY_LIMIT: '100' });
    const [author, tagger] = ['author', 'tagger'].map(person) as [string, string];
    await publish(h.bus, [ev.follow(author, PROJECT)]);
    await eventually('opt-in', () => acked([r]) >= 1);
    const tag = ev.post(tagger, `@a.bots.test ${SOURDOUGH}`, { mentions: [BOT_A.did] });
    await publish(h.bus, [tag]);
    await eventually('the tag answered', () => h.out.tasksFor(tag.uri).length === 1);
    const posts = Array.from({ length: 6 }, (_, i) => ev.post(author, `Sourdough starter question ${i}: my bread loaf is flat`));
    await publish(h.bus, posts);
    await eventually('decided', () => posts.every((p) => h.out.decisionFor(p.uri) !== undefined));
    for (const p of posts) {
      assert.equal(h.out.tasksFor(p.uri)[0]?.mention, undefined, 'the tagger is never introduced');
      assert.ok(!(h.out.decisionFor(p.uri)?.candidates ?? []).some((c) => c.did === tagger && c.eligible));
    }
    await publish(h.bus, [ev.follow(tagger, PROJECT)]);
    await eventually('the follow', () => acked([r]) >= 3 + posts.length);
    await publish(h.bus, [ev.post(tagger, `${SOURDOUGH} again, more sourdough`)]);
    await eventually('the tagger active', () => acked([r]) >= 4 + posts.length);
    const after = ev.post(author, 'Sourdough starter again: my bread loaf is still flat');
    await publish(h.bus, [after]);
    await eventually('decided', () => h.out.decisionFor(after.uri) !== undefined);
    assert.equal(h.out.tasksFor(after.uri)[0]?.mention?.did, tagger, 'introducible once they follow the project');
  });

  it('property: over seeded random traffic on two replicas, no person gets more bot replies than the caps allow', async (t) => {
    for (const seed of [1, 2, 3]) {
      const rand = seededRandom(seed);
      const daily = 2 + Math.floor(rand() * 5);
      const perThread = 1 + Math.floor(rand() * 3);
      const h = await harness(t);
      const env = { BOTSKY_BATTLE_RATE: '0.5', BOTSKY_REPLY_DAILY_LIMIT: String(daily), BOTSKY_REPLY_THREAD_LIMIT: String(perThread) };
      const replicas = [await startReplica(h, env), await startReplica(h, { ...env, BOTSKY_MATCH_SEED: String(100 + seed) })];
      const authors = Array.from({ length: 4 }, (_, i) => person(`s${seed}a${i}`));
      await publish(
        h.bus,
        authors.map((a) => ev.follow(a, PROJECT)),
      );
      await eventually('opt-ins', () => acked(replicas) >= authors.length);
      // Each author starts two threads and keeps posting in them or starting new top-level posts.
      const roots = new Map<string, string[]>();
      const posts: NetworkEvent[] = [];
      for (let i = 0; i < 60; i++) {
        const a = authors[Math.floor(rand() * authors.length)]!;
        const mine = roots.get(a) ?? [];
        const inThread = mine.length > 0 && rand() < 0.6;
        const p = inThread
          ? ev.post(a, `more on this ${i}`, { replyTo: mine[Math.floor(rand() * mine.length)] })
          : ev.post(a, `a new thought ${i}`);
        if (!inThread) roots.set(a, [...mine, p.uri]);
        posts.push(p);
      }
      await publish(h.bus, posts);
      await eventually('every post decided', () => posts.every((p) => h.out.decisionFor(p.uri) !== undefined), { timeoutMs: 30_000 });
      await new Promise((r) => setTimeout(r, 200));
      const rootOf = (task: ReplyTask) => task.post?.reply?.root?.uri || task.postRef?.uri || '';
      const perDay = new Map<string, number>();
      const perRoot = new Map<string, number>();
      for (const { task } of h.out.tasks) {
        perDay.set(task.authorDid, (perDay.get(task.authorDid) ?? 0) + 1);
        const k = `${task.authorDid} ${rootOf(task)}`;
        perRoot.set(k, (perRoot.get(k) ?? 0) + 1);
      }
      for (const [a, n] of perDay) assert.ok(n <= daily, `seed ${seed}: ${a} got ${n} replies, daily cap ${daily}`);
      for (const [k, n] of perRoot) assert.ok(n <= perThread, `seed ${seed}: ${k} got ${n} replies, thread cap ${perThread}`);
      assert.ok(
        [...perDay.values()].some((n) => n === daily),
        `seed ${seed}: the daily cap was reached`,
      );
      const skipped = posts.map((p) => h.out.decisionFor(p.uri)?.reason);
      assert.ok(skipped.includes('reply_limit'), `seed ${seed}: posts over the cap say why`);
      for (const r of replicas) await r.stop();
    }
  });

  it("bots are never answered nor introduced: BotSky's own, a listed one, a `bot`-labelled one; an unlabelled one stops at the thread cap", async (t) => {
    const h = await harness(t);
    const listed = person('listedbot');
    const labelled = person('labelledbot');
    const unlabelled = person('sneakybot');
    const r = await startReplica(h, {
      BOTSKY_BATTLE_RATE: '0',
      BOTSKY_KNOWN_BOTS: listed,
      BOTSKY_REPLY_THREAD_LIMIT: '3',
      BOTSKY_MENTION_DAILY_LIMIT: '100',
    });
    const author = person('human');
    const setup = [ev.follow(author, PROJECT), ev.follow(listed, PROJECT), ev.follow(labelled, PROJECT), profile(labelled, ['bot'])];
    await publish(h.bus, setup);
    await eventually('setup', () => acked([r]) >= setup.length);
    await publish(h.bus, [ev.post(listed, SOURDOUGH), ev.post(labelled, SOURDOUGH)]);
    await eventually('their posts', () => acked([r]) >= setup.length + 2);
    // BotSky's bots mentioning each other's posts, and other bots tagging them or replying to them.
    const botPost = ev.post(BOT_A.did, `@b.bots.test ${SOURDOUGH}`, { mentions: [BOT_B.did] });
    const botReply = ev.post(BOT_B.did, 'and back to you', { mentions: [BOT_A.did], replyTo: botPost.uri });
    const foreign = [
      ev.post(listed, '@a.bots.test hello there', { mentions: [BOT_A.did] }),
      ev.post(labelled, '@a.bots.test hello there', { mentions: [BOT_A.did], replyTo: botPost.uri }),
    ];
    await publish(h.bus, [botPost, botReply, ...foreign]);
    // An unlabelled bot that tags BotSky's bot in one thread, over and over.
    const first = ev.post(unlabelled, '@a.bots.test what do you think?', { mentions: [BOT_A.did] });
    const loop = [
      first,
      ...Array.from({ length: 8 }, (_, i) =>
        ev.post(unlabelled, `@a.bots.test and now? ${i}`, { mentions: [BOT_A.did], replyTo: first.uri }),
      ),
    ];
    await publish(h.bus, loop);
    const humans = Array.from({ length: 5 }, (_, i) => ev.post(author, `Sourdough starter tips ${i}? my bread loaf is flat`));
    await publish(h.bus, humans);
    await eventually('every post handled', () => acked([r]) >= setup.length + 2 + 4 + loop.length + humans.length, { timeoutMs: 20_000 });
    for (const p of [botPost, botReply]) assert.deepEqual(h.out.tasksFor(p.uri), [], "BotSky's bots are never answered");
    for (const p of foreign) {
      assert.deepEqual(h.out.tasksFor(p.uri), [], `${p.did} is never answered`);
      assert.equal(h.out.decisionFor(p.uri)?.reason, 'bot_account');
    }
    const loopTasks = loop.flatMap((p) => h.out.tasksFor(p.uri));
    assert.equal(loopTasks.length, 3, 'the unlabelled bot gets the thread cap and no more');
    const mentioned = humans.flatMap((p) => h.out.tasksFor(p.uri)).map((task) => task.mention?.did);
    assert.ok(!mentioned.includes(listed) && !mentioned.includes(labelled), 'no bot is introduced');
  });

  it("reads the `bot` self-label from the profile on the account's own PDS when no profile event was seen", async (t) => {
    const net = await startDevnet();
    t.after(() => net.stop());
    const robot = await net.createAccount({ handle: 'robot', password: 'pw' });
    await robot.agent.com.atproto.repo.putRecord({
      repo: robot.did,
      collection: 'app.bsky.actor.profile',
      rkey: 'self',
      record: {
        $type: 'app.bsky.actor.profile',
        displayName: 'Robot',
        labels: { $type: 'com.atproto.label.defs#selfLabels', values: [{ val: 'bot' }] },
      },
    });
    const human = await net.createAccount({ handle: 'human', password: 'pw' });
    const h = await harness(t);
    const r = await startReplica(h, { BOTSKY_BATTLE_RATE: '0', BOTSKY_PLC_URL: net.plcUrl, BOTSKY_HANDLE_RESOLVER_URL: net.pdsUrl });
    const posts = [
      ev.post(robot.did, '@a.bots.test beep', { mentions: [BOT_A.did] }),
      ev.post(human.did, '@a.bots.test hello', { mentions: [BOT_A.did] }),
    ];
    await publish(h.bus, posts);
    await eventually('handled', () => acked([r]) >= posts.length);
    await eventually('decided', () => posts.every((p) => h.out.decisionFor(p.uri) !== undefined));
    assert.deepEqual(h.out.tasksFor(posts[0]!.uri), []);
    assert.equal(h.out.decisionFor(posts[0]!.uri)?.reason, 'bot_account');
    assert.equal(h.out.tasksFor(posts[1]!.uri).length, 1, 'the person without the label is answered');
  });

  it('never introduces someone to a person they block or who blocks them; an unblock lifts it', async (t) => {
    const h = await harness(t);
    const r = await startReplica(h, { BOTSKY_BATTLE_RATE: '0', BOTSKY_MATCH_TOP_K: '1', BOTSKY_MENTION_DAILY_LIMIT: '100' });
    const [author, blocker, other] = ['blockee', 'blocker', 'other'].map(person) as [string, string, string];
    const block = ev.block(blocker, author);
    const setup = [ev.follow(author, PROJECT), ev.follow(blocker, PROJECT), ev.follow(other, PROJECT), block];
    await publish(h.bus, setup);
    await eventually('setup', () => acked([r]) >= setup.length);
    await publish(h.bus, [ev.post(blocker, `${SOURDOUGH} sourdough sourdough loaf`), ev.post(other, 'chess openings and endgames')]);
    await eventually('profiles', () => acked([r]) >= setup.length + 2);
    const posts = Array.from({ length: 4 }, (_, i) => ev.post(author, `Sourdough loaf question ${i}`));
    await publish(h.bus, posts);
    await eventually('decided', () => posts.every((p) => h.out.decisionFor(p.uri) !== undefined));
    for (const p of posts) assert.notEqual(h.out.tasksFor(p.uri)[0]?.mention?.did, blocker, 'the best match blocks the author');
    await publish(h.bus, [ev.delete(blocker, block.uri, 'app.bsky.graph.block')]);
    await eventually('unblock', () => acked([r]) >= setup.length + 2 + posts.length + 1);
    const after = ev.post(author, 'Sourdough loaf question, once more');
    await publish(h.bus, [after]);
    await eventually('decided', () => h.out.decisionFor(after.uri) !== undefined);
    assert.equal(h.out.tasksFor(after.uri)[0]?.mention?.did, blocker, 'introduced once the block is gone');
  });
});
