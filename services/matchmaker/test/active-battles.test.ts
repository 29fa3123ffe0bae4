// Battles on a real NATS: with BOTSKY_BATTLE_SAMPLING=active a replica learns the bots' ratings
// from scoring's snapshots on the bus, and both tasks of each battle carry "active" and the
// pair's probability; by default they carry "uniform". The decision's reason says which.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { create, encode, RatingMethod, RatingSnapshotSchema, SUBJECTS, toUs, type ReplyTask } from '@botsky/contracts';
import { eventually, metricSum, pending } from '@botsky/kit/testing';
import type { Harness, Replica } from './helpers.ts';
import { BOTS, ev, harness, person, PROJECT, publish, startReplica } from './helpers.ts';

/** bot-a and bot-b overlap, bot-c is far ahead. */
const TABLE = [
  { botId: BOTS[0]!.id, rating: 1000, ci95Lo: 960, ci95Hi: 1040 },
  { botId: BOTS[1]!.id, rating: 1010, ci95Lo: 970, ci95Hi: 1050 },
  { botId: BOTS[2]!.id, rating: 1400, ci95Lo: 1370, ci95Hi: 1430 },
];

/** A table as scoring publishes it: every bot, both Bradley-Terry methods, one computedAt. */
async function publishRatings(h: Harness, atMs: number): Promise<void> {
  const computedAtUs = toUs(atMs);
  for (const method of [RatingMethod.BRADLEY_TERRY_STYLE, RatingMethod.BRADLEY_TERRY]) {
    for (const row of TABLE) {
      const data = encode(RatingSnapshotSchema, create(RatingSnapshotSchema, { ...row, method, battles: 40, rank: 1, computedAtUs }));
      await h.bus.publish(SUBJECTS.ratingSnapshot, data, { msgId: `rating:${method}:${row.botId}:${computedAtUs}` });
    }
  }
}

async function ratedBots(r: Replica): Promise<number> {
  const gauge = r.metrics.registry.getSingleMetric('botsky_matchmaker_rated_bots');
  return (await gauge?.get())?.values[0]?.value ?? 0;
}

/** An opted-in author's posts, all answered; their tasks by battle. */
async function battlesOn(h: Harness, n: number): Promise<{ battles: ReplyTask[][]; uris: string[] }> {
  const author = person('battler');
  const posts = Array.from({ length: n }, (_, i) => ev.post(author, `post ${i} about sourdough and chess`));
  await publish(h.bus, [ev.follow(author, PROJECT), ...posts]);
  await eventually('every post decided', () => posts.every((p) => h.out.decisionFor(p.uri) !== undefined), { timeoutMs: 20_000 });
  await eventually('every task published', () => posts.every((p) => h.out.tasksFor(p.uri).length === 2), { timeoutMs: 20_000 });
  return { battles: posts.map((p) => h.out.tasksFor(p.uri)), uris: posts.map((p) => p.uri) };
}

describe('battle sampling on the bus', { concurrency: true }, () => {
  it('active: after rating snapshots, battle tasks carry "active" and a probability in (0, 1]', async (t) => {
    const h = await harness(t);
    await publishRatings(h, Date.now() - 60_000);
    const r = await startReplica(h, { BOTSKY_BATTLE_SAMPLING: 'active', BOTSKY_BATTLE_RATE: '1' });
    await eventually('the replica knows the three ratings', async () => (await ratedBots(r)) === 3);
    const { battles, uris } = await battlesOn(h, 6);
    for (const [i, tasks] of battles.entries()) {
      assert.deepEqual(tasks.map((x) => x.slot).sort(), [0, 1]);
      assert.equal(new Set(tasks.map((x) => x.botId)).size, 2);
      for (const task of tasks) {
        assert.equal(task.battleSampling, 'active');
        assert.ok(task.battlePairProbability > 0 && task.battlePairProbability <= 1, `p ${task.battlePairProbability}`);
      }
      assert.equal(tasks[0]!.battlePairProbability, tasks[1]!.battlePairProbability, 'both sides carry the pair probability');
      assert.match(h.out.decisionFor(uris[i]!)?.reason ?? '', /^battle \(active\)/);
    }
    // From equal counts the overlapping pair is the likeliest, by far (uniform would give 1/3).
    const first = battles[0]!;
    assert.deepEqual(first.map((x) => x.botId).sort(), [BOTS[0]!.id, BOTS[1]!.id]);
    assert.ok(first[0]!.battlePairProbability > 0.5, `p ${first[0]!.battlePairProbability}`);
    // Counted once the decision is stored, which can be just after its tasks are seen.
    await eventually('every battle counted', async () => {
      const n = await metricSum(r.metrics, 'botsky_matchmaker_battles_total', { sampling: 'active' });
      return n === 6 || pending(`${n} counted`);
    });
  });

  it('uniform by default: battle tasks carry "uniform" and the two least-assigned bots\' probability', async (t) => {
    const h = await harness(t);
    const r = await startReplica(h, { BOTSKY_BATTLE_RATE: '1' });
    const { battles, uris } = await battlesOn(h, 3);
    for (const [i, tasks] of battles.entries()) {
      for (const task of tasks) assert.equal(task.battleSampling, 'uniform');
      assert.match(h.out.decisionFor(uris[i]!)?.reason ?? '', /^battle \(uniform\)/);
    }
    // Three bots at 0: any of the three pairs. Then one bot is behind: it and either other.
    assert.ok(Math.abs(battles[0]![0]!.battlePairProbability - 1 / 3) < 1e-12);
    assert.ok(Math.abs(battles[1]![0]!.battlePairProbability - 1 / 2) < 1e-12);
    // Counted once the decision is stored, which can be just after its tasks are seen.
    await eventually('every battle counted', async () => {
      const n = await metricSum(r.metrics, 'botsky_matchmaker_battles_total', { sampling: 'uniform' });
      return n === 3 || pending(`${n} counted`);
    });
    assert.equal(await ratedBots(r), 0, 'uniform follows no ratings');
  });
});
