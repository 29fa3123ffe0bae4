// What ingest asks a Jetstream server for: only the collections it decodes, and the cursor.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COLLECTIONS } from '@botsky/firehose';
import { createJetstreamSource } from '../src/source/jetstream-source.ts';

const BASE = 'wss://jetstream2.us-east.bsky.network/subscribe';

test('asks for the collections ingest decodes, and keeps the saved source URL as configured', () => {
  const source = createJetstreamSource({ url: BASE, maxFrameBytes: 1024 });
  const u = new URL(source.connectUrl(1_733_000_000_000_000));
  assert.deepEqual(u.searchParams.getAll('wantedCollections'), [...COLLECTIONS].sort());
  for (const c of ['app.bsky.feed.post', 'app.bsky.graph.block', 'app.bsky.graph.listblock', 'app.bsky.graph.listitem']) {
    assert.ok(u.searchParams.getAll('wantedCollections').includes(c), c);
  }
  assert.equal(u.searchParams.get('cursor'), '1733000000000000');
  assert.equal(source.url, BASE, 'the cursor is saved against the URL as written');
});

test("leaves an operator's own wantedCollections alone", () => {
  const own = `${BASE}?wantedCollections=app.bsky.feed.*`;
  const u = new URL(createJetstreamSource({ url: own, maxFrameBytes: 1024 }).connectUrl(undefined));
  assert.deepEqual(u.searchParams.getAll('wantedCollections'), ['app.bsky.feed.*']);
});
