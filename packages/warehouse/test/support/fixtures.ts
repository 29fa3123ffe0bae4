// Row builders for the schema's tables, with defaults a test overrides where it matters.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row } from '../../src/index.ts';

/** Strings that break naive quoting: quotes, backslashes, control bytes, placeholders, comments. */
export const HOSTILE = [
  "'",
  '\\',
  "\\'",
  "''",
  "'; DROP TABLE botsky.posts; --",
  "x' OR '1'='1",
  'a\nb\r\tc',
  'nul\0byte',
  '\b\f',
  '{s:String}',
  '{other:UInt8}',
  '`back`',
  '"double"',
  '/* comment */',
  '-- comment',
  '\\x41\\n',
  'é 漢字 🙂 \u202e',
  ' leading and trailing ',
  '',
];

export const T0 = new Date('2026-03-01T12:00:00.000Z');

export function at(seconds: number): Date {
  return new Date(T0.getTime() + seconds * 1000);
}

export function post(o: Row & { uri: string }): Row {
  return {
    cid: 'bafy',
    author_did: 'did:plc:alice',
    text: 'hello',
    langs: ['en'],
    reply_root_uri: '',
    reply_parent_uri: '',
    mentions: [],
    parent_bot_id: '',
    answers_mention: 0,
    created_at: T0,
    indexed_at: o.created_at ?? T0,
    ...o,
  };
}

export function interaction(o: Row & { uri: string; kind: string }): Row {
  return {
    cid: 'bafy',
    actor_did: 'did:plc:carol',
    subject_uri: '',
    subject_did: '',
    subject_bot_id: '',
    collection: '',
    created_at: T0,
    indexed_at: o.created_at ?? T0,
    ...o,
  };
}

export function botReply(o: Row & { task_id: string; bot_id: string }): Row {
  return {
    model: 'gpt-x',
    provider: 'openai',
    status: 'replied',
    post_uri: 'at://did:plc:alice/app.bsky.feed.post/1',
    reply_uri: `at://did:plc:${o.bot_id}/app.bsky.feed.post/${o.task_id}`,
    reply_cid: 'bafy',
    mention_did: '',
    battle_id: '',
    failure_reason: '',
    latency_ms: 100,
    tokens_in: 10,
    tokens_out: 20,
    cost_usd: 0.001,
    finished_at: T0,
    ...o,
  };
}

export function impression(o: Row & { impression_id: string; bot_id: string }): Row {
  return {
    feed_request_id: 'req-1',
    viewer_did: 'did:plc:viewer',
    post_uri: 'at://x/app.bsky.feed.post/1',
    position: 0,
    probability: 0.25,
    served_at: T0,
    ...o,
  };
}

export function clientInteraction(o: Row & { interaction_id: string; bot_id: string }): Row {
  return { viewer_did: 'did:plc:viewer', item_uri: 'at://x/app.bsky.feed.post/1', event: 'seen', feed_context: '', received_at: T0, ...o };
}

export function rating(o: Row & { bot_id: string; computed_at: Date }): Row {
  return { method: 'bt', model: 'gpt-x', rating: 1000, ci_lo: 990, ci_hi: 1010, rank: 1, battles: 10, ...o };
}

/** A temp folder for an engine's data, removed by the returned cleanup. */
export async function tempDir(name: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `botsky-${name}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
