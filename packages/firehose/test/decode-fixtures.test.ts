// The recorded firehose (real frames from a local PDS) decodes, with and without signature
// checks, into exactly what @atproto/sync reads from the same frames.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { decodeFrame, decodeFrameVerified, type Decoded, type NetworkEvent } from '../src/index.ts';
import { fixtureKeyCache, loadFrames, loadKeys } from './fixture.ts';
import { comparable, referenceEvents } from './reference.ts';

let frames: Uint8Array[];
let decoded: Decoded[];

before(() => {
  frames = loadFrames();
  decoded = frames.map((f) => {
    const r = decodeFrame(f);
    assert.ok(r.ok, `frame rejected: ${JSON.stringify(r)}`);
    return r;
  });
});

test('the recording is a realistic mix of the events BotSky keeps', () => {
  const counts: Record<string, number> = {};
  for (const e of decoded.flatMap((d) => d.events)) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
  for (const kind of ['post', 'like', 'repost', 'follow', 'block', 'profile', 'delete', 'identity', 'account']) {
    assert.ok((counts[kind] ?? 0) > 0, `no ${kind} events in the recording: ${JSON.stringify(counts)}`);
  }
  assert.ok(
    decoded.some((d) => d.ignored > 0),
    'no ignored collections in the recording',
  );
  assert.ok(decoded.every((d) => d.rejected.length === 0));
});

test('every frame decodes to what @atproto/sync reads from it', async () => {
  for (let i = 0; i < frames.length; i++) {
    const want = await referenceEvents(frames[i]!);
    const got = decoded[i]!.events.map(comparable);
    assert.deepEqual(got, want, `frame ${i} (seq ${decoded[i]!.seq})`);
  }
});

test('posts carry text, langs, replies and facets with byte ranges into the UTF-8 text', () => {
  const posts = decoded.flatMap((d) => d.events).filter((e): e is Extract<NetworkEvent, { kind: 'post' }> => e.kind === 'post');
  const mentions = posts.flatMap((p) => p.facets.filter((f) => f.type === 'mention').map((f) => ({ p, f })));
  assert.ok(mentions.length > 0 && posts.some((p) => p.reply !== null) && posts.some((p) => p.facets.some((f) => f.type === 'link')));
  for (const { p, f } of mentions) {
    const covered = Buffer.from(p.text).subarray(f.byteStart, f.byteEnd).toString();
    assert.match(covered, /^@[a-z0-9-]+\.test$/, `mention facet covers ${JSON.stringify(covered)}`);
    assert.match(f.type === 'mention' ? f.did : '', /^did:plc:/);
  }
  for (const p of posts) {
    assert.match(p.uri, /^at:\/\/did:plc:[a-z0-9]+\/app\.bsky\.feed\.post\/[a-z2-7]{13}$/);
    assert.match(p.cid, /^bafyrei[a-z2-7]{52}$/);
    assert.ok(p.timeUs > 1.7e15 && Number.isSafeInteger(p.timeUs));
  }
});

test('with signature checks every frame verifies and gives the same events', async () => {
  const keys = fixtureKeyCache();
  for (let i = 0; i < frames.length; i++) {
    const r = await decodeFrameVerified(frames[i]!, { keys });
    assert.deepEqual(r, decoded[i], `frame ${i}`);
  }
});

test("with every account given another account's key, every kept commit is a bad-signature", async () => {
  const keys = loadKeys();
  const dids = Object.keys(keys);
  const shifted = fixtureKeyCache(Object.fromEntries(dids.map((did, i) => [did, keys[dids[(i + 1) % dids.length]!]!])));
  let checked = 0;
  for (let i = 0; i < frames.length; i++) {
    const r = await decodeFrameVerified(frames[i]!, { keys: shifted });
    const plain = decoded[i]!;
    const keptCommit = plain.events.some((e) => e.kind !== 'identity' && e.kind !== 'account');
    if (!keptCommit) continue;
    checked++;
    assert.equal(r.ok, false, `frame ${i} verified with the wrong key`);
    assert.equal(!r.ok && r.reason, 'bad-signature');
    assert.equal(!r.ok && r.seq, plain.seq);
  }
  assert.ok(checked > frames.length / 2);
});
