// Write budgets across replicas: two bot-runners share one account's ledger through NATS KV
// (compare-and-set), so together they never spend more than the budget. A task over budget is
// put back, not failed, and is posted once the window has room (the budget's clock is moved on
// instead of waiting an hour).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FailureReason, OutcomeStatus } from '@botsky/contracts';
import { eventually, metricSum } from '@botsky/kit/testing';
import { botEntry, outcomes, personPosts, postsOf, publishTask, replyTask, sleep, startRunner, startWorld } from './helpers/world.ts';

test('two replicas with a tiny budget: never more than it, the rest delayed not failed, then posted', async (t) => {
  const world = await startWorld(t, ['sunny', 'ana', 'ben']);
  let offsetMs = 0;
  const clock = { budgetNow: () => Date.now() + offsetMs, budgetRecheckMaxMs: 2000 };
  // 6 points an hour: two creates.
  const env = { BOTSKY_BUDGET_HOUR_POINTS: '6', BOTSKY_BUDGET_DAY_POINTS: '100' };
  const bot = await botEntry(world, 'sunny', { kind: 'offline', style: 'connector' });
  const runners = [await startRunner(world, [bot], env, clock), await startRunner(world, [bot], env, clock)];
  t.after(async () => {
    for (const r of runners) await r.stop();
  });

  const tasks = await Promise.all(
    [0, 1, 2, 3].map(async (i) => {
      const text = `Budget post ${i} about sourdough`;
      const task = replyTask(world, await personPosts(world, 'ana', text), text, 'sunny', 'ben');
      // Worth answering for two hours: longer than the budget's wait.
      task.deadlineUs = task.createdAtUs + 2n * 3600n * 1_000_000n;
      return task;
    }),
  );
  await Promise.all(tasks.map((task) => publishTask(world, task)));
  await eventually('two replies', async () => (await outcomes(world)).length >= 2, { intervalMs: 100 });
  const waits = async () =>
    (await metricSum(runners[0]!.metrics, 'botsky_botrunner_budget_waits_total')) +
    (await metricSum(runners[1]!.metrics, 'botsky_botrunner_budget_waits_total'));
  await eventually('the other two put back', async () => (await waits()) >= 2, { intervalMs: 100 });
  await sleep(1500);
  assert.equal((await postsOf(world, 'sunny')).length, 2, 'the budget allows two creates an hour, whichever replica asks');
  assert.equal((await outcomes(world)).length, 2, 'the other tasks are not failed: no outcome yet');
  const used = Math.max(
    ...(await Promise.all(
      runners.map((r) => metricSum(r.metrics, 'botsky_botrunner_budget_used_points', { account: 'sunny.test', window: 'hour' })),
    )),
  );
  assert.equal(used, 6);

  // A task due within ten minutes cannot wait for the window: it fails, with the reason.
  const text = 'Urgent post about rye';
  const urgent = replyTask(world, await personPosts(world, 'ana', text), text, 'sunny', 'ben');
  await publishTask(world, urgent);
  const failed = await eventually('the urgent task closed', async () => (await outcomes(world)).find((o) => o.taskId === urgent.taskId), {
    intervalMs: 100,
  });
  assert.equal(failed.failureReason, FailureReason.BUDGET_EXHAUSTED);
  assert.match(failed.failureDetail, /no write budget for \d+ s, past the task's deadline/);

  offsetMs = 61 * 60_000;
  const all = await eventually(
    'the four closed',
    async () => {
      const got = (await outcomes(world)).filter((o) => o.taskId !== urgent.taskId);
      return got.length === 4 ? got : undefined;
    },
    { intervalMs: 100 },
  );
  assert.ok(
    all.every((o) => o.status === OutcomeStatus.REPLIED),
    all.map((o) => o.failureDetail).join('\n'),
  );
  assert.equal((await postsOf(world, 'sunny')).length, 4);
});
