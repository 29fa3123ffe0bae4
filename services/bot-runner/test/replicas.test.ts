// Two bot-runner processes (the real main, as deployed) share one durable consumer on the real
// NATS JetStream. One is killed with SIGKILL while it holds tasks: every task still ends with
// exactly one reply on the PDS, none lost, none doubled (its tasks go to the survivor after the
// ack wait, which finds any reply the dead one had already posted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { OutcomeStatus } from '@botsky/contracts';
import { eventually, natsUrl, startServiceMain } from '@botsky/kit/testing';
import { writeRegistryFile } from './helpers/registry-file.ts';
import { startPoliteModel } from './stand-ins/polite-model.ts';
import { account, outcomes, personPosts, postsOf, publishTask, replyTask, startWorld } from './helpers/world.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const TASKS = 24;

test('two replicas share the work; SIGKILL one mid-task: exactly one reply per task, none lost', async (t) => {
  const t0 = Date.now();
  const phases: Record<string, number> = {};
  const mark = (name: string) => {
    phases[name] = Date.now() - t0;
  };
  const world = await startWorld(t, ['sunny', 'ana', 'ben']);
  mark('network');
  const model = await startPoliteModel(300);
  t.after(() => model.close());
  const app = await account(world, 'sunny').agent.com.atproto.server.createAppPassword({ name: 'replicas' });
  const registry = writeRegistryFile([
    { id: 'sunny', handle: 'sunny.test', appPassword: app.data.password, pdsUrl: world.net.pdsUrl, modelUrl: model.baseURL },
  ]);
  t.after(() => registry.remove());
  const env = {
    ...registry.env,
    BOTSKY_BUS: natsUrl(),
    BOTSKY_NAMESPACE: world.namespace,
    BOTSKY_PDS_URL: world.net.pdsUrl,
    BOTSKY_BOTS_FILE: registry.path,
    BOTSKY_RUNNER_CONCURRENCY: '4',
    BOTSKY_RUNNER_ACK_WAIT: '3s',
    BOTSKY_DRAIN_TIMEOUT_MS: '5000',
  };
  const [victim, survivor] = await Promise.all([startServiceMain(t, MAIN, env), startServiceMain(t, MAIN, env)]);
  mark('replicas ready');

  const tasks = await Promise.all(
    Array.from({ length: TASKS }, async (_, i) => {
      const text = `Seedling update ${i}: the basil is finally up`;
      return replyTask(world, await personPosts(world, 'ana', text), text, 'sunny', 'ben');
    }),
  );
  await Promise.all(tasks.map((task) => publishTask(world, task)));
  // Kill once replies are flowing: both replicas then hold tasks (4 each, 300 ms a model call).
  await eventually('the first replies', async () => (await outcomes(world)).length >= 2, { intervalMs: 100 });
  mark('published');
  victim.proc.child.kill('SIGKILL');
  await victim.proc.exited;
  mark('killed');

  const ids = new Set(tasks.map((x) => x.taskId));
  const done = await eventually(
    'every task closed',
    async () => {
      const got = (await outcomes(world)).filter((o) => ids.has(o.taskId));
      return got.length === TASKS ? got : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  mark('all closed');
  assert.ok(
    done.every((o) => o.status === OutcomeStatus.REPLIED),
    done.map((o) => o.failureDetail).join('\n'),
  );
  const posts = await postsOf(world, 'sunny');
  const perParent = new Map<string, number>();
  for (const p of posts) perParent.set(p.value.reply?.parent.uri ?? '', (perParent.get(p.value.reply?.parent.uri ?? '') ?? 0) + 1);
  assert.equal(posts.length, TASKS, 'one reply per task, no more');
  assert.deepEqual(new Set(perParent.values()), new Set([1]));
  for (const task of tasks) assert.equal(perParent.get(task.postRef!.uri), 1);
  const metrics = await (await fetch(`${survivor.base}/metrics`)).text();
  const redelivered = Number(/botsky_botrunner_task_redeliveries_total\{[^}]*\} (\d+)/.exec(metrics)?.[1] ?? 0);
  assert.ok(redelivered > 0, 'the dead replica held tasks, which the survivor got');
  t.diagnostic(`phases (ms): ${JSON.stringify(phases)}; redelivered to the survivor: ${redelivered}`);
  survivor.proc.child.kill('SIGTERM');
  assert.equal((await survivor.proc.exited).code, 0);
});
