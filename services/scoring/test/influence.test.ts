// Influence caps and anomaly flags: the daily cap per person, a one-bot liker, a burst and
// a group flagged, and a heavy but ordinary user who is not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyInfluence, binomialUpperTail, type Action } from '../src/index.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 2, 0, 0, 0);
const reply = (bot: string, i: number) => `at://did:plc:${bot}/app.bsky.feed.post/${i}`;
const act = (actor: string, bot: string, i: number, at: number, kind = 'like'): Action => ({
  bot_id: bot,
  reply_uri: reply(bot, i),
  actor_did: actor,
  kind,
  at_ms: at,
});

/** Served both bots' replies 0..n-1 alike. */
function exposed(people: string[], n = 40): Map<string, Map<string, string>> {
  const seen = new Map<string, string>();
  for (let i = 0; i < n; i++) seen.set(reply('b1', i), 'b1').set(reply('b2', i), 'b2');
  return new Map(people.map((p) => [p, seen]));
}

test('the binomial upper tail', () => {
  assert.equal(binomialUpperTail(0, 5, 0.3), 1);
  assert.ok(Math.abs(binomialUpperTail(3, 3, 0.5) - 0.125) < 1e-12);
  assert.ok(Math.abs(binomialUpperTail(2, 4, 0.5) - 11 / 16) < 1e-12);
});

test('only the first 30 actions per person and UTC day count, on any bot', () => {
  // 35 likes on b1 on day one (two minutes apart), 5 the next day, and 3 on b2 among the first.
  const actions = [
    ...Array.from({ length: 35 }, (_, i) => act('p1', 'b1', i, T0 + i * 120_000)),
    ...Array.from({ length: 5 }, (_, i) => act('p1', 'b1', 100 + i, T0 + DAY + i * 120_000)),
    ...Array.from({ length: 3 }, (_, i) => act('p1', 'b2', i, T0 + i * 120_000 + 1)),
  ];
  const onlyB1 = new Map([['p1', new Map(actions.map((a) => [a.reply_uri, a.bot_id]))]]);
  const r = applyInfluence(actions, onlyB1, { dailyCap: 30 });
  // day one: the first 30 of 38 in time order (3 on b2, 27 on b1); day two: all 5
  assert.deepEqual([r.flagged.size, r.cappedActions, r.kept.length], [0, 8, 35]);
  const dayOne = r.kept.filter((a) => a.at_ms < T0 + DAY);
  assert.deepEqual([dayOne.filter((a) => a.bot_id === 'b1').length, dayOne.filter((a) => a.bot_id === 'b2').length], [27, 3]);
  assert.ok(
    dayOne.every((a) => a.at_ms < T0 + 27 * 120_000),
    'the first 30 kept',
  );
});

test("the cap keeps a heavy user's preference: twice the likes on b1 stay twice the likes on b2", () => {
  // 200 likes a day, two on b1 for every one on b2, interleaved: a per-bot cap of 30 would leave 30 and 30.
  const actions = Array.from({ length: 200 }, (_, i) => act('heavy', i % 3 === 2 ? 'b2' : 'b1', i, T0 + i * 60_000));
  const r = applyInfluence(actions, new Map([['heavy', new Map(actions.map((a) => [a.reply_uri, a.bot_id]))]]), { dailyCap: 30 });
  const b1 = r.kept.filter((a) => a.bot_id === 'b1').length;
  const b2 = r.kept.filter((a) => a.bot_id === 'b2').length;
  assert.deepEqual([b1, b2], [20, 10]);
});

test('a one-bot liker is flagged; a heavy user whose likes follow what they were served is not', () => {
  // fan: 12 likes, all on b1, though served b1 and b2 alike: P = 0.5^12 ≈ 0.00024 < 0.001/2.
  const fan = Array.from({ length: 12 }, (_, i) => act('fan', 'b1', i, T0 + i * 600_000));
  // heavy: 50 likes over three days, half on each bot, five minutes apart.
  const heavy = Array.from({ length: 50 }, (_, i) => act('heavy', i % 2 === 0 ? 'b1' : 'b2', Math.floor(i / 2), T0 + i * 300_000 * 4));
  const r = applyInfluence([...fan, ...heavy], exposed(['fan', 'heavy']), { dailyCap: 100 });
  assert.deepEqual([...r.flagged], [['fan', ['one_bot_liker']]]);
  assert.deepEqual([r.flaggedActions, r.cappedActions, r.kept.length], [12, 0, 50]);
  // 7 likes are too few to test.
  assert.equal(applyInfluence(fan.slice(0, 7), exposed(['fan']), { dailyCap: 30 }).flagged.size, 0);
});

test('a burst of 20 actions within 60 s is flagged; the same 20 over 60 s are not', () => {
  const burst = Array.from({ length: 20 }, (_, i) => act('fast', i % 2 ? 'b1' : 'b2', i, T0 + i * 3_000)); // 57 s
  const steady = Array.from({ length: 20 }, (_, i) => act('steady', i % 2 ? 'b1' : 'b2', 20 + i, T0 + i * 3_200)); // 60.8 s, other replies
  const r = applyInfluence([...burst, ...steady], exposed(['fast', 'steady']), { dailyCap: 30 });
  assert.deepEqual([...r.flagged.keys()], ['fast']);
  assert.deepEqual(r.flagged.get('fast'), ['burst']);
});

test('two people acting on the same bot replies (≥ 10, Jaccard ≥ 0.8) are both flagged', () => {
  const spread = (who: string, offset: number, ids: number[]) =>
    ids.map((i, k) => act(who, i % 2 ? 'b1' : 'b2', i, T0 + k * 600_000 + offset));
  const ids = Array.from({ length: 12 }, (_, i) => i);
  const twinA = spread('twin-a', 0, ids);
  const twinB = spread('twin-b', 60_000, [...ids.slice(0, 11), 30]); // 11 shared of 13: 0.85
  const other = spread('other', 0, [0, 1, 2, 3, 4, 20, 21, 22, 23, 24, 25, 26]); // 5 shared
  const r = applyInfluence([...twinA, ...twinB, ...other], exposed(['twin-a', 'twin-b', 'other']), { dailyCap: 30 });
  assert.deepEqual([...r.flagged.keys()].sort(), ['twin-a', 'twin-b']);
  assert.deepEqual(r.flagged.get('twin-a'), ['group']);
});

test('people who all like the better bot more are not flagged; one who likes nothing else is', () => {
  // ten people, 150 likes each over a day on replies of their own, two on b1 for every one on b2,
  // served both alike: against an even spread that is P ≈ 2e-5 each, below 0.001/11, so a test
  // with that null would flag all ten; against everyone else's taste none is improbable
  const crowd = Array.from({ length: 10 }, (_, p) =>
    Array.from({ length: 150 }, (_, i) => act(`p${p}`, i % 3 === 2 ? 'b2' : 'b1', p * 200 + i, T0 + p * 1000 + i * 300_000)),
  ).flat();
  // the fan: 30 likes, all on b1: (2/3)^30 ≈ 5e-6
  const fan = Array.from({ length: 30 }, (_, i) => act('fan', 'b1', 3000 + i, T0 + 7 + i * 600_000));
  const people = [...Array.from({ length: 10 }, (_, p) => `p${p}`), 'fan'];
  assert.ok(binomialUpperTail(100, 150, 0.5) < 0.001 / 11);
  const r = applyInfluence([...crowd, ...fan], exposed(people, 3100), { dailyCap: 1000 });
  assert.deepEqual([...r.flagged.keys()], ['fan']);
});
