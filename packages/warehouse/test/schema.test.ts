// The schema on embedded ClickHouse (26.x): migrations, every table, the per-minute views.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  MIGRATIONS,
  MigrationError,
  appliedMigrations,
  createEmbeddedWarehouse,
  migrationChecksum,
  runMigrations,
  type Row,
  type Warehouse,
} from '../src/index.ts';
import { T0, botReply, clientInteraction, impression, interaction, post, rating, tempDir } from './support/fixtures.ts';
import { seedMinuteData } from './support/seed.ts';

let wh: Warehouse;
let remove: () => Promise<void>;

before(async () => {
  const dir = await tempDir('schema');
  remove = dir.remove;
  wh = createEmbeddedWarehouse({ path: dir.path });
});
after(async () => {
  await wh.close();
  await remove();
});

const TABLES: Record<string, string> = {
  schema_migrations: 'ReplacingMergeTree',
  posts: 'ReplacingMergeTree',
  interactions: 'ReplacingMergeTree',
  reply_tasks: 'ReplacingMergeTree',
  match_decisions: 'ReplacingMergeTree',
  llm_calls: 'ReplacingMergeTree',
  bot_replies: 'ReplacingMergeTree',
  mentions: 'ReplacingMergeTree',
  mentions_mv: 'MaterializedView',
  impressions: 'ReplacingMergeTree',
  client_interactions: 'ReplacingMergeTree',
  battles: 'ReplacingMergeTree',
  rating_snapshots: 'ReplacingMergeTree',
  season_snapshots: 'ReplacingMergeTree',
  bot_minute: 'AggregatingMergeTree',
  bot_minute_replies_mv: 'MaterializedView',
  bot_minute_impressions_mv: 'MaterializedView',
  bot_minute_engagement_mv: 'MaterializedView',
  bot_minute_replies_received_mv: 'MaterializedView',
  bot_minute_seen_mv: 'MaterializedView',
  bot_minute_stats: 'View',
  profile_labels: 'ReplacingMergeTree',
  account_events: 'ReplacingMergeTree',
  stream_messages: 'ReplacingMergeTree',
};

async function tablesOf(db: string): Promise<Record<string, string>> {
  const rows = await wh.query<{ name: string; engine: string }>(
    'SELECT name, engine FROM system.tables WHERE database = {db:String} ORDER BY name',
    { db },
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.engine]));
}

async function count(sql: string): Promise<number> {
  const rows = await wh.query<{ n: number }>(sql);
  return Number(rows[0]?.n);
}

describe('migrations', () => {
  test('apply every version once, in order, and a second run does nothing', async () => {
    assert.deepEqual(
      await runMigrations(wh, 'botsky'),
      MIGRATIONS.map((m) => m.version),
    );
    assert.deepEqual(await runMigrations(wh, 'botsky'), []);
    await wh.migrate(); // the adapter's entry point, a third time
    const applied = await appliedMigrations(wh, 'botsky');
    assert.deepEqual(
      applied.map((m) => m.version),
      MIGRATIONS.map((m) => m.version),
    );
    assert.deepEqual(
      applied.map((m) => m.checksum),
      MIGRATIONS.map(migrationChecksum),
    );
    assert.equal(await count('SELECT count() AS n FROM botsky.schema_migrations'), MIGRATIONS.length);
  });

  test('create every table, view and materialized view with its engine', async () => {
    assert.deepEqual(await tablesOf('botsky'), TABLES);
  });

  test('two replicas migrating the same database at once both succeed', async () => {
    await Promise.all([runMigrations(wh, 'twin'), runMigrations(wh, 'twin')]);
    assert.deepEqual(await tablesOf('twin'), TABLES);
    const versions = (await appliedMigrations(wh, 'twin')).map((m) => m.version);
    assert.deepEqual(
      versions,
      MIGRATIONS.map((m) => m.version),
    );
  });

  test('refuse to start when an applied migration was edited', async () => {
    const first = MIGRATIONS[0];
    assert.ok(first);
    await runMigrations(wh, 'edited', [first]);
    const edited = { ...first, statements: (db: string) => [...first.statements(db), 'SELECT 1'] };
    await assert.rejects(runMigrations(wh, 'edited', [edited]), MigrationError);
  });

  test('refuse versions out of order', async () => {
    const [a, b] = MIGRATIONS;
    assert.ok(a && b);
    await assert.rejects(runMigrations(wh, 'unordered', [b, a]), MigrationError);
  });
});

describe('tables', () => {
  before(() => runMigrations(wh, 'botsky'));

  test('store and return a row of every raw table', async () => {
    const samples: Record<string, Row> = {
      posts: post({ uri: 'at://did:plc:alice/app.bsky.feed.post/rt', langs: ['en', 'fr'], mentions: ['did:plc:bob'] }),
      interactions: interaction({ uri: 'at://did:plc:carol/app.bsky.feed.like/rt', kind: 'like', subject_uri: 'at://p' }),
      reply_tasks: {
        task_id: 'rt-1',
        post_uri: 'at://p',
        post_author_did: 'did:plc:alice',
        bot_id: 'b1',
        mention_did: 'did:plc:bob',
        battle_id: '',
        reason: 'random',
        created_at: T0,
      },
      match_decisions: {
        decision_id: 'd-1',
        post_uri: 'at://p',
        post_author_did: 'did:plc:alice',
        outcome: 'task',
        reason: 'opted-in',
        bot_ids: ['b1', 'b2'],
        mention_did: 'did:plc:bob',
        battle_id: 'bt-1',
        candidates: 7,
        decided_at: T0,
      },
      bot_replies: botReply({ task_id: 'rt-1', bot_id: 'rt-bot', mention_did: 'did:plc:bob' }),
      impressions: impression({ impression_id: 'rt-i', bot_id: '' }),
      client_interactions: clientInteraction({ interaction_id: 'rt-c', bot_id: '' }),
      battles: {
        battle_id: 'bt-1',
        post_uri: 'at://p',
        bot_a: 'b1',
        bot_b: 'b2',
        reply_a_uri: 'at://a',
        reply_b_uri: 'at://b',
        score_a: 3,
        score_b: 1,
        winner: 'b1',
        decided_at: T0,
      },
      rating_snapshots: rating({ bot_id: 'rt-bot', computed_at: T0 }),
    };
    for (const [table, row] of Object.entries(samples)) {
      await wh.insert(table, [row]);
      const [back] = await wh.query<Row>(`SELECT * FROM botsky.${table} LIMIT 1`);
      assert.ok(back, table);
      for (const [k, v] of Object.entries(row)) {
        const expected = v instanceof Date ? '2026-03-01 12:00:00.000' : v;
        assert.deepEqual(back[k], expected, `${table}.${k}`);
      }
    }
    const [mention] = await wh.query<Row>("SELECT * FROM botsky.mentions WHERE bot_id = 'rt-bot'");
    assert.equal(mention?.mentioned_did, 'did:plc:bob', 'mentions are derived from bot_replies');
  });

  test('take one batch of back-dated posts spanning more months than one insert may touch', async () => {
    const backDated = Array.from({ length: 150 }, (_, i) =>
      post({ uri: `at://did:plc:archive/app.bsky.feed.post/${i}`, created_at: new Date(Date.UTC(2000, i, 1)), indexed_at: T0 }),
    );
    await wh.insert('posts', backDated);
    assert.equal(await count("SELECT count() AS n FROM botsky.posts WHERE uri LIKE 'at://did:plc:archive/%'"), 150);
  });
});

describe('per-bot, per-minute aggregates', () => {
  before(async () => {
    await runMigrations(wh, 'agg');
    await seedMinuteData(wh, 'agg');
  });

  test('count replies, mentions, tokens, cost, latency, exposure and engagement per bot and minute', async () => {
    const rows = await wh.query<Row>('SELECT * FROM agg.bot_minute_stats ORDER BY bot_id, minute');
    assert.equal(rows.length, 2, 'no row for items that are not a bot reply');
    const [b1, b2] = rows as [Row, Row];
    assert.equal(b1.minute, '2026-03-01 12:00:00');
    assert.deepEqual(
      pick(b1, [
        'bot_id',
        'replies',
        'failures',
        'mentions',
        'tokens_in',
        'tokens_out',
        'impressions',
        'likes',
        'reposts',
        'replies_received',
        'mention_successes',
        'seen',
      ]),
      {
        bot_id: 'b1',
        replies: 2,
        failures: 1,
        mentions: 1,
        tokens_in: 15,
        tokens_out: 25,
        impressions: 3,
        likes: 2,
        reposts: 1,
        replies_received: 2,
        mention_successes: 1,
        seen: 2,
      },
    );
    assert.ok(Math.abs(Number(b1.cost_usd) - 0.003) < 1e-9);
    assert.equal(b1.latency_p50_ms, 200);
    assert.equal(b2.minute, '2026-03-01 12:01:00');
    assert.deepEqual(pick(b2, ['bot_id', 'replies', 'mentions', 'impressions', 'seen', 'likes']), {
      bot_id: 'b2',
      replies: 1,
      mentions: 1,
      impressions: 1,
      seen: 1,
      likes: 0,
    });
  });

  test('a batch retried with its dedup token is stored once, in the table and the aggregates', async () => {
    const batch = [impression({ impression_id: 'dd-1', bot_id: 'b3' }), impression({ impression_id: 'dd-2', bot_id: 'b3' })];
    await wh.insert('agg.impressions', batch, { dedupToken: 'batch-1' });
    await wh.insert('agg.impressions', batch, { dedupToken: 'batch-1' });
    assert.equal(await count("SELECT count() AS n FROM agg.impressions WHERE bot_id = 'b3'"), 2);
    assert.equal(await count("SELECT impressions AS n FROM agg.bot_minute_stats WHERE bot_id = 'b3'"), 2);
  });

  test('an event re-delivered in another batch collapses by id and is counted once', async () => {
    await wh.insert('agg.impressions', [impression({ impression_id: 'dd-1', bot_id: 'b3' })], { dedupToken: 'batch-2' });
    assert.equal(await count("SELECT count() AS n FROM agg.impressions WHERE bot_id = 'b3'"), 3);
    assert.equal(await count("SELECT count() AS n FROM agg.impressions FINAL WHERE bot_id = 'b3'"), 2);
    assert.equal(await count("SELECT impressions AS n FROM agg.bot_minute_stats WHERE bot_id = 'b3'"), 2);
  });
});

function pick(row: Row, keys: string[]): Row {
  return Object.fromEntries(keys.map((k) => [k, row[k]]));
}
