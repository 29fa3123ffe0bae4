import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '@botsky/ratings';
import {
  composePost,
  generatePopulation,
  graphemeLength,
  isOnline,
  react,
  reactionChances,
  replyFeatures,
  topicSimilarity,
  topicsOf,
  TOPICS,
  type Topic,
} from '../src/index.ts';

test('the same seed gives the same population, another seed another', () => {
  const a = generatePopulation({ size: 50, seed: 1 });
  const b = generatePopulation({ size: 50, seed: 1 });
  const c = generatePopulation({ size: 50, seed: 2 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(
    a.map((p) => p.name),
    c.map((p) => p.name),
  );
});

test('activity is heavy-tailed and most people opt in', () => {
  const people = generatePopulation({ size: 2000, seed: 5 });
  const rates = people.map((p) => p.postsPerHour).sort((x, y) => y - x);
  const total = rates.reduce((s, r) => s + r, 0);
  const top10 = rates.slice(0, 200).reduce((s, r) => s + r, 0);
  assert.ok(top10 / total > 0.3, `top 10% post ${(top10 / total).toFixed(2)} of everything`);
  const optedIn = people.filter((p) => p.consent === 'in').length / people.length;
  assert.ok(optedIn > 0.8 && optedIn < 0.9, `opt-in share ${optedIn}`);
});

test('people are online for about their duty cycle', () => {
  const [p] = generatePopulation({ size: 1, seed: 9 });
  assert.ok(p);
  let on = 0;
  for (let m = 0; m < 10_000; m++) if (isOnline(p, m)) on++;
  assert.ok(Math.abs(on / 10_000 - p.rhythm.dutyCycle) < 0.02);
});

test("posts are about the author's interests", () => {
  const rand = seededRandom(3);
  for (const p of generatePopulation({ size: 30, seed: 4 })) {
    const { text } = composePost(p, rand);
    assert.ok(topicSimilarity(topicsOf(text), p.interests) > 0, `${text} vs ${[...p.interests.keys()]}`);
  }
});

test('reactions depend on fit, questions and planted quality', () => {
  const [reader] = generatePopulation({ size: 1, seed: 12 });
  assert.ok(reader);
  const topic = [...reader.interests.keys()][0] as string;
  const onTopic = replyFeatures(`Love this! The ${topic} angle is great. What got you started?`, reader, 'x.test');
  const offTopic = replyFeatures('Interesting. Have a nice day.', reader, 'x.test');
  assert.ok(onTopic.fit > offTopic.fit);
  const good = reactionChances(onTopic, 0.8, 'viewer', reader);
  const bad = reactionChances(offTopic, 0.8, 'viewer', reader);
  assert.ok(good.like > bad.like && good.reply > bad.reply && good.optOut < bad.optOut);
  const low = reactionChances(onTopic, 0.2, 'viewer', reader);
  assert.ok(good.like > low.like * 1.5, 'planted quality moves the like rate');
});

test('a mentioned person answers a fitting introduction far more often than a random one', () => {
  const people = generatePopulation({ size: 400, seed: 21 });
  const rand = seededRandom(22);
  let fitting = 0;
  let random = 0;
  for (const reader of people) {
    const own = [...reader.interests.keys()][0] as string;
    const other = people[Math.floor(rand() * people.length)];
    assert.ok(other);
    const otherTopic = [...other.interests.keys()][0] as string;
    const handle = `${reader.name}.test`;
    const intro = (t: string) => `Great thread on ${t}! @${handle} knows ${t} well, thoughts?`;
    if (react(replyFeatures(intro(own), reader, handle), 0.5, 'mentioned', reader, rand).reply) fitting++;
    if (react(replyFeatures(intro(otherTopic), reader, handle), 0.5, 'mentioned', reader, rand).reply) random++;
  }
  assert.ok(fitting >= 2 * random, `fitting ${fitting} vs random ${random}`);
});

test('a mentioned person weighs the thread they are pulled into, not only what the bot says to them', () => {
  const people = generatePopulation({ size: 400, seed: 23 });
  const rand = seededRandom(24);
  let ownThread = 0;
  let otherThread = 0;
  for (const reader of people) {
    const own = [...reader.interests.keys()][0] as string;
    const other = people.find((p) => ![...p.interests.keys()].some((t) => reader.interests.has(t)));
    if (!other) continue;
    const otherTopic = [...other.interests.keys()][0] as string;
    const handle = `${reader.name}.test`;
    // The same flattering introduction, naming the reader's own interest, into two threads.
    const intro = `Great thread! @${handle} knows ${own} well, thoughts?`;
    const thread = (t: string) => {
      const words = TOPICS[t as Topic];
      return `Spent the whole day on ${words[1]} again, and the ${words[2]} questions keep coming.`;
    };
    const f1 = replyFeatures(intro, reader, handle, thread(own));
    const f2 = replyFeatures(intro, reader, handle, thread(otherTopic));
    assert.equal(f1.fit, f2.fit, 'what the bot says is the same');
    assert.ok(f1.threadFit > f2.threadFit);
    if (react(f1, 0.5, 'mentioned', reader, rand).reply) ownThread++;
    if (react(f2, 0.5, 'mentioned', reader, rand).reply) otherThread++;
  }
  assert.ok(ownThread >= 2 * otherThread, `own thread ${ownThread} vs unrelated thread ${otherThread}`);
});

test('graphemes are counted as people see them', () => {
  assert.equal(graphemeLength('héllo'), 5);
  assert.equal(graphemeLength('👩‍👩‍👧‍👦'), 1);
});
