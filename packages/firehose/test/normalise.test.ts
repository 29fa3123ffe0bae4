// Each kept record type, and identity and account messages, normalise to exactly the expected
// fields; other collections and #sync are counted as ignored.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { createKeyCache, decodeFrame, decodeFrameVerified, type Decoded } from '../src/index.ts';
import { type TestRepo, commitFrame, createTestRepo, messageFrame } from './frame-builder.ts';
import { comparable, referenceEvents } from './reference.ts';

let alice: TestRepo;
const bob = 'did:plc:ewvi7nxzyoun6zhxrhs64oiz';
const at = '2024-09-05T06:11:04.870Z';
const ref = { uri: `at://${bob}/app.bsky.feed.post/3l3qo2vuowo2b`, cid: 'bafyreig2fjxi3rptqdgylg7e5hmjl6mcke7rn2b6cugzlqq3i4zu6rq52q' };

before(async () => {
  alice = await createTestRepo('p256');
});

async function decodeWrites(writes: Parameters<typeof commitFrame>[1]): Promise<Decoded> {
  const { frame } = await commitFrame(alice, writes, { body: (b) => (b.time = '2024-09-05T06:11:05.123456Z') });
  const r = decodeFrame(frame);
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(r.rejected, []);
  return r;
}

test('a post with a reply, langs, self-labels and mention, link and tag facets in UTF-8 bytes', async () => {
  const text = '¡Hola @bob.test! 🌱 see https://example.com #garden';
  const bytes = (s: string) => Buffer.byteLength(s);
  const start = (s: string) => bytes(text.slice(0, text.indexOf(s)));
  const facets = [
    {
      index: { byteStart: start('@bob'), byteEnd: start('@bob') + bytes('@bob.test') },
      features: [{ $type: 'app.bsky.richtext.facet#mention', did: bob }],
    },
    {
      index: { byteStart: start('https'), byteEnd: start('https') + 19 },
      features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://example.com' }],
    },
    {
      index: { byteStart: start('#garden'), byteEnd: bytes(text) },
      features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'garden' }, { $type: 'com.example.future#thing' }],
    },
  ];
  const record = {
    $type: 'app.bsky.feed.post',
    text,
    langs: ['es', 'en'],
    reply: { root: ref, parent: ref },
    facets,
    labels: { $type: 'com.atproto.label.defs#selfLabels', values: [{ val: 'nudity' }] },
    embed: { $type: 'app.bsky.embed.external', external: { uri: 'https://example.com', title: 'x', description: '' } },
    createdAt: at,
  };
  const r = await decodeWrites([{ action: 'create', collection: 'app.bsky.feed.post', rkey: '3l3qo2vutsw2b', record }]);
  const [event] = r.events;
  assert.ok(event?.kind === 'post');
  assert.match(event.cid, /^bafyrei[a-z2-7]{52}$/);
  assert.deepEqual(
    { ...event, cid: '' },
    {
      kind: 'post',
      seq: alice.seq - 1,
      did: alice.did,
      rev: alice.repo.commit.rev,
      timeUs: Date.parse('2024-09-05T06:11:05Z') * 1000 + 123456,
      action: 'create',
      uri: `at://${alice.did}/app.bsky.feed.post/3l3qo2vutsw2b`,
      cid: '',
      text,
      langs: ['es', 'en'],
      reply: { root: ref, parent: ref },
      facets: [
        { byteStart: 7, byteEnd: 16, type: 'mention', did: bob },
        { byteStart: 27, byteEnd: 46, type: 'link', uri: 'https://example.com' },
        { byteStart: 47, byteEnd: 54, type: 'tag', tag: 'garden' },
      ],
      embed: { record: null, external: { uri: 'https://example.com', title: 'x', description: '' }, imageAlts: [], hasVideo: false },
      tags: [],
      selfLabels: ['nudity'],
      createdAt: at,
    },
  );
  assert.equal(Buffer.from(text).subarray(7, 16).toString(), '@bob.test');
});

test('likes, reposts, follows, blocks, profiles, updates and deletes', async () => {
  const r = await decodeWrites([
    {
      action: 'create',
      collection: 'app.bsky.feed.like',
      rkey: '3l3qo2vuowo2c',
      record: { $type: 'app.bsky.feed.like', subject: ref, createdAt: at },
    },
    {
      action: 'create',
      collection: 'app.bsky.feed.repost',
      rkey: '3l3qo2vuowo2d',
      record: { $type: 'app.bsky.feed.repost', subject: ref, createdAt: at, via: ref },
    },
    {
      action: 'create',
      collection: 'app.bsky.graph.follow',
      rkey: '3l3qo2vuowo2e',
      record: { $type: 'app.bsky.graph.follow', subject: bob, createdAt: at },
    },
    {
      action: 'create',
      collection: 'app.bsky.graph.block',
      rkey: '3l3qo2vuowo2f',
      record: { $type: 'app.bsky.graph.block', subject: bob, createdAt: at },
    },
    {
      action: 'create',
      collection: 'app.bsky.actor.profile',
      rkey: 'self',
      record: {
        $type: 'app.bsky.actor.profile',
        displayName: 'Alice 🤖',
        labels: { $type: 'com.atproto.label.defs#selfLabels', values: [{ val: 'bot' }] },
      },
    },
    {
      action: 'create',
      collection: 'xyz.statusphere.status',
      rkey: '3l3qo2vuowo2g',
      record: { $type: 'xyz.statusphere.status', status: '🙂', createdAt: at },
    },
  ]);
  const strip = r.events.map((e) => {
    const { seq: _s, did: _d, rev: _r, timeUs: _t, cid: _c, ...rest } = e as unknown as Record<string, unknown>;
    return rest;
  });
  const uri = (path: string) => `at://${alice.did}/${path}`;
  assert.deepEqual(strip, [
    { kind: 'like', action: 'create', uri: uri('app.bsky.feed.like/3l3qo2vuowo2c'), subject: ref, createdAt: at },
    { kind: 'repost', action: 'create', uri: uri('app.bsky.feed.repost/3l3qo2vuowo2d'), subject: ref, createdAt: at },
    { kind: 'follow', action: 'create', uri: uri('app.bsky.graph.follow/3l3qo2vuowo2e'), subject: bob, createdAt: at },
    { kind: 'block', action: 'create', uri: uri('app.bsky.graph.block/3l3qo2vuowo2f'), subject: bob, createdAt: at },
    {
      kind: 'profile',
      action: 'create',
      uri: uri('app.bsky.actor.profile/self'),
      displayName: 'Alice 🤖',
      description: null,
      selfLabels: ['bot'],
    },
  ]);
  assert.equal(r.ignored, 1);

  const later = await decodeWrites([
    {
      action: 'update',
      collection: 'app.bsky.actor.profile',
      rkey: 'self',
      record: { $type: 'app.bsky.actor.profile', description: 'Now with a bio' },
    },
    { action: 'delete', collection: 'app.bsky.graph.follow', rkey: '3l3qo2vuowo2e' },
    { action: 'delete', collection: 'xyz.statusphere.status', rkey: '3l3qo2vuowo2g' },
  ]);
  assert.deepEqual(
    later.events.map((e) => [e.kind, 'action' in e ? e.action : null, 'collection' in e ? e.collection : null]),
    [
      ['profile', 'update', null],
      ['delete', null, 'app.bsky.graph.follow'],
    ],
  );
  assert.equal(later.ignored, 1);
});

test('list blocks and list items (created, then deleted), as @atproto/sync reads them; a bad one is rejected alone', async () => {
  const list = `at://${bob}/app.bsky.graph.list/3l3qo2vuowo2h`;
  const own = `at://${alice.did}/app.bsky.graph.list/3l3qo2vuowo2i`;
  const { frame } = await commitFrame(alice, [
    {
      action: 'create',
      collection: 'app.bsky.graph.listblock',
      rkey: '3l3qo2vuowo2j',
      record: { $type: 'app.bsky.graph.listblock', subject: list, createdAt: at },
    },
    {
      action: 'create',
      collection: 'app.bsky.graph.list',
      rkey: '3l3qo2vuowo2i',
      record: { $type: 'app.bsky.graph.list', purpose: 'app.bsky.graph.defs#modlist', name: 'spam', createdAt: at },
    },
    {
      action: 'create',
      collection: 'app.bsky.graph.listitem',
      rkey: '3l3qo2vuowo2k',
      record: { $type: 'app.bsky.graph.listitem', subject: bob, list: own, createdAt: at },
    },
  ]);
  const r = decodeFrame(frame);
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(r.rejected, []);
  const uri = (path: string) => `at://${alice.did}/${path}`;
  assert.deepEqual(
    r.events.map((e) => {
      const { seq: _s, did: _d, rev: _r, timeUs: _t, cid: _c, ...rest } = e as unknown as Record<string, unknown>;
      return rest;
    }),
    [
      { kind: 'listblock', action: 'create', uri: uri('app.bsky.graph.listblock/3l3qo2vuowo2j'), list, createdAt: at },
      { kind: 'listitem', action: 'create', uri: uri('app.bsky.graph.listitem/3l3qo2vuowo2k'), list: own, subject: bob, createdAt: at },
    ],
  );
  assert.equal(r.ignored, 1, 'the list record itself is not kept');
  assert.deepEqual(r.events.map(comparable), await referenceEvents(frame));

  const gone = await decodeWrites([
    { action: 'delete', collection: 'app.bsky.graph.listblock', rkey: '3l3qo2vuowo2j' },
    { action: 'delete', collection: 'app.bsky.graph.listitem', rkey: '3l3qo2vuowo2k' },
  ]);
  assert.deepEqual(
    gone.events.map((e) => [e.kind, 'collection' in e ? e.collection : null, 'uri' in e ? e.uri : null]),
    [
      ['delete', 'app.bsky.graph.listblock', uri('app.bsky.graph.listblock/3l3qo2vuowo2j')],
      ['delete', 'app.bsky.graph.listitem', uri('app.bsky.graph.listitem/3l3qo2vuowo2k')],
    ],
  );

  const bad = await commitFrame(alice, [
    {
      action: 'create',
      collection: 'app.bsky.graph.listblock',
      rkey: '3l3qo2vuowo2l',
      record: { $type: 'app.bsky.graph.listblock', subject: 'not a uri', createdAt: at },
    },
    {
      action: 'create',
      collection: 'app.bsky.graph.listitem',
      rkey: '3l3qo2vuowo2m',
      record: { $type: 'app.bsky.graph.listitem', subject: bob, createdAt: at },
    },
    {
      action: 'create',
      collection: 'app.bsky.graph.listitem',
      rkey: '3l3qo2vuowo2n',
      record: { $type: 'app.bsky.graph.listitem', subject: 'bob', list: own, createdAt: at },
    },
    {
      action: 'create',
      collection: 'app.bsky.graph.listitem',
      rkey: '3l3qo2vuowo2o',
      record: { $type: 'app.bsky.graph.listitem', subject: bob, list: own, createdAt: at },
    },
  ]);
  const b = decodeFrame(bad.frame);
  assert.ok(b.ok);
  assert.deepEqual(
    b.rejected.map((x) => [x.reason, x.detail]),
    [
      ['invalid-record', 'subject is not an at-uri'],
      ['invalid-record', 'list is undefined, not an at-uri string'],
      ['invalid-record', 'subject is not a DID'],
    ],
  );
  assert.deepEqual(
    b.events.map((e) => ('uri' in e ? e.uri : null)),
    [uri('app.bsky.graph.listitem/3l3qo2vuowo2o')],
  );
});

test('identity and account messages; #sync is ignored', () => {
  const id = decodeFrame(messageFrame('#identity', { seq: 10, did: bob, time: at, handle: 'bob.test' }));
  assert.ok(id.ok);
  assert.deepEqual(id.events, [{ kind: 'identity', seq: 10, did: bob, rev: '', timeUs: Date.parse(at) * 1000, handle: 'bob.test' }]);
  const acct = decodeFrame(messageFrame('#account', { seq: 11, did: bob, time: at, active: false, status: 'takendown' }));
  assert.ok(acct.ok);
  assert.deepEqual(acct.events, [
    { kind: 'account', seq: 11, did: bob, rev: '', timeUs: Date.parse(at) * 1000, active: false, status: 'takendown' },
  ]);
  const sync = decodeFrame(messageFrame('#sync', { seq: 12, did: bob, time: at, rev: '3l3qo2vutsw2b', blocks: new Uint8Array(0) }));
  assert.ok(sync.ok);
  assert.deepEqual([sync.seq, sync.events, sync.ignored], [12, [], 1]);
});

test('a commit of 150 ops (a large CAR, indexed by map) decodes and verifies in full', async () => {
  const writes = Array.from({ length: 150 }, (_, i) => ({
    action: 'create' as const,
    collection: 'app.bsky.feed.post',
    record: { $type: 'app.bsky.feed.post', text: `post ${i}`, createdAt: at },
  }));
  const { frame } = await commitFrame(alice, writes);
  const plain = decodeFrame(frame);
  assert.ok(plain.ok);
  assert.deepEqual(
    plain.events.map((e) => e.kind === 'post' && e.text),
    writes.map((w) => w.record.text),
  );
  const keys = createKeyCache(() => alice.keypair.did());
  assert.deepEqual(await decodeFrameVerified(frame, { keys }), plain);
});
