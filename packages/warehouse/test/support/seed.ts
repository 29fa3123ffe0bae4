// A small, fully known data set: two bots over two minutes. schema.test.ts and queries.test.ts
// state what it must add up to.

import type { Warehouse } from '../../src/index.ts';
import { at, botReply, clientInteraction, impression, interaction, post } from './fixtures.ts';

/** Two bots over two minutes; see the expectations above. */
export async function seedMinuteData(w: Warehouse, db: string): Promise<void> {
  const b1Reply = 'at://did:plc:b1/app.bsky.feed.post/t1';
  await w.insert(`${db}.bot_replies`, [
    botReply({
      task_id: 't1',
      bot_id: 'b1',
      reply_uri: b1Reply,
      mention_did: 'did:plc:bob',
      latency_ms: 100,
      tokens_in: 10,
      tokens_out: 20,
      cost_usd: 0.001,
      finished_at: at(0),
    }),
    botReply({ task_id: 't2', bot_id: 'b1', latency_ms: 300, tokens_in: 5, tokens_out: 5, cost_usd: 0.002, finished_at: at(10) }),
    botReply({
      task_id: 't3',
      bot_id: 'b1',
      status: 'failed',
      reply_uri: '',
      failure_reason: 'timeout',
      latency_ms: 50,
      tokens_in: 0,
      tokens_out: 0,
      cost_usd: 0,
      finished_at: at(20),
    }),
    botReply({ task_id: 't4', bot_id: 'b2', mention_did: 'did:plc:dan', finished_at: at(70) }),
  ]);
  await w.insert(`${db}.impressions`, [
    impression({ impression_id: 'i1', bot_id: 'b1' }),
    impression({ impression_id: 'i2', bot_id: 'b1' }),
    impression({ impression_id: 'i3', bot_id: 'b1', served_at: at(59) }),
    impression({ impression_id: 'i4', bot_id: 'b2', served_at: at(65) }),
    impression({ impression_id: 'i5', bot_id: '' }),
  ]);
  await w.insert(`${db}.interactions`, [
    interaction({
      kind: 'like',
      uri: 'at://did:plc:carol/app.bsky.feed.like/l1',
      subject_uri: b1Reply,
      subject_bot_id: 'b1',
      created_at: at(5),
    }),
    interaction({
      kind: 'like',
      uri: 'at://did:plc:dave/app.bsky.feed.like/l2',
      subject_uri: b1Reply,
      subject_bot_id: 'b1',
      created_at: at(6),
    }),
    interaction({
      kind: 'repost',
      uri: 'at://did:plc:dave/app.bsky.feed.repost/r1',
      subject_uri: b1Reply,
      subject_bot_id: 'b1',
      created_at: at(7),
    }),
    interaction({ kind: 'like', uri: 'at://did:plc:dave/app.bsky.feed.like/l3', subject_uri: 'at://did:plc:alice/app.bsky.feed.post/1' }),
    interaction({ kind: 'follow', uri: 'at://did:plc:dave/app.bsky.graph.follow/f1', subject_did: 'did:plc:b1', subject_bot_id: 'b1' }),
  ]);
  await w.insert(`${db}.posts`, [
    post({
      uri: 'at://did:plc:bob/app.bsky.feed.post/p1',
      author_did: 'did:plc:bob',
      reply_parent_uri: b1Reply,
      reply_root_uri: b1Reply,
      parent_bot_id: 'b1',
      answers_mention: 1,
      created_at: at(30),
    }),
    post({
      uri: 'at://did:plc:eve/app.bsky.feed.post/p2',
      author_did: 'did:plc:eve',
      reply_parent_uri: b1Reply,
      reply_root_uri: b1Reply,
      parent_bot_id: 'b1',
      created_at: at(40),
    }),
    post({ uri: 'at://did:plc:eve/app.bsky.feed.post/p3', author_did: 'did:plc:eve' }),
  ]);
  await w.insert(`${db}.client_interactions`, [
    clientInteraction({ interaction_id: 'c1', bot_id: 'b1' }),
    clientInteraction({ interaction_id: 'c2', bot_id: 'b1' }),
    clientInteraction({ interaction_id: 'c3', bot_id: 'b1', event: 'like' }),
    clientInteraction({ interaction_id: 'c4', bot_id: 'b2', received_at: at(61) }),
  ]);
}
