import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startDevnet, type Devnet, type DevnetAccount } from '@botsky/devnet';
import { generatePopulation, TOPICS, type Person, type Topic } from '../src/index.ts';
import { decideReaction, Simulation } from '../src/driver/index.ts';
import { eventually } from '@botsky/async';
import { botReply, listAll, type Listed, type PostValue } from './helpers.ts';

// One network for the file: accounts are the slow part (a password hash and a PLC operation each).
const SEED = 7;
const GOOD = 0.9;
const BAD = 0.1;
let net: Devnet;
let project: DevnetAccount;
let bot: DevnetAccount;
let badBot: DevnetAccount;
let people: Person[];
let sim: Simulation;
const feed: string[] = [];

before(async () => {
  net = await startDevnet(existsSync('/dev/shm') ? { dataDir: join('/dev/shm', `population-${randomUUID()}`) } : {});
  [project, bot, badBot] = await Promise.all([
    net.createAccount({ handle: 'botsky', password: 'pw' }),
    net.createAccount({ handle: 'bot-good', password: 'pw' }),
    net.createAccount({ handle: 'bot-bad', password: 'pw' }),
  ]);
  people = generatePopulation({ size: 20, seed: SEED });
  sim = new Simulation({
    pdsUrl: net.pdsUrl,
    people,
    seed: SEED,
    projectDid: project.did,
    botQuality: new Map([
      [bot.did, GOOD],
      [badBot.did, BAD],
    ]),
    readFeed: async () => [...feed],
    feedReadsPerHour: 20,
    simMinutesPerSecond: 60,
    onError: (err) => console.error(err, err.cause),
  });
});

after(async () => {
  await sim?.close();
  await net?.stop();
});

const handleOf = (p: Person) => `${p.name}.test`;
const didOf = (p: Person) => sim.accounts()[p.index]?.did as string;
const topicOf = (p: Person) => [...p.interests.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] as Topic;

async function latestPost(p: Person): Promise<Listed | undefined> {
  return (await listAll(bot.agent, didOf(p), 'app.bsky.feed.post'))[0];
}

test('setup creates every account; opted-in people follow the project, the others do not', async () => {
  const first = await sim.setup();
  assert.equal(first.accounts, 20);
  assert.ok(first.accountsPerSecond > 0);
  assert.equal(sim.accounts().length, 20);
  for (const p of people) {
    const follows = await listAll(bot.agent, didOf(p), 'app.bsky.graph.follow');
    const subjects = follows.map((f) => f.value.subject);
    assert.equal(subjects.includes(project.did), p.consent === 'in', `${p.name} (${p.consent})`);
    assert.ok(subjects.length >= 1 + Number(p.consent === 'in') - 1, 'and follows a few people');
    const [profile] = await listAll(bot.agent, didOf(p), 'app.bsky.actor.profile');
    assert.equal(profile?.value.displayName, p.name);
  }
  assert.ok(
    people.some((p) => p.consent === 'out'),
    'the seed has someone opted out from the start',
  );
  // Resumable: a second call finds everything done and creates nothing.
  assert.equal((await sim.setup()).accounts, 0);
});

test('a new process picks up an existing population: it logs in and writes nothing twice', async () => {
  const some = people.slice(0, 3);
  const followsBefore = await Promise.all(some.map((p) => listAll(bot.agent, didOf(p), 'app.bsky.graph.follow')));
  const again = new Simulation({ pdsUrl: net.pdsUrl, people: some, seed: SEED, projectDid: project.did, botQuality: new Map() });
  try {
    await again.setup();
    assert.deepEqual(
      again.accounts().map((a) => a.did),
      some.map(didOf),
    );
    assert.equal(again.stats.setupWrites, 0);
    const followsAfter = await Promise.all(some.map((p) => listAll(bot.agent, didOf(p), 'app.bsky.graph.follow')));
    assert.deepEqual(followsAfter, followsBefore);
  } finally {
    await again.close();
  }
});

test('online people post on the PDS, some answering each other in threads', async () => {
  for (let i = 0; i < 6; i++) await sim.tick(20);
  const { posts, conversationReplies } = sim.stats;
  assert.ok(posts > 5, `${posts} posts`);
  let onPds = 0;
  let threaded = 0;
  for (const p of people) {
    for (const r of await listAll(bot.agent, didOf(p), 'app.bsky.feed.post')) {
      onPds++;
      const reply = (r.value as unknown as PostValue).reply;
      if (!reply) continue;
      threaded++;
      assert.notEqual(reply.parent.uri.split('/')[2], didOf(p), 'people answer others, not themselves');
    }
  }
  assert.equal(onPds, posts + conversationReplies);
  assert.equal(threaded, conversationReplies);
  assert.ok(conversationReplies > 0, 'someone answered someone');
});

test('run advances simulated time at its compression and stops when aborted', async () => {
  const start = sim.simMinute;
  const abort = new AbortController();
  setTimeout(() => abort.abort(), 1000);
  const startedAt = performance.now();
  await sim.run({ durationMs: 20_000, tickMs: 100, signal: abort.signal });
  const seconds = (performance.now() - startedAt) / 1000;
  assert.ok(seconds < 5, `stopped after ${seconds.toFixed(1)} s`);
  const advanced = sim.simMinute - start;
  // 60 simulated minutes a second, however long each tick's writes take (a slow tick covers more).
  assert.ok(advanced > 0 && advanced <= 60 * seconds + 1, `${advanced} simulated minutes in ${seconds.toFixed(1)} s`);
  const again = performance.now();
  await sim.run({ durationMs: 300, tickMs: 100 });
  assert.ok(performance.now() - again < 5000, 'a run without a signal ends after its duration');
});

test('people react to bot replies and introductions: likes and threaded replies land on the PDS', async () => {
  const active: { p: Person; parent: Listed }[] = [];
  for (const p of people.filter((x) => x.consent === 'in')) {
    const parent = await latestPost(p);
    if (parent) active.push({ p, parent });
  }
  assert.ok(active.length >= 5, `${active.length} opted-in people have posted`);
  const planted = new Map<string, Listed>();
  for (const [i, { parent }] of active.entries()) {
    const other = (active[(i + 1) % active.length] as { p: Person }).p;
    const words = TOPICS[topicOf(other)];
    const text = `Nice one! @${handleOf(other)} loves ${words[0]} and ${words[1]} too, what do you both think of ${words[2]}?`;
    const ref = await botReply(bot.agent, parent, text);
    planted.set(ref.uri, parent);
    feed.push(ref.uri);
  }
  await eventually('the firehose to deliver the bot replies', () => sim.stats.botPostsSeen >= planted.size);
  const before = sim.decisions.length;
  await sim.tick(300); // longer than any rhythm's period: everyone comes online
  const decisions = sim.decisions.slice(before);
  const personal = decisions.filter((d) => d.role !== 'viewer');
  assert.equal(personal.length, 2 * active.length, 'each planted reply reaches its author and the one it mentions');
  assert.ok(
    decisions.some((d) => d.role === 'viewer'),
    'feed readers saw the bot posts',
  );
  assert.ok(personal.some((d) => d.like) && personal.some((d) => d.reply), JSON.stringify(sim.stats));
  assert.ok(sim.stats.mentionsAnswered > 0 || personal.every((d) => d.role !== 'mentioned' || !d.reply));
  await checkReactionsLanded(planted);
});

async function checkReactionsLanded(planted: Map<string, Listed>): Promise<void> {
  let likes = 0;
  let replies = 0;
  for (const p of people) {
    for (const l of await listAll(bot.agent, didOf(p), 'app.bsky.feed.like')) {
      if (planted.has((l.value.subject as { uri: string }).uri)) likes++;
    }
    for (const r of await listAll(bot.agent, didOf(p), 'app.bsky.feed.post')) {
      const reply = (r.value as unknown as PostValue).reply;
      const original = reply && planted.get(reply.parent.uri);
      if (!original) continue;
      replies++;
      const expectedRoot = (original.value as unknown as PostValue).reply?.root.uri ?? original.uri;
      assert.equal(reply.root.uri, expectedRoot, 'threaded under the original root');
    }
  }
  assert.equal(likes, sim.stats.likes + sim.stats.feedLikes);
  assert.equal(replies, sim.stats.botReplies + sim.stats.mentionsAnswered + sim.stats.feedReplies + sim.stats.stops);
}

test('someone who blocks a bot or says stop is opted out and never reacts again', async () => {
  let target: { p: Person; parent: Listed } | undefined;
  for (const p of people.filter((x) => sim.consentOf(handleOf(x)) === 'in')) {
    const parent = await latestPost(p);
    if (parent) {
      target = { p, parent };
      break;
    }
  }
  assert.ok(target);
  const { p, parent } = target;
  // The simulation's own decision function finds a curt reply from the poor bot that this person
  // answers by opting out (about one in a few hundred such replies does).
  let text = '';
  let reaction = decideReaction(SEED, p, handleOf(p), 'author', BAD, 'ok');
  for (let i = 0; i < 20_000 && !(reaction.block || reaction.stop); i++) {
    text = `ok ${i}.`;
    reaction = decideReaction(SEED, p, handleOf(p), 'author', BAD, text);
  }
  assert.ok(reaction.block || reaction.stop, 'an opt-out reply exists');
  const seen = sim.stats.botPostsSeen;
  const bad = await botReply(badBot.agent, parent, text);
  await eventually('the poor reply on the firehose', () => sim.stats.botPostsSeen > seen);
  await sim.tick(300);
  assert.equal(sim.consentOf(handleOf(p)), 'out');
  const mine = sim.decisions.filter((d) => d.person === handleOf(p) && d.key.includes(text));
  assert.deepEqual(
    mine.map((d) => [d.block, d.stop]),
    [[reaction.block, reaction.stop]],
  );
  if (reaction.block) {
    const blocks = await listAll(bot.agent, didOf(p), 'app.bsky.graph.block');
    assert.ok(
      blocks.some((b) => b.value.subject === badBot.did),
      'the block is on the PDS',
    );
  } else {
    const posts = await listAll(bot.agent, didOf(p), 'app.bsky.feed.post');
    const stop = posts.find((r) => (r.value as unknown as PostValue).reply?.parent.uri === bad.uri);
    assert.equal((stop?.value as unknown as PostValue | undefined)?.text, 'stop');
  }
  await checkNoMoreReactions(p);
  assert.equal(sim.stats.errors, 0);
  assert.equal(sim.stats.writesDropped, 0);
});

async function checkNoMoreReactions(p: Person): Promise<void> {
  const decided = sim.decisions.length;
  const seen = sim.stats.botPostsSeen;
  const parent = (await latestPost(p)) as Listed;
  const words = TOPICS[topicOf(p)];
  const later = new Set<string>();
  for (let i = 0; i < 4; i++) {
    const ref = await botReply(bot.agent, parent, `@${handleOf(p)} so much ${words[i]} and ${words[i + 1]} here, what got you into it?`);
    later.add(ref.uri);
    feed.push(ref.uri);
  }
  await eventually('the good replies on the firehose', () => sim.stats.botPostsSeen >= seen + later.size);
  await sim.tick(300);
  assert.deepEqual(
    sim.decisions.slice(decided).filter((d) => d.person === handleOf(p)),
    [],
    'no decision after opting out',
  );
  const likes = await listAll(bot.agent, didOf(p), 'app.bsky.feed.like');
  assert.ok(!likes.some((l) => later.has((l.value.subject as { uri: string }).uri)));
  const posts = await listAll(bot.agent, didOf(p), 'app.bsky.feed.post');
  assert.ok(!posts.some((r) => later.has((r.value as unknown as PostValue).reply?.parent.uri ?? '')));
}
