import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevnetError, DevnetStartError, startDevnet, DEFAULT_POSTGRES_URL, type Devnet } from '../src/index.ts';

/** The AppView mode needs Postgres; scripts/test-services.sh makes sure one answers. */
async function postgresUp(): Promise<boolean> {
  const url = new URL(DEFAULT_POSTGRES_URL);
  const socket = connect(Number(url.port), url.hostname);
  socket.setTimeout(1_000);
  const up = await new Promise<boolean>((resolve) => {
    socket.once('connect', () => resolve(true));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => resolve(false));
  });
  // An open socket that never speaks would hold this process (and a Postgres slot) for a minute.
  socket.destroy();
  return up;
}

async function devnetSchemas(): Promise<string[]> {
  const { Database } = await import('@atproto/bsky');
  const db = new Database({ url: DEFAULT_POSTGRES_URL, poolSize: 1 });
  try {
    const res = await db.pool.query<{ name: string }>(
      "select schema_name as name from information_schema.schemata where schema_name like 'devnet\\_%'",
    );
    return res.rows.map((r) => r.name).sort();
  } finally {
    // Only the raw pool was used, which Database.close() would leave open.
    await db.pool.end();
  }
}

/** A feed generator in a few lines: whatever `feed` holds is the skeleton. */
async function startFeedGenerator(feed: () => string[]): Promise<Server> {
  const server = createServer((req, res) => {
    if (!req.url?.startsWith('/xrpc/app.bsky.feed.getFeedSkeleton')) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ feed: feed().map((post) => ({ post })) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

let net: Devnet;
let feedGen: Server;
let schemasBefore: string[];
let pinned: string[] = [];

before(async () => {
  assert.ok(await postgresUp(), `the AppView mode needs Postgres at ${DEFAULT_POSTGRES_URL}`);
  schemasBefore = await devnetSchemas();
  net = await startDevnet({ appview: true });
  feedGen = await startFeedGenerator(() => pinned);
});

after(async () => {
  feedGen?.close();
  await net?.stop();
});

test('profiles, threads and a custom feed read through the PDS from the AppView', async () => {
  assert.ok(net.appviewUrl && net.appviewDid);
  const [alice, bob] = await Promise.all([
    net.createAccount({ handle: 'alice', password: 'pw' }),
    net.createAccount({ handle: 'bob', password: 'pw' }),
  ]);
  await alice.agent.upsertProfile(() => ({ displayName: 'Alice' }));
  const post = await alice.agent.post({ text: 'hello appview' });
  await bob.agent.post({ text: 'hi back', reply: { root: post, parent: post } });
  pinned = [post.uri];

  const { port } = feedGen.address() as AddressInfo;
  const generator = await net.createServiceIdentity({
    bsky_fg: { type: 'BskyFeedGenerator', endpoint: `http://localhost:${port}` },
  });
  const feedRecord = await alice.agent.com.atproto.repo.createRecord({
    repo: alice.did,
    collection: 'app.bsky.feed.generator',
    rkey: 'pinned',
    record: { did: generator.did, displayName: 'Pinned', createdAt: new Date().toISOString() },
  });
  await net.syncAppView();

  const profile = await bob.agent.getProfile({ actor: 'alice.test' });
  assert.equal(profile.data.displayName, 'Alice');
  assert.equal(profile.data.did, alice.did);
  const thread = await bob.agent.getPostThread({ uri: post.uri });
  const replies = (thread.data.thread as { replies?: Array<{ post: { author: { handle: string } } }> }).replies;
  assert.equal(replies?.[0]?.post.author.handle, 'bob.test');
  const feed = await bob.agent.app.bsky.feed.getFeed({ feed: feedRecord.data.uri });
  assert.deepEqual(
    feed.data.feed.map((item) => item.post.uri),
    [post.uri],
  );
});

test('stop drops the AppView schema', async () => {
  assert.ok((await devnetSchemas()).length > schemasBefore.length);
  await net.stop();
  assert.deepEqual(await devnetSchemas(), schemasBefore);
});

test('without Postgres the AppView mode fails to start and leaves nothing behind', async () => {
  const dataDir = join(tmpdir(), `devnet-appview-${randomUUID()}`);
  const postgresUrl = 'postgresql://postgres@127.0.0.1:1/postgres';
  await assert.rejects(startDevnet({ dataDir, appview: { postgresUrl } }), DevnetStartError);
  assert.equal(existsSync(dataDir), false);
  await using plain = await startDevnet();
  assert.equal(plain.appviewUrl, undefined);
  await assert.rejects(plain.syncAppView(), DevnetError);
});
