// A test World whose devnet runs in another process (bench/devnet-process.ts): the same helpers
// (people posting, reply tasks, outcomes) work on it, while the PDS's CPU time is not the bench's.
import { fileURLToPath } from 'node:url';
import { AtpAgent } from '@atproto/api';
import { createBus, deleteNamespace, parseBusUrl } from '@botsky/bus';
import type { Devnet, DevnetAccount } from '@botsky/devnet';
import { natsUrl, runNode, testNamespace, waitForOutput, type TestHooks } from '@botsky/kit/testing';
import type { World } from '../test/helpers/world.ts';

const SCRIPT = fileURLToPath(new URL('./devnet-process.ts', import.meta.url));

interface Announced {
  devnet: { pdsUrl: string; plcUrl: string; firehoseUrl: string };
  accounts: { name: string; handle: string; did: string }[];
}

export async function startRemoteWorld(hooks: TestHooks, names: readonly string[]): Promise<World> {
  const proc = runNode(hooks, SCRIPT, names, {});
  hooks.after(async () => {
    proc.child.kill('SIGTERM');
    await proc.exited;
  });
  const [line] = await waitForOutput(proc, /^\{"devnet".*$/m, 120_000);
  const { devnet, accounts: announced } = JSON.parse(line) as Announced;
  const namespace = testNamespace('brb');
  const bus = await createBus(parseBusUrl(natsUrl(), namespace));
  hooks.after(async () => {
    await bus.close();
    await deleteNamespace(natsUrl(), namespace);
  });
  await bus.ensureTopology();
  const accounts = new Map<string, DevnetAccount>();
  for (const a of announced) {
    const agent = new AtpAgent({ service: devnet.pdsUrl });
    const password = `pw-${a.name}`;
    const res = await agent.login({ identifier: a.handle, password });
    accounts.set(a.name, { did: a.did, handle: a.handle, password, accessJwt: res.data.accessJwt, refreshJwt: res.data.refreshJwt, agent });
  }
  // Only the URLs of the network are used by the helpers; the rest belongs to the other process.
  const net = { ...devnet, handleDomain: '.test' } as unknown as Devnet;
  return { net, namespace, bus, accounts, hooks };
}
