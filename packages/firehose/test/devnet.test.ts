// End to end against a live local PDS: frames read off its subscribeRepos socket decode and
// verify, with keys resolved from its PLC through the resolver callback, as ingest will do it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { RichText } from '@atproto/api';
import { startDevnet, type Devnet, type DevnetAccount } from '@botsky/devnet';
import { WebSocket } from 'ws';
import { createKeyCache, decodeFrameVerified, type NetworkEvent } from '../src/index.ts';

let net: Devnet;
let alice: DevnetAccount;
let bob: DevnetAccount;

before(async () => {
  net = await startDevnet();
  [alice, bob] = await Promise.all([
    net.createAccount({ handle: 'alice', password: 'pw-alice' }),
    net.createAccount({ handle: 'bob', password: 'pw-bob' }),
  ]);
});

after(async () => {
  await net?.stop();
});

/** Every frame from seq 0 until `enough` holds, decoded with signature checks. */
async function readVerified(enough: (events: NetworkEvent[]) => boolean): Promise<{ events: NetworkEvent[]; rejected: number }> {
  const resolver = net.createIdResolver();
  const keys = createKeyCache((did, { forceRefresh }) => resolver.did.resolveAtprotoKey(did, forceRefresh));
  const ws = new WebSocket(`${net.firehoseUrl}?cursor=0`);
  const events: NetworkEvent[] = [];
  let rejected = 0;
  let chain = Promise.resolve();
  ws.on('message', (data: Buffer) => {
    // One at a time, in order, as the cursor demands.
    chain = chain.then(async () => {
      const r = await decodeFrameVerified(data, { keys });
      if (!r.ok) rejected++;
      else events.push(...r.events);
    });
  });
  try {
    for (let waited = 0; !enough(events); waited += 50) {
      if (waited > 15_000) throw new Error(`timed out with ${events.length} events, ${rejected} rejected`);
      await sleep(50);
    }
    await chain;
    return { events, rejected };
  } finally {
    ws.terminate();
  }
}

test('a live post with a mention, a like and a follow arrive verified and normalised', async () => {
  const rt = new RichText({ text: 'hello @bob.test, meet the firehose 🚰' });
  await rt.detectFacets(alice.agent);
  const post = await alice.agent.post({ text: rt.text, facets: rt.facets, langs: ['en'] });
  await bob.agent.like(post.uri, post.cid);
  await bob.agent.follow(alice.did);

  const { events, rejected } = await readVerified((es) => es.some((e) => e.kind === 'follow'));
  assert.equal(rejected, 0);
  const p = events.find((e) => e.kind === 'post');
  assert.ok(p?.kind === 'post');
  assert.deepEqual([p.uri, p.cid, p.did, p.text, p.langs], [post.uri, post.cid, alice.did, rt.text, ['en']]);
  assert.deepEqual(p.facets, [{ byteStart: 6, byteEnd: 15, type: 'mention', did: bob.did }]);
  const like = events.find((e) => e.kind === 'like');
  assert.ok(like?.kind === 'like');
  assert.deepEqual([like.did, like.subject], [bob.did, { uri: post.uri, cid: post.cid }]);
  const follow = events.find((e) => e.kind === 'follow');
  assert.ok(follow?.kind === 'follow');
  assert.deepEqual([follow.did, follow.subject], [bob.did, alice.did]);
  assert.ok(events.some((e) => e.kind === 'identity' && e.did === alice.did && e.handle === 'alice.test'));
  assert.ok(events.some((e) => e.kind === 'account' && e.did === bob.did && e.active));
});
