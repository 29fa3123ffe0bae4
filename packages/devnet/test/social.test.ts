import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RichText, type AppBskyFeedPost, type AtpAgent } from '@atproto/api';
import { AtUri } from '@atproto/syntax';
import { startDevnet, type Devnet, type DevnetAccount } from '../src/index.ts';
import { recordFirehose, type FirehoseRecorder } from './firehose-recorder.ts';

// One network for the file: starting costs ~0.2 s, but every test builds on the same accounts.
let net: Devnet;
let firehose: FirehoseRecorder;
let alice: DevnetAccount;
let bob: DevnetAccount;
let post: { uri: string; cid: string };

before(async () => {
  net = await startDevnet();
  firehose = recordFirehose(net);
  [alice, bob] = await Promise.all([
    net.createAccount({ handle: 'alice', password: 'alice-pw' }),
    net.createAccount({ handle: 'bob.test', email: 'bob@example.com', password: 'bob-pw' }),
  ]);
});

after(async () => {
  await firehose?.stop();
  await net?.stop();
});

function pathOf(uri: string): string {
  const at = new AtUri(uri);
  return `${at.host}/${at.collection}/${at.rkey}`;
}

async function getRecord(agent: AtpAgent, uri: string): Promise<Record<string, unknown>> {
  const at = new AtUri(uri);
  const res = await agent.com.atproto.repo.getRecord({ repo: at.host, collection: at.collection, rkey: at.rkey });
  return res.data.value as Record<string, unknown>;
}

test('accounts get DIDs from the local PLC and .test handles', async () => {
  assert.match(alice.did, /^did:plc:/);
  assert.equal(alice.handle, 'alice.test');
  assert.equal(bob.handle, 'bob.test');
  const data = await net.createIdResolver().did.resolveAtprotoData(bob.did);
  assert.equal(data.handle, 'bob.test');
  assert.equal(data.pds, net.pdsUrl);
});

test('a post with a mention facet resolved by the PDS', async () => {
  const rt = new RichText({ text: 'hello @bob.test, welcome to the devnet' });
  await rt.detectFacets(alice.agent);
  const feature = rt.facets?.[0]?.features[0];
  assert.deepEqual(feature, { $type: 'app.bsky.richtext.facet#mention', did: bob.did });
  post = await alice.agent.post({ text: rt.text, facets: rt.facets });

  const record = (await getRecord(bob.agent, post.uri)) as unknown as AppBskyFeedPost.Record;
  assert.equal(record.text, rt.text);
  assert.equal(record.facets?.[0]?.index.byteStart, 6);
  assert.equal(record.facets?.[0]?.index.byteEnd, 15);
});

test('the other account likes and replies', async () => {
  const like = await bob.agent.like(post.uri, post.cid);
  const ref = { uri: post.uri, cid: post.cid };
  const reply = await bob.agent.post({ text: 'thanks!', reply: { root: ref, parent: ref } });

  const likes = await alice.agent.com.atproto.repo.listRecords({ repo: bob.did, collection: 'app.bsky.feed.like' });
  assert.deepEqual(
    likes.data.records.map((r) => r.uri),
    [like.uri],
  );
  assert.equal((likes.data.records[0]!.value as { subject: { uri: string } }).subject.uri, post.uri);
  const replyRecord = (await getRecord(alice.agent, reply.uri)) as unknown as AppBskyFeedPost.Record;
  assert.equal(replyRecord.reply?.parent.uri, post.uri);

  const expected = [post.uri, like.uri, reply.uri].map(pathOf);
  await firehose.waitFor((commits) => {
    const seen = new Set(commits.map((c) => `${c.did}/${c.collection}/${c.rkey}`));
    return expected.every((path) => seen.has(path));
  });
  const ops = firehose.commits.filter((c) => expected.includes(`${c.did}/${c.collection}/${c.rkey}`));
  assert.ok(ops.every((op) => op.event === 'create'));
  assert.deepEqual(firehose.errors, []);
});

test('applyWrites puts a batch in one commit', async () => {
  const now = new Date().toISOString();
  const writes = Array.from({ length: 25 }, (_, i) => ({
    $type: 'com.atproto.repo.applyWrites#create' as const,
    collection: 'app.bsky.feed.post',
    value: { $type: 'app.bsky.feed.post', text: `batch ${i}`, createdAt: now },
  }));
  const res = await alice.agent.com.atproto.repo.applyWrites({ repo: alice.did, writes });
  const uris = (res.data.results ?? []).map((r) => (r as { uri: string }).uri);
  assert.equal(uris.length, 25);

  const listed = await bob.agent.com.atproto.repo.listRecords({
    repo: alice.did,
    collection: 'app.bsky.feed.post',
    limit: 100,
  });
  assert.equal(listed.data.records.length, 26); // the batch and the first post

  const paths = new Set(uris.map(pathOf));
  await firehose.waitFor((commits) => commits.filter((c) => paths.has(`${c.did}/${c.collection}/${c.rkey}`)).length === 25);
  const seqs = new Set(firehose.commits.filter((c) => paths.has(`${c.did}/${c.collection}/${c.rkey}`)).map((c) => c.seq));
  assert.equal(seqs.size, 1, 'batch spread over several commits');
});

test('createAccounts makes distinct accounts a few at a time', async () => {
  const accounts = await net.createAccounts(6, { prefix: 'sim', concurrency: 3 });
  assert.deepEqual(
    accounts.map((a) => a.handle),
    ['sim0.test', 'sim1.test', 'sim2.test', 'sim3.test', 'sim4.test', 'sim5.test'],
  );
  assert.equal(new Set(accounts.map((a) => a.did)).size, 6);
  const more = await net.createAccounts(1, { prefix: 'sim' });
  assert.equal(more[0]?.handle, 'sim6.test');
  const { data } = await more[0]!.agent.com.atproto.server.getSession();
  assert.equal(data.did, more[0]?.did);
});
