import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generatePopulation, TOPICS, type Person, type Topic } from '../src/index.ts';
import { decideReaction, decisionSeed } from '../src/driver/index.ts';

const topicOf = (p: Person) => [...p.interests.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] as Topic;
const handleOf = (p: Person) => `${p.name}.test`;

function engagement(people: readonly Person[], quality: number, text: (p: Person, i: number) => string, trials: number) {
  let likes = 0;
  let replies = 0;
  let optOuts = 0;
  for (let i = 0; i < trials; i++) {
    const p = people[i % people.length] as Person;
    const r = decideReaction(99, p, handleOf(p), 'author', quality, text(p, i));
    likes += Number(r.like);
    replies += Number(r.reply);
    optOuts += Number(r.block || r.stop);
  }
  return { likes, replies, optOuts };
}

test('a fitting reply from a good bot earns far more reactions than a poor one from a weak bot', () => {
  const people = generatePopulation({ size: 300, seed: 31 });
  const fitting = (p: Person, i: number) => {
    const words = TOPICS[topicOf(p)];
    return `Great point about ${words[i % 10]}! How long have you been into ${words[(i + 3) % 10]}? (${i})`;
  };
  const poor = (_p: Person, i: number) => `ok (${i})`;
  const good = engagement(people, 0.8, fitting, 4000);
  const bad = engagement(people, 0.2, poor, 4000);
  assert.ok(good.likes > 3 * bad.likes, `likes ${good.likes} vs ${bad.likes}`);
  assert.ok(good.replies > 3 * bad.replies, `replies ${good.replies} vs ${bad.replies}`);
  assert.ok(bad.optOuts > good.optOuts, `opt-outs ${bad.optOuts} vs ${good.optOuts}`);
});

test('planted quality alone moves engagement for the same texts', () => {
  const people = generatePopulation({ size: 300, seed: 32 });
  const text = (p: Person, i: number) => `Have you tried ${TOPICS[topicOf(p)][i % 10]}? (${i})`;
  const high = engagement(people, 0.9, text, 4000);
  const low = engagement(people, 0.1, text, 4000);
  assert.ok(high.likes > 1.5 * low.likes, `likes ${high.likes} vs ${low.likes}`);
});

test('a decision depends only on the seed, the person and the event, and repeats of a text differ', () => {
  const [p] = generatePopulation({ size: 1, seed: 33 });
  assert.ok(p);
  const run = (seed: number) =>
    Array.from({ length: 200 }, (_, i) => decideReaction(seed, p, handleOf(p), 'mentioned', 0.5, `@${handleOf(p)} meet ${i}`));
  assert.deepEqual(run(1), run(1));
  assert.notDeepEqual(run(1), run(2));
  const repeats = Array.from({ length: 200 }, (_, n) => decideReaction(1, p, handleOf(p), 'author', 0.9, 'same text?', n + 1));
  assert.ok(new Set(repeats.map((r) => JSON.stringify(r))).size > 1, 'each repeat draws anew');
  assert.notEqual(decisionSeed(1, 'a', 'bc'), decisionSeed(1, 'ab', 'c'));
});
