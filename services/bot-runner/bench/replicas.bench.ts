// Replies per second per bot-runner replica, and how two replicas scale against one: tasks for
// four bots are answered by a model stand-in with 300 ms latency (the OpenAI wire protocol, the
// real SDK) and posted to the local PDS, over the real NATS JetStream. Each replica is bot-runner's
// main in a process of its own, as deployed, joining the one durable consumer; a reply counts once
// its outcome is published. The PDS (devnet) runs in a process of its own too (remote-world.ts),
// so only the model stand-in and the bench's bookkeeping share the bench's process.
//
// Usage: node services/bot-runner/bench/replicas.bench.ts [--quick]
import { fileURLToPath } from 'node:url';
import { natsUrl, startServiceMain } from '@botsky/kit/testing';
import { writeRegistryFile, type RegistryFile } from '../test/helpers/registry-file.ts';
import { account, outcomes, personPosts, publishTask, replyTask, sleep, type World } from '../test/helpers/world.ts';
import { startRemoteWorld } from './remote-world.ts';
import { startPoliteModel } from '../test/stand-ins/polite-model.ts';
import type { BenchResult } from '@botsky/bench';

const BOTS = ['bot-a', 'bot-b', 'bot-c', 'bot-d'];
const LATENCY_MS = 300;
const CONCURRENCY = 4;

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

type Hooks = { after: (fn: () => unknown) => void };

async function startReplica(hooks: Hooks, world: World, registry: RegistryFile): Promise<{ stop(): Promise<void> }> {
  const env = {
    ...registry.env,
    BOTSKY_BUS: natsUrl(),
    BOTSKY_NAMESPACE: world.namespace,
    BOTSKY_PDS_URL: world.net.pdsUrl,
    BOTSKY_BOTS_FILE: registry.path,
    BOTSKY_RUNNER_CONCURRENCY: String(CONCURRENCY),
  };
  const { proc } = await startServiceMain(hooks, MAIN, env);
  return {
    async stop() {
      proc.child.kill('SIGTERM');
      await proc.exited;
    },
  };
}

/** Publishes `count` tasks and returns replies per second until every outcome is in. */
async function measure(
  hooks: Hooks,
  world: World,
  replicas: number,
  registry: RegistryFile,
  count: number,
  round: string,
): Promise<number> {
  const running = await Promise.all(Array.from({ length: replicas }, () => startReplica(hooks, world, registry)));
  const tasks = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const text = `${round} post ${i}: tomatoes and basil`;
      return replyTask(world, await personPosts(world, 'ana', text), text, BOTS[i % BOTS.length] as string, 'ben');
    }),
  );
  const ids = new Set(tasks.map((t) => t.taskId));
  const started = performance.now();
  await Promise.all(tasks.map((t) => publishTask(world, t)));
  for (;;) {
    const done = (await outcomes(world)).filter((o) => ids.has(o.taskId));
    if (done.length === count) break;
    await sleep(50);
  }
  const seconds = (performance.now() - started) / 1000;
  for (const r of running) await r.stop();
  return count / seconds;
}

export async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const cleanups: Array<() => unknown> = [];
  const hooks: Hooks = { after: (fn) => void cleanups.push(fn) };
  try {
    const world = await startRemoteWorld(hooks, [...BOTS, 'ana', 'ben']);
    const model = await startPoliteModel(LATENCY_MS);
    cleanups.push(() => model.close());
    const registry = writeRegistryFile(
      await Promise.all(
        BOTS.map(async (b) => ({
          id: b,
          handle: `${b}.test`,
          pdsUrl: world.net.pdsUrl,
          modelUrl: model.baseURL,
          appPassword: (await account(world, b).agent.com.atproto.server.createAppPassword({ name: 'bench' })).data.password,
        })),
      ),
    );
    cleanups.push(() => registry.remove());
    const count = opts.quick ? 96 : 160;
    await measure(hooks, world, 1, registry, 8, 'warm-up');
    const one = await measure(hooks, world, 1, registry, count, 'one');
    const two = await measure(hooks, world, 2, registry, count, 'two');
    console.log(
      `bot-runner replicas: 1 -> ${round(one)} replies/s, 2 -> ${round(two)} replies/s (${round(two / 2)} per replica), ratio ${round(two / one)}`,
    );
    return [
      { name: 'botrunner.replies_per_s.1_replica', value: round(one), unit: 'replies/s', higherIsBetter: true },
      { name: 'botrunner.replies_per_s.2_replicas', value: round(two / 2), unit: 'replies/s per replica', higherIsBetter: true },
      { name: 'botrunner.replica_ratio', value: round(two / one), unit: 'x', higherIsBetter: true },
    ];
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
}

const round = (x: number) => Math.round(x * 100) / 100;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await run({ quick: process.argv.includes('--quick') })) console.log(`${r.name} ${r.value} ${r.unit}`);
}
