// Jetstream JSON events normalise to the same events as the firehose, with the same checks and
// the same rejection reasons.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeJetstream, type DecodeResult } from '../src/index.ts';

const did = 'did:plc:eygmaihciaxprqvxpfvl6flk';
const timeUs = 1725911162329308;
const subject = {
  cid: 'bafyreidc6sydkkbchcyg62v77wbhzvb2mvytlmsychqgwf2xojjtirmzj4',
  uri: 'at://did:plc:wa7b35aakoll7hugkrjtf3xf/app.bsky.feed.post/3l3pte3p2e325',
};
const cid = 'bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd3sgzcqi';

function commit(collection: string, record: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    did,
    time_us: timeUs,
    kind: 'commit',
    commit: { rev: '3l3qo2vutsw2b', operation: 'create', collection, rkey: '3l3qo2vuowo2b', record, cid, ...extra },
  });
}

function events(r: DecodeResult): unknown[] {
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(r.rejected, []);
  return r.events;
}

test('a like, a post with a mention, a delete, identity and account events', () => {
  const like = decodeJetstream(
    commit('app.bsky.feed.like', { $type: 'app.bsky.feed.like', createdAt: '2024-09-09T19:46:02.102Z', subject }),
  );
  const meta = { seq: timeUs, did, rev: '3l3qo2vutsw2b', timeUs };
  assert.deepEqual(events(like), [
    {
      kind: 'like',
      ...meta,
      action: 'create',
      uri: `at://${did}/app.bsky.feed.like/3l3qo2vuowo2b`,
      cid,
      subject: { uri: subject.uri, cid: subject.cid },
      createdAt: '2024-09-09T19:46:02.102Z',
    },
  ]);

  const text = 'hi @bob.test 🌱';
  const facets = [
    {
      index: { byteStart: 3, byteEnd: 12 },
      features: [{ $type: 'app.bsky.richtext.facet#mention', did: 'did:plc:ewvi7nxzyoun6zhxrhs64oiz' }],
    },
  ];
  const post = decodeJetstream(
    Buffer.from(
      commit('app.bsky.feed.post', { $type: 'app.bsky.feed.post', text, langs: ['en'], facets, createdAt: '2024-09-09T19:46:02.102Z' }),
    ),
  );
  const [p] = events(post) as Array<Record<string, unknown>>;
  assert.deepEqual(
    [p!.kind, p!.text, p!.facets],
    ['post', text, [{ byteStart: 3, byteEnd: 12, type: 'mention', did: 'did:plc:ewvi7nxzyoun6zhxrhs64oiz' }]],
  );

  const del = decodeJetstream(
    JSON.stringify({
      did,
      time_us: timeUs,
      kind: 'commit',
      commit: { rev: '3l3qo2vutsw2c', operation: 'delete', collection: 'app.bsky.graph.follow', rkey: '3l3qo2vuowo2b' },
    }),
  );
  assert.deepEqual(events(del), [
    {
      kind: 'delete',
      ...meta,
      rev: '3l3qo2vutsw2c',
      uri: `at://${did}/app.bsky.graph.follow/3l3qo2vuowo2b`,
      collection: 'app.bsky.graph.follow',
    },
  ]);

  const identity = decodeJetstream(
    JSON.stringify({
      did,
      time_us: timeUs,
      kind: 'identity',
      identity: { did, handle: 'alice.bsky.social', seq: 1409752997, time: '2024-09-05T06:11:04.870Z' },
    }),
  );
  assert.deepEqual(events(identity), [{ kind: 'identity', ...meta, rev: '', handle: 'alice.bsky.social' }]);
  const account = decodeJetstream(
    JSON.stringify({
      did,
      time_us: timeUs,
      kind: 'account',
      account: { active: false, did, seq: 1409753013, time: '2024-09-05T06:11:04.870Z', status: 'deactivated' },
    }),
  );
  assert.deepEqual(events(account), [{ kind: 'account', ...meta, rev: '', active: false, status: 'deactivated' }]);
});

test('a list block and a list item, and their deletes', () => {
  const list = 'at://did:plc:wa7b35aakoll7hugkrjtf3xf/app.bsky.graph.list/3l3pte3p2e325';
  const at = '2024-09-09T19:46:02.102Z';
  const meta = { seq: timeUs, did, rev: '3l3qo2vutsw2b', timeUs, action: 'create', cid };
  const block = decodeJetstream(commit('app.bsky.graph.listblock', { $type: 'app.bsky.graph.listblock', subject: list, createdAt: at }));
  assert.deepEqual(events(block), [
    { kind: 'listblock', ...meta, uri: `at://${did}/app.bsky.graph.listblock/3l3qo2vuowo2b`, list, createdAt: at },
  ]);
  const own = `at://${did}/app.bsky.graph.list/3l3pte3p2e326`;
  const item = decodeJetstream(
    commit('app.bsky.graph.listitem', {
      $type: 'app.bsky.graph.listitem',
      subject: 'did:plc:ewvi7nxzyoun6zhxrhs64oiz',
      list: own,
      createdAt: at,
    }),
  );
  assert.deepEqual(events(item), [
    {
      kind: 'listitem',
      ...meta,
      uri: `at://${did}/app.bsky.graph.listitem/3l3qo2vuowo2b`,
      list: own,
      subject: 'did:plc:ewvi7nxzyoun6zhxrhs64oiz',
      createdAt: at,
    },
  ]);
  for (const collection of ['app.bsky.graph.listblock', 'app.bsky.graph.listitem']) {
    const del = decodeJetstream(
      JSON.stringify({
        did,
        time_us: timeUs,
        kind: 'commit',
        commit: { rev: '3l3qo2vutsw2c', operation: 'delete', collection, rkey: '3l3qo2vuowo2b' },
      }),
    );
    assert.deepEqual(events(del), [
      { kind: 'delete', seq: timeUs, did, rev: '3l3qo2vutsw2c', timeUs, uri: `at://${did}/${collection}/3l3qo2vuowo2b`, collection },
    ]);
  }
  const bad = decodeJetstream(
    commit('app.bsky.graph.listitem', {
      $type: 'app.bsky.graph.listitem',
      subject: 'did:plc:ewvi7nxzyoun6zhxrhs64oiz',
      list: 42,
      createdAt: at,
    }),
  );
  assert.ok(bad.ok);
  assert.deepEqual(
    bad.rejected.map((x) => [x.reason, x.detail]),
    [['invalid-record', 'list is number, not an at-uri string']],
  );
});

test('other collections are ignored', () => {
  const r = decodeJetstream(commit('app.bsky.feed.threadgate', { $type: 'app.bsky.feed.threadgate' }));
  assert.ok(r.ok);
  assert.deepEqual([r.events, r.ignored, r.seq], [[], 1, timeUs]);
});

function rejectedReason(r: DecodeResult): string {
  assert.equal(r.ok, false, JSON.stringify(r));
  return (r as { reason: string }).reason;
}

test('bad messages are rejected with the firehose reasons', () => {
  const good = commit('app.bsky.feed.like', { $type: 'app.bsky.feed.like', createdAt: '2024-09-09T19:46:02.102Z', subject });
  assert.equal(rejectedReason(decodeJetstream(good.slice(0, 50))), 'truncated');
  assert.equal(rejectedReason(decodeJetstream('{"did": nope}')), 'garbled');
  assert.equal(rejectedReason(decodeJetstream(Uint8Array.of(0x7b, 0xc3, 0x28, 0x7d))), 'garbled');
  assert.equal(rejectedReason(decodeJetstream(good, { maxFrameBytes: 100 })), 'oversized');
  assert.equal(rejectedReason(decodeJetstream(JSON.stringify({ did, time_us: timeUs, kind: 'labels' }))), 'unknown-type');
  assert.equal(rejectedReason(decodeJetstream(JSON.stringify({ did: 'alice', time_us: timeUs, kind: 'commit' }))), 'invalid-frame');
  assert.equal(rejectedReason(decodeJetstream(JSON.stringify({ did, time_us: '1', kind: 'commit' }))), 'invalid-frame');
  assert.equal(rejectedReason(decodeJetstream('[1,2,3]')), 'invalid-frame');
});

test('invalid and oversized records are rejected one by one, with their URI', () => {
  const cases: Array<[string, string, string]> = [
    [
      'text as number',
      commit('app.bsky.feed.post', { $type: 'app.bsky.feed.post', text: 5, createdAt: '2024-09-09T19:46:02.102Z' }),
      'invalid-record',
    ],
    [
      'facet out of range',
      commit('app.bsky.feed.post', {
        $type: 'app.bsky.feed.post',
        text: 'hi',
        facets: [{ index: { byteStart: 0, byteEnd: 9 }, features: [] }],
        createdAt: '2024-09-09T19:46:02.102Z',
      }),
      'invalid-record',
    ],
    [
      'follow of a non-DID',
      commit('app.bsky.graph.follow', { $type: 'app.bsky.graph.follow', subject: 42, createdAt: '2024-09-09T19:46:02.102Z' }),
      'invalid-record',
    ],
    ['no record', commit('app.bsky.feed.like', undefined), 'invalid-record'],
    [
      'oversized',
      commit('app.bsky.feed.post', {
        $type: 'app.bsky.feed.post',
        text: 'hi',
        padding: 'x'.repeat(120_000),
        createdAt: '2024-09-09T19:46:02.102Z',
      }),
      'oversized',
    ],
  ];
  for (const [name, message, reason] of cases) {
    const r = decodeJetstream(message);
    assert.ok(r.ok, name);
    assert.equal(r.events.length, 0, name);
    assert.deepEqual(
      r.rejected.map((x) => [x.reason, x.uri]),
      [[reason, `at://${did}/${JSON.parse(message).commit.collection}/3l3qo2vuowo2b`]],
      name,
    );
  }
});
