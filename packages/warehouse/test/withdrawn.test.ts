// What people took back does not count (src/queries/withdrawn.ts): a post its author deleted, and
// every act of an account that is gone, are out of scoring's reads from the moment the network
// said so, and back in when an account returns; an earlier asOf still sees them. On embedded
// ClickHouse over the known data set (support/seed.ts).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  botEngagementAsOf,
  botLabelledAsOf,
  createEmbeddedWarehouse,
  harmEventsAsOf,
  itemImpressions,
  personActionsAsOf,
  replyEngagementEvents,
  seenReportsAsOf,
  servedImpressionsAsOf,
  threadRecommendationAsOf,
  type Warehouse,
} from '../src/index.ts';
import { at, interaction, post, tempDir } from './support/fixtures.ts';
import { seedMinuteData } from './support/seed.ts';

const B1_REPLY = 'at://did:plc:b1/app.bsky.feed.post/t1';
const BOB_REPLY = 'at://did:plc:bob/app.bsky.feed.post/p1';
const EVE_REPLY = 'at://did:plc:eve/app.bsky.feed.post/p2';
const LATE = at(3600);

let wh: Warehouse;
let remove: () => Promise<void>;

before(async () => {
  const dir = await tempDir('withdrawn');
  remove = dir.remove;
  wh = createEmbeddedWarehouse({ path: dir.path });
  await wh.migrate();
  await seedMinuteData(wh, 'botsky');
});
after(async () => {
  await wh.close();
  await remove();
});

const postDelete = (uri: string, actor: string, s: number) =>
  interaction({ kind: 'delete', uri, actor_did: actor, collection: 'app.bsky.feed.post', created_at: at(s) });
const accountEvent = (did: string, active: number, status: string, s: number, seq = s) => ({
  did,
  active,
  status,
  seq,
  indexed_at: at(s),
});
const actions = async (asOf: Date) => (await personActionsAsOf(wh, { asOf })).map((a) => `${a.actor_did.slice(8)} ${a.kind}`).sort();

test('a post its author deleted stops counting from the delete on; a delete by another repository withdraws nothing', async () => {
  const all = ['bob reply', 'carol like', 'carol repost', 'eve reply'];
  assert.deepEqual(await actions(LATE), all);
  const thread = async (asOf: Date) =>
    Object.fromEntries(
      (await threadRecommendationAsOf(wh, { asOf, windowMs: 3_600_000 })).map((r) => [r.bot_id, [r.mentions, r.successes]]),
    );
  assert.deepEqual((await thread(at(3 * 3600))).b1, [1, 1], 'bob answered b1’s introduction');

  await wh.insert('interactions', [postDelete(BOB_REPLY, 'did:plc:bob', 100), postDelete(EVE_REPLY, 'did:plc:carol', 100)]);
  assert.deepEqual(await actions(LATE), ['carol like', 'carol repost', 'eve reply']);
  assert.deepEqual(await actions(at(99)), all, 'as of a moment before the delete, as it was published then');
  const b1 = (await botEngagementAsOf(wh, { asOf: LATE })).find((e) => e.bot_id === 'b1');
  assert.equal(b1?.replies_received, 1);
  assert.deepEqual(
    (await replyEngagementEvents(wh, { asOf: LATE, replyUris: [B1_REPLY] })).map((e) => e.actor_did).filter((d) => d.endsWith('bob')),
    [],
  );
  assert.deepEqual((await thread(at(3 * 3600))).b1, [1, 0], 'the introduction stays made; the answer is gone');
});

test('a "stop" reply deleted is no longer harm', async () => {
  await wh.insert('posts', [
    post({
      uri: 'at://did:plc:frank/app.bsky.feed.post/s1',
      author_did: 'did:plc:frank',
      text: ' Stop ',
      reply_parent_uri: B1_REPLY,
      created_at: at(50),
    }),
  ]);
  await wh.insert('interactions', [postDelete('at://did:plc:frank/app.bsky.feed.post/s1', 'did:plc:frank', 60)]);
  const stops = async (asOf: Date) => (await harmEventsAsOf(wh, { asOf })).filter((h) => h.kind === 'stop').map((h) => h.actor_did);
  assert.deepEqual(await stops(at(55)), ['did:plc:frank']);
  assert.deepEqual(await stops(LATE), []);
});

test('an account that is gone takes every act with it until it returns; a throttled one keeps them', async () => {
  const served = (await servedImpressionsAsOf(wh, { asOf: LATE })).length;
  const seen = (await seenReportsAsOf(wh, { asOf: LATE })).length;
  assert.ok(served > 0 && seen > 0);
  await wh.insert('account_events', [
    accountEvent('did:plc:carol', 0, 'deactivated', 200),
    accountEvent('did:plc:carol', 1, 'active', 300),
    accountEvent('did:plc:eve', 0, 'throttled', 200),
    accountEvent('did:plc:viewer', 0, 'takendown', 200),
  ]);
  assert.deepEqual(await actions(at(250)), ['eve reply'], 'carol is gone at 250 s (bob’s reply was deleted at 100 s)');
  assert.deepEqual(await actions(LATE), ['carol like', 'carol repost', 'eve reply'], 'and back at 300 s');
  assert.equal((await servedImpressionsAsOf(wh, { asOf: at(150) })).length, served);
  assert.equal((await servedImpressionsAsOf(wh, { asOf: LATE })).length, 0, 'the viewer was taken down');
  assert.equal((await seenReportsAsOf(wh, { asOf: at(150) })).length, seen);
  assert.equal((await seenReportsAsOf(wh, { asOf: LATE })).length, 0, 'the viewer was taken down');
  assert.deepEqual(await itemImpressions(wh, { asOf: LATE, uris: ['at://x/app.bsky.feed.post/1'] }), []);
  assert.equal(
    (await itemImpressions(wh, { asOf: at(150), uris: ['at://x/app.bsky.feed.post/1'] }))[0]?.n,
    5,
    'the seed’s five, i5 of no bot included',
  );
  const b1 = (await botEngagementAsOf(wh, { asOf: LATE })).find((e) => e.bot_id === 'b1');
  assert.equal(b1?.impressions, 0);
});

test('the latest account event decides, by time and then sequence; a `bot` label of a gone account is not read', async () => {
  await wh.insert('profile_labels', [{ did: 'did:plc:gina', self_labels: ['bot'], indexed_at: at(10) }]);
  assert.deepEqual(await botLabelledAsOf(wh, { asOf: LATE }), ['did:plc:gina']);
  await wh.insert('account_events', [
    accountEvent('did:plc:gina', 1, 'active', 400, 2),
    accountEvent('did:plc:gina', 0, 'deleted', 400, 3),
  ]);
  assert.deepEqual(await botLabelledAsOf(wh, { asOf: LATE }), []);
  assert.deepEqual(await botLabelledAsOf(wh, { asOf: at(399) }), ['did:plc:gina']);
});
