// The text of network posts expires (migration 007 and retention.ts), on embedded ClickHouse:
// the TTL is in the table's definition, expired text is gone after OPTIMIZE ... FINAL while the
// rest of the post stays, a bare "stop" is kept, and a new retention applies to old posts too.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DEFAULT_POST_TEXT_RETENTION_DAYS,
  MAX_POST_TEXT_RETENTION_DAYS,
  MIGRATIONS,
  WarehouseError,
  appliedPostTextRetention,
  applyPostTextRetention,
  createEmbeddedWarehouse,
  postTextTtl,
  runMigrations,
  type Warehouse,
} from '../src/index.ts';
import { post, tempDir } from './support/fixtures.ts';

const DAY = 86_400_000;
let wh: Warehouse;
let remove: () => Promise<void>;

before(async () => {
  const dir = await tempDir('retention');
  remove = dir.remove;
  wh = createEmbeddedWarehouse({ path: dir.path });
});
after(async () => {
  await wh.close();
  await remove();
});

/** A post indexed `days` ago. */
function aged(uri: string, text: string, days: number) {
  const at = new Date(Date.now() - days * DAY);
  return post({
    uri: `at://did:plc:alice/app.bsky.feed.post/${uri}`,
    text,
    created_at: at,
    indexed_at: at,
    reply_parent_uri: 'at://parent',
  });
}

async function texts(db: string): Promise<Record<string, string>> {
  const rows = await wh.query<{ uri: string; text: string }>(`SELECT uri, text FROM ${db}.posts ORDER BY uri`);
  return Object.fromEntries(rows.map((r) => [r.uri.split('/').pop()!, r.text]));
}

async function showCreate(db: string): Promise<string> {
  const [row] = await wh.query<{ statement: string }>(`SHOW CREATE TABLE ${db}.posts`);
  return row?.statement ?? '';
}

describe('post text retention', () => {
  test('migration 007 puts a TTL on posts.text; the retention brings it to the configured days', async () => {
    await runMigrations(wh, 'fresh');
    assert.match(await showCreate('fresh'), /`text` String TTL if\(lowerUTF8\(trimBoth\(text\)\) = 'stop', .*toIntervalDay\(3650\)\)/);
    const m7 = MIGRATIONS.find((m) => m.version === 7);
    assert.ok(m7?.statements('x')[0]?.includes(postTextTtl(MAX_POST_TEXT_RETENTION_DAYS)), '007 and retention.ts agree');
    assert.equal(await appliedPostTextRetention(wh, 'fresh'), undefined);
    assert.equal(await applyPostTextRetention(wh, 'fresh', DEFAULT_POST_TEXT_RETENTION_DAYS), true);
    assert.match(await showCreate('fresh'), /`text` String TTL if\(.*toIntervalDay\(30\)\)/);
    assert.equal(await appliedPostTextRetention(wh, 'fresh'), 30);
  });

  test('expired text is gone after OPTIMIZE FINAL; the post, newer text and a bare "stop" stay', async () => {
    await runMigrations(wh, 'ttl');
    assert.equal(await applyPostTextRetention(wh, 'ttl', 90), true);
    await wh.insert('ttl.posts', [aged('p40', 'forty days', 40), aged('p1', 'yesterday', 1), aged('stop', ' Stop ', 400)]);
    assert.equal((await texts('ttl')).p40, 'forty days', 'inside 90 days');
    assert.equal(await applyPostTextRetention(wh, 'ttl', 30), true);
    assert.match(await showCreate('ttl'), /toIntervalDay\(30\)/);
    await wh.command('OPTIMIZE TABLE ttl.posts FINAL');
    assert.deepEqual(await texts('ttl'), { p1: 'yesterday', p40: '', stop: ' Stop ' });
    const [kept] = await wh.query<{ n: number }>("SELECT count() AS n FROM ttl.posts WHERE reply_parent_uri = 'at://parent'");
    assert.equal(Number(kept?.n), 3, 'the rows stay: only the text goes');
  });

  test('text recorded after its retention ran out goes at the next merge', async () => {
    await runMigrations(wh, 'late');
    await applyPostTextRetention(wh, 'late', 7);
    await wh.insert('late.posts', [aged('old', 'written long ago', 8), aged('new', 'recent', 6)]);
    await wh.command('OPTIMIZE TABLE late.posts FINAL');
    assert.deepEqual(await texts('late'), { new: 'recent', old: '' });
  });

  test('an unchanged retention changes nothing; a bad one is refused', async () => {
    await runMigrations(wh, 'same');
    assert.equal(await applyPostTextRetention(wh, 'same', 45), true);
    assert.equal(await applyPostTextRetention(wh, 'same', 45), false);
    assert.equal(await appliedPostTextRetention(wh, 'same'), 45);
    for (const bad of [0, 3651, 1.5]) await assert.rejects(applyPostTextRetention(wh, 'same', bad), WarehouseError);
  });
});
