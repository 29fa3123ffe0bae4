// Records a realistic firehose from a local PDS (@botsky/devnet): accounts with some history,
// then a few thousand writes in the mix of the live network, captured as raw subscribeRepos
// frames. Writes fixtures/frames.bin.gz (see src/frame-file.ts) and fixtures/keys.json (DID ->
// did:key, for signature checks). The content is seeded, but DIDs, TIDs and signatures are not:
// each run gives different bytes, so the output is checked in rather than regenerated.
//
// Usage: node packages/firehose/scripts/record-fixtures.ts [--accounts 40] [--actions 2400]
//        [--history 400] [--seed 1] [--out packages/firehose/fixtures]
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { startDevnet, type Devnet } from '@botsky/devnet';
import { encodeFrameFile } from '../src/frame-file.ts';
import { type Actor, type World, preloadLikes, runAction, seedPost } from './fixture-actions.ts';
import { createRandom } from './fixture-content.ts';

interface Recording {
  frames: Uint8Array[];
  close(): void;
}

function record(url: string): Promise<Recording> {
  const frames: Uint8Array[] = [];
  const ws = new WebSocket(url);
  ws.binaryType = 'nodebuffer';
  ws.on('message', (data: Buffer) => frames.push(new Uint8Array(data)));
  return new Promise((ok, fail) => {
    ws.once('open', () => ok({ frames, close: () => ws.close() }));
    ws.once('error', fail);
  });
}

/** Runs `fn` on every actor, `width` at a time, each actor in one lane so its writes never overlap. */
async function inLanes(actors: Actor[], width: number, fn: (a: Actor) => Promise<void>): Promise<void> {
  const lanes = Array.from({ length: width }, (_, lane) => actors.filter((_, i) => i % width === lane));
  await Promise.all(
    lanes.map(async (own) => {
      for (const a of own) await fn(a);
    }),
  );
}

async function simulate(world: World, actions: number, width: number): Promise<void> {
  const lanes = Array.from({ length: width }, (_, lane) => world.actors.filter((_, i) => i % width === lane)).filter((l) => l.length > 0);
  let left = actions;
  await Promise.all(
    lanes.map(async (own) => {
      while (left-- > 0) {
        await runAction(world, own[Math.floor(world.random() * own.length)]!);
        if (left % 250 === 0) console.log(`  ${left} actions left`);
      }
    }),
  );
}

async function waitForQuiet(rec: Recording, ms: number): Promise<void> {
  let seen = -1;
  while (seen !== rec.frames.length) {
    seen = rec.frames.length;
    await sleep(ms);
  }
}

async function signingKeys(net: Devnet, actors: Actor[]): Promise<Record<string, string>> {
  const resolver = net.createIdResolver();
  const keys: Record<string, string> = {};
  for (const a of actors) keys[a.account.did] = await resolver.did.resolveAtprotoKey(a.account.did);
  return keys;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      accounts: { type: 'string', default: '40' },
      actions: { type: 'string', default: '2400' },
      history: { type: 'string', default: '400' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: join(import.meta.dirname, '..', 'fixtures') },
    },
  });
  const net = await startDevnet();
  try {
    const accounts = await net.createAccounts(Number(values.accounts), { prefix: 'fx', concurrency: 8 });
    const actors = accounts.map((account) => ({
      account,
      handle: account.handle,
      likes: [],
      reposts: [],
      follows: [],
      posts: [],
      done: new Set<string>(),
    }));
    const world: World = { random: createRandom(Number(values.seed)), actors, posts: [] };
    console.log(`${actors.length} accounts; seeding posts and ${values.history} likes of history each`);
    await inLanes(actors, 8, (a) => seedPost(world, a).then(() => seedPost(world, a)));
    await inLanes(actors, 8, (a) => preloadLikes(world, a, Number(values.history)));
    await sleep(500); // let the sequencer emit the history before the recording starts
    const rec = await record(net.firehoseUrl);
    console.log(`recording ${values.actions} actions`);
    await simulate(world, Number(values.actions), 8);
    await waitForQuiet(rec, 1500);
    rec.close();
    const out = resolve(values.out);
    await mkdir(out, { recursive: true });
    const file = encodeFrameFile(rec.frames);
    await writeFile(join(out, 'frames.bin.gz'), file);
    await writeFile(join(out, 'keys.json'), `${JSON.stringify(await signingKeys(net, actors), null, 1)}\n`);
    console.log(`${rec.frames.length} frames, ${file.length} bytes gzipped, in ${out}`);
  } finally {
    await net.stop();
  }
}

await main();
