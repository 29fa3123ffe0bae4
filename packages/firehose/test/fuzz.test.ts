// Random mutations of real frames and Jetstream messages (seeded, bounded): the decoders never
// throw, and every result is either well-formed events or a rejection with a known reason.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { decodeFrame, decodeFrameVerified, decodeJetstream, type DecodeResult, type KeyCache } from '../src/index.ts';
import { createRandom, type Random } from '../scripts/fixture-content.ts';
import { fixtureKeyCache, loadFrames } from './fixture.ts';

const REASONS = new Set([
  'truncated',
  'garbled',
  'oversized',
  'invalid-frame',
  'invalid-record',
  'missing-block',
  'bad-signature',
  'bad-proof',
  'unknown-key',
  'unknown-type',
  'unknown-op',
]);
const KINDS = new Set(['post', 'like', 'repost', 'follow', 'block', 'listblock', 'listitem', 'profile', 'delete', 'identity', 'account']);

let frames: Uint8Array[];
let keys: KeyCache;

before(() => {
  frames = loadFrames();
  keys = fixtureKeyCache();
});

function mutate(random: Random, input: Uint8Array): Buffer {
  const b = Buffer.from(input);
  const at = Math.floor(random() * b.length);
  switch (Math.floor(random() * 6)) {
    case 0: // flip a few bytes
      for (let i = 0; i < 1 + random() * 8; i++) {
        const j = Math.floor(random() * b.length);
        b[j] = b[j]! ^ (1 + Math.floor(random() * 255));
      }
      return b;
    case 1: // cut short
      return b.subarray(0, at);
    case 2: // insert random bytes
      return Buffer.concat([
        b.subarray(0, at),
        Buffer.from(Array.from({ length: 1 + random() * 16 }, () => Math.floor(random() * 256))),
        b.subarray(at),
      ]);
    case 3: // a huge length or count where a value starts
      return Buffer.concat([
        b.subarray(0, at),
        Buffer.from([0x40 | (27 + Math.floor(random() * 4) * 32), 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1]),
        b.subarray(at + 1),
      ]);
    case 4: // a repeated segment
      return Buffer.concat([b.subarray(0, at), b.subarray(Math.floor(at / 2), at), b.subarray(at)]);
    default: // deeply nested arrays
      return Buffer.concat([b.subarray(0, at), Buffer.alloc(200, 0x81), b.subarray(at)]);
  }
}

function checkShape(r: DecodeResult): void {
  if (!r.ok) {
    assert.ok(REASONS.has(r.reason), r.reason);
    assert.equal(typeof r.detail, 'string');
    return;
  }
  for (const e of r.events) {
    assert.ok(KINDS.has(e.kind), e.kind);
    assert.ok(Number.isSafeInteger(e.seq) && Number.isSafeInteger(e.timeUs) && typeof e.did === 'string');
  }
  for (const x of r.rejected) assert.ok(REASONS.has(x.reason), x.reason);
}

test('5,000 mutated frames decode without throwing', () => {
  const random = createRandom(42);
  let rejected = 0;
  for (let i = 0; i < 5000; i++) {
    const input = mutate(random, frames[Math.floor(random() * frames.length)]!);
    const r = decodeFrame(input);
    checkShape(r);
    if (!r.ok || r.rejected.length > 0) rejected++;
  }
  // Most mutations must be caught; some (a flipped byte inside a signature or a CID) are not
  // visible without verification, which the next test covers.
  assert.ok(rejected > 2500, `only ${rejected} of 5000 mutations rejected`);
});

test('500 mutated frames through signature checks: none throws, none is published unproven', async () => {
  const random = createRandom(7);
  for (let i = 0; i < 500; i++) {
    const original = frames[Math.floor(random() * frames.length)]!;
    const input = mutate(random, original);
    const r = await decodeFrameVerified(input, { keys });
    checkShape(r);
    if (r.ok && r.events.length > 0) {
      // Anything still published must be what the original frame said.
      const before = decodeFrame(original);
      assert.ok(before.ok);
      for (const e of r.events)
        if (e.kind !== 'identity' && e.kind !== 'account')
          assert.ok(
            before.events.some((b) => JSON.stringify(b) === JSON.stringify(e)),
            JSON.stringify(e),
          );
    }
  }
});

test('2,000 mutated Jetstream messages decode without throwing', () => {
  const random = createRandom(3);
  const messages = [
    '{"did":"did:plc:eygmaihciaxprqvxpfvl6flk","time_us":1725911162329308,"kind":"commit","commit":{"rev":"3l3qo2vutsw2b","operation":"create","collection":"app.bsky.feed.like","rkey":"3l3qo2vuowo2b","record":{"$type":"app.bsky.feed.like","createdAt":"2024-09-09T19:46:02.102Z","subject":{"cid":"bafyreidc6sydkkbchcyg62v77wbhzvb2mvytlmsychqgwf2xojjtirmzj4","uri":"at://did:plc:wa7b35aakoll7hugkrjtf3xf/app.bsky.feed.post/3l3pte3p2e325"}},"cid":"bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd3sgzcqi"}}',
    '{"did":"did:plc:eygmaihciaxprqvxpfvl6flk","time_us":1725911162329309,"kind":"commit","commit":{"rev":"3l3qo2vutsw2c","operation":"create","collection":"app.bsky.feed.post","rkey":"3l3qo2vuowo2c","record":{"$type":"app.bsky.feed.post","text":"hi @bob.test 🌱","langs":["en"],"facets":[{"index":{"byteStart":3,"byteEnd":12},"features":[{"$type":"app.bsky.richtext.facet#mention","did":"did:plc:ewvi7nxzyoun6zhxrhs64oiz"}]}],"createdAt":"2024-09-09T19:46:02.102Z"},"cid":"bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd3sgzcqi"}}',
    '{"did":"did:plc:ufbl4k27gp6kzas5glhz7fim","time_us":1725516665234703,"kind":"identity","identity":{"did":"did:plc:ufbl4k27gp6kzas5glhz7fim","handle":"yohenrique.bsky.social","seq":1409752997,"time":"2024-09-05T06:11:04.870Z"}}',
  ];
  for (let i = 0; i < 2000; i++) {
    const input = mutate(random, Buffer.from(messages[i % messages.length]!));
    checkShape(decodeJetstream(i % 2 === 0 ? input : input.toString('latin1')));
  }
});
