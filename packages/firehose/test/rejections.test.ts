// Every way a frame can be bad gives its own typed rejection, the rest of a commit survives a bad
// record, and nothing throws.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { encode } from '@atproto/lex-cbor';
import { Secp256k1Keypair } from '@atproto/crypto';
import { createKeyCache, decodeFrame, decodeFrameVerified, type DecodeResult, type KeyCache } from '../src/index.ts';
import { type TestRepo, commitFrame, concat, createTestRepo, errorFrame, messageFrame, now, post } from './frame-builder.ts';

let alice: TestRepo;
let keys: KeyCache;
let likeOf: Record<string, unknown>;

before(async () => {
  alice = await createTestRepo();
  const didKey = alice.keypair.did();
  keys = createKeyCache((did) => (did === alice.did ? didKey : null));
  const subject = {
    uri: `at://${alice.did}/app.bsky.feed.post/3l3qo2vuowo2b`,
    cid: 'bafyreig2fjxi3rptqdgylg7e5hmjl6mcke7rn2b6cugzlqq3i4zu6rq52q',
  };
  likeOf = { $type: 'app.bsky.feed.like', subject, createdAt: now() };
});

function rejected(r: DecodeResult): { reason: string; detail: string; seq: number | null } {
  assert.equal(r.ok, false, `expected a rejection, got ${JSON.stringify(r)}`);
  return r as never;
}

async function oneRecord(record: Record<string, unknown>, collection = 'app.bsky.feed.post'): Promise<DecodeResult> {
  const { frame } = await commitFrame(alice, [{ action: 'create', collection, record }]);
  return decodeFrame(frame);
}

function recordRejection(r: DecodeResult): { reason: string; detail: string; uri: string | null } {
  assert.ok(r.ok, `frame itself rejected: ${JSON.stringify(r)}`);
  assert.equal(r.events.length, 0, `published ${JSON.stringify(r.events)}`);
  assert.equal(r.rejected.length, 1);
  return r.rejected[0]!;
}

test('a truncated frame is truncated', async () => {
  const { frame } = await commitFrame(alice, [{ action: 'create', collection: 'app.bsky.feed.post', record: post('hello') }]);
  for (const cut of [1, 10, frame.length >> 1, frame.length - 1]) {
    const r = rejected(decodeFrame(frame.subarray(0, cut)));
    assert.equal(r.reason, 'truncated', `cut at ${cut}: ${r.detail}`);
  }
});

test('bytes that are not DAG-CBOR are garbled', () => {
  const cases: Array<[string, Uint8Array]> = [
    ['reserved initial byte', Uint8Array.of(0xff, 0xff, 0xff)],
    ['indefinite-length map', concat(Uint8Array.of(0xbf, 0x62, 0x6f, 0x70, 0x01, 0xff), encode({} as never))],
    ['CBOR tag other than 42', concat(Uint8Array.of(0xc1, 0x00), encode({} as never))],
    ['undefined', concat(Uint8Array.of(0xf7), encode({} as never))],
    ['half float', concat(encode({ op: 1, t: '#identity' } as never), Uint8Array.of(0xa1, 0x61, 0x78, 0xf9, 0x3c, 0x00))],
    ['non-minimal integer', concat(Uint8Array.of(0xa1, 0x62, 0x6f, 0x70, 0x18, 0x01), encode({} as never))],
    ['duplicate map key', concat(Uint8Array.of(0xa2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x02), encode({} as never))],
    ['invalid UTF-8', concat(Uint8Array.of(0xa1, 0x61, 0x74, 0x62, 0xc3, 0x28), encode({} as never))],
    ['trailing bytes', concat(encode({ op: 1, t: '#info' } as never), encode({ name: 'x' } as never), Uint8Array.of(0))],
    ['not bytes at all', 'a string' as unknown as Uint8Array],
  ];
  for (const [name, bytes] of cases) assert.equal(rejected(decodeFrame(bytes)).reason, 'garbled', name);
});

test('a frame over the limit is oversized, and is not read', async () => {
  const { frame } = await commitFrame(alice, [{ action: 'create', collection: 'app.bsky.feed.post', record: post('hello') }]);
  assert.equal(rejected(decodeFrame(frame, { maxFrameBytes: frame.length - 1 })).reason, 'oversized');
  assert.ok(decodeFrame(frame, { maxFrameBytes: frame.length }).ok);
  assert.equal(rejected(decodeFrame(new Uint8Array(5 * 1024 * 1024 + 1))).reason, 'oversized');
});

test('an oversized record is rejected on its own; the rest of the commit is kept', async () => {
  const big = post('big', { padding: 'x'.repeat(110 * 1024) });
  const { frame, paths } = await commitFrame(alice, [
    { action: 'create', collection: 'app.bsky.feed.post', record: big },
    { action: 'create', collection: 'app.bsky.feed.like', record: likeOf },
  ]);
  const r = decodeFrame(frame);
  assert.ok(r.ok);
  assert.deepEqual(
    r.events.map((e) => e.kind),
    ['like'],
  );
  assert.deepEqual(
    r.rejected.map((x) => [x.reason, x.uri]),
    [['oversized', `at://${alice.did}/${paths[0]}`]],
  );
});

test('records with wrong types or out-of-range values are invalid-record', async () => {
  const cases: Array<[string, Record<string, unknown>, string?]> = [
    ['text as number', post(42)],
    ['missing text', { $type: 'app.bsky.feed.post', createdAt: now() }],
    ['text over 300 graphemes', post('é'.repeat(301))],
    ['text over 3000 bytes', post('😀'.repeat(751))],
    ['bad createdAt', post('hi', { createdAt: 'yesterday' })],
    [
      'facet past the end',
      post('hi @bob', {
        facets: [{ index: { byteStart: 3, byteEnd: 99 }, features: [{ $type: 'app.bsky.richtext.facet#mention', did: 'did:plc:bob' }] }],
      }),
    ],
    ['facet end before start', post('hi @bob', { facets: [{ index: { byteStart: 5, byteEnd: 3 }, features: [] }] })],
    [
      'mention without a DID',
      post('hi @bob', {
        facets: [{ index: { byteStart: 3, byteEnd: 7 }, features: [{ $type: 'app.bsky.richtext.facet#mention', did: 'bob' }] }],
      }),
    ],
    ['four langs', post('hi', { langs: ['en', 'de', 'fr', 'pt'] })],
    ['reply without parent', post('hi', { reply: { root: likeOf.subject } })],
    ['$type of another collection', { ...post('hi'), $type: 'app.bsky.feed.like' }],
    ['like without subject', { $type: 'app.bsky.feed.like', createdAt: now() }, 'app.bsky.feed.like'],
    ['like of a non-URI', { ...likeOf, subject: { uri: 'hello', cid: 'bafy' } }, 'app.bsky.feed.like'],
    ['follow of a handle', { $type: 'app.bsky.graph.follow', subject: 'bob.test', createdAt: now() }, 'app.bsky.graph.follow'],
    ['block subject as bytes', { $type: 'app.bsky.graph.block', subject: new Uint8Array(3), createdAt: now() }, 'app.bsky.graph.block'],
  ];
  for (const [name, record, collection] of cases) {
    const r = recordRejection(await oneRecord(record, collection));
    assert.equal(r.reason, 'invalid-record', `${name}: ${r.detail}`);
  }
});

test('a profile must be at rkey self; posts at a TID', async () => {
  const profile = { $type: 'app.bsky.actor.profile', displayName: 'Ada' };
  const good = await commitFrame(alice, [{ action: 'create', collection: 'app.bsky.actor.profile', rkey: 'self', record: profile }]);
  const r = decodeFrame(good.frame);
  assert.ok(r.ok);
  assert.deepEqual(
    r.events.map((e) => [e.kind, e.kind === 'profile' && e.displayName]),
    [['profile', 'Ada']],
  );
  const bad = await commitFrame(alice, [{ action: 'create', collection: 'app.bsky.actor.profile', rkey: 'other', record: profile }]);
  assert.equal(recordRejection(decodeFrame(bad.frame)).reason, 'invalid-record');
  const badPost = await commitFrame(alice, [{ action: 'create', collection: 'app.bsky.feed.post', rkey: 'not-a-tid', record: post('hi') }]);
  assert.equal(recordRejection(decodeFrame(badPost.frame)).reason, 'invalid-record');
});

test('a header op other than 1 or -1 is unknown-op; an unknown message type is unknown-type, with its seq', () => {
  assert.equal(rejected(decodeFrame(concat(encode({ op: 2, t: '#commit' } as never), encode({ seq: 5 } as never)))).reason, 'unknown-op');
  const r = rejected(decodeFrame(messageFrame('#labels', { seq: 77, labels: [] })));
  assert.deepEqual([r.reason, r.seq], ['unknown-type', 77]);
});

test('a body that breaks the subscribeRepos lexicon is invalid-frame', async () => {
  const mutations: Array<[string, (b: Record<string, unknown>) => void]> = [
    ['seq as string', (b) => (b.seq = '12')],
    ['repo not a DID', (b) => (b.repo = 'alice')],
    ['no blocks', (b) => delete b.blocks],
    ['op with unknown action', (b) => ((b.ops as Array<Record<string, unknown>>)[0]!.action = 'upsert')],
    ['create without cid', (b) => ((b.ops as Array<Record<string, unknown>>)[0]!.cid = null)],
    ['bad time', (b) => (b.time = '2024-02-30T00:00:00Z')],
  ];
  for (const [name, body] of mutations) {
    const { frame } = await commitFrame(alice, [{ action: 'create', collection: 'app.bsky.feed.post', record: post('hi') }], { body });
    assert.equal(rejected(decodeFrame(frame)).reason, 'invalid-frame', name);
  }
  assert.equal(
    rejected(decodeFrame(messageFrame('#account', { seq: 1, did: alice.did, time: now(), active: 'yes' }))).reason,
    'invalid-frame',
  );
});

test('an op whose record is not in the CAR is missing-block', async () => {
  const fake = await import('@atproto/repo').then((m) => m.cidForRecord({ nothing: 'here' }));
  const { frame } = await commitFrame(alice, [{ action: 'create', collection: 'app.bsky.feed.post', record: post('hi') }], {
    body: (b) => ((b.ops as Array<Record<string, unknown>>)[0]!.cid = fake),
  });
  assert.equal(recordRejection(decodeFrame(frame)).reason, 'missing-block');
});

test('a commit signed by another key is bad-signature when verified', async () => {
  const mallory = await Secp256k1Keypair.create();
  const { frame } = await commitFrame(alice, [{ action: 'create', collection: 'app.bsky.feed.post', record: post('hi') }], {
    signer: mallory,
  });
  assert.ok(decodeFrame(frame).ok, 'without checks the frame looks fine');
  const r = rejected(await decodeFrameVerified(frame, { keys }));
  assert.equal(r.reason, 'bad-signature');
  assert.equal(r.seq, alice.seq - 1);
});

test('ops the commit does not prove are bad-proof when verified', async () => {
  // Two posts whose ops claim each other's record: each block is genuine and in the CAR, but
  // the signed tree maps each path to the other CID.
  const { frame } = await commitFrame(
    alice,
    [
      { action: 'create', collection: 'app.bsky.feed.post', record: post('first') },
      { action: 'create', collection: 'app.bsky.feed.post', record: post('second') },
    ],
    {
      body: (b) => {
        const ops = b.ops as Array<Record<string, unknown>>;
        [ops[0]!.cid, ops[1]!.cid] = [ops[1]!.cid, ops[0]!.cid];
      },
    },
  );
  const plain = decodeFrame(frame);
  assert.ok(plain.ok && plain.events.length === 2, 'without checks the swap goes unnoticed');
  const r = await decodeFrameVerified(frame, { keys });
  assert.ok(r.ok);
  assert.deepEqual(r.events, []);
  assert.deepEqual(
    r.rejected.map((x) => x.reason),
    ['bad-proof', 'bad-proof'],
  );
});

test('a repo with no resolvable key is unknown-key, also when the resolver throws', async () => {
  const { frame } = await commitFrame(alice, [{ action: 'create', collection: 'app.bsky.feed.post', record: post('hi') }]);
  const none = createKeyCache(() => null);
  assert.equal(rejected(await decodeFrameVerified(frame, { keys: none })).reason, 'unknown-key');
  const failing = createKeyCache(() => Promise.reject(new Error('PLC is down')));
  assert.equal(rejected(await decodeFrameVerified(frame, { keys: failing })).reason, 'unknown-key');
});

test('error and info frames are notices, not events', () => {
  const err = decodeFrame(errorFrame('FutureCursor', 'Cursor in the future.'));
  assert.ok(err.ok);
  assert.deepEqual([err.events, err.notice], [[], { kind: 'error', name: 'FutureCursor', message: 'Cursor in the future.' }]);
  const info = decodeFrame(messageFrame('#info', { name: 'OutdatedCursor' }));
  assert.ok(info.ok);
  assert.deepEqual(info.notice, { kind: 'info', name: 'OutdatedCursor', message: null });
});

test('a stream of bad frames: each one is counted under its reason, none is published', async () => {
  const good = await commitFrame(alice, [{ action: 'create', collection: 'app.bsky.feed.post', record: post('fine') }]);
  const bad = [good.frame.subarray(0, 40), Uint8Array.of(0xff, 0, 1), new Uint8Array(6 * 1024 * 1024), messageFrame('#nope', { seq: 1 })];
  const counts: Record<string, number> = {};
  let published = 0;
  for (const frame of [...bad, good.frame, ...bad]) {
    const r = decodeFrame(frame);
    if (r.ok) published += r.events.length;
    else counts[r.reason] = (counts[r.reason] ?? 0) + 1;
  }
  assert.equal(published, 1);
  assert.equal(
    Object.values(counts).reduce((a, b) => a + b, 0),
    8,
  );
  assert.equal(counts.truncated, 2);
  assert.equal(counts.garbled, 2);
  assert.equal(counts.oversized, 2);
  assert.equal(counts['unknown-type'], 2);
});
