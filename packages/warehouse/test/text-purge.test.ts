// The text purge on embedded ClickHouse: which columns hold people's words (every String column
// of the schema is classified, so a new one cannot be forgotten), what a post purge and an
// account purge change and what they keep, purges read back from what the recorder stored, and
// bad targets that change nothing, and which bus messages carry the purged words.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  TEXT_COLUMNS,
  accountTextsGone,
  createEmbeddedWarehouse,
  postsHoldingText,
  purgeTexts,
  recentPostPurges,
  recordedAccountPurges,
  runMigrations,
  streamMessagesCarrying,
  textMutationsRunning,
  textsHeld,
  type PostPurge,
  type Row,
  type Warehouse,
} from '../src/index.ts';
import { HOSTILE, T0, at, interaction, post, tempDir } from './support/fixtures.ts';

/** String columns that never hold words a person wrote: ids, URIs, DIDs, names from code. */
const FREE_OF_WORDS: Record<string, readonly string[]> = {
  schema_migrations: ['name', 'checksum'],
  posts: ['uri', 'cid', 'author_did', 'langs', 'reply_root_uri', 'reply_parent_uri', 'mentions', 'parent_bot_id'],
  interactions: ['kind', 'uri', 'cid', 'actor_did', 'subject_uri', 'subject_did', 'subject_bot_id', 'collection'],
  // reason: the rule that skipped the post or how the bots were drawn, never the post's words.
  reply_tasks: ['task_id', 'post_uri', 'post_author_did', 'bot_id', 'mention_did', 'battle_id', 'battle_sampling'],
  match_decisions: ['decision_id', 'post_uri', 'post_author_did', 'outcome', 'reason', 'bot_ids', 'mention_did', 'battle_id'],
  // failure_reason: a failure's name (model_error, timeout, ...); the reply text is not stored.
  bot_replies: [
    'task_id',
    'bot_id',
    'model',
    'provider',
    'status',
    'post_uri',
    'reply_uri',
    'reply_cid',
    'mention_did',
    'battle_id',
    'failure_reason',
  ],
  mentions: ['task_id', 'bot_id', 'mentioned_did', 'reply_uri', 'post_uri', 'battle_id'],
  impressions: ['impression_id', 'feed_request_id', 'viewer_did', 'post_uri', 'bot_id'],
  // feed_context: the feed's own "<request>/<position>" token, echoed by the client.
  client_interactions: ['interaction_id', 'viewer_did', 'item_uri', 'event', 'feed_context', 'bot_id'],
  battles: ['battle_id', 'post_uri', 'bot_a', 'bot_b', 'reply_a_uri', 'reply_b_uri', 'winner', 'rule_version', 'vote_kind'],
  rating_snapshots: ['method', 'bot_id', 'model'],
  // season: the operator's name for it (botsky season start NAME).
  season_snapshots: ['season', 'method', 'bot_id', 'model'],
  bot_minute: ['bot_id'],
  profile_labels: ['did', 'self_labels'],
  account_events: ['did', 'status'],
  stream_messages: ['stream', 'post_uri', 'author_did', 'other_dids'],
  // ids and figures of the gateway's calls: no prompt, no answer, no key.
  llm_calls: ['call_id', 'key_id', 'builder', 'model', 'provider', 'outcome'],
};

const ALICE = 'did:plc:alice';
const BOB = 'did:plc:bob';
const CAROL = 'did:plc:carol';
const uri = (did: string, rkey: string) => `at://${did}/app.bsky.feed.post/${rkey}`;
const purgeOf = (did: string, rkey: string): PostPurge => ({ kind: 'post', did, uri: uri(did, rkey) });

let wh: Warehouse;
let remove: () => Promise<void>;
let db = 0;

before(async () => {
  const dir = await tempDir('purge');
  remove = dir.remove;
  wh = createEmbeddedWarehouse({ path: dir.path });
  await runMigrations(wh, 'botsky');
});
after(async () => {
  await wh.close();
  await remove();
});

/**
 * A fresh database per test, so counts are the test's own (one engine per process: the same
 * warehouse, another default database; inserts name their database).
 */
async function fresh(): Promise<Warehouse> {
  const name = `purge${++db}`;
  await runMigrations(wh, name);
  return { ...wh, database: name };
}

function task(id: string, postUri: string, o: Row = {}): Row {
  return {
    task_id: id,
    post_uri: postUri,
    post_author_did: ALICE,
    bot_id: 'b1',
    mention_did: BOB,
    battle_id: '',
    reason: 'shares: kestrel, zephyrine',
    created_at: T0,
    ...o,
  };
}

async function texts(w: Warehouse): Promise<Record<string, string>> {
  const rows = await w.query<{ uri: string; text: string }>(`SELECT uri, text FROM ${w.database}.posts FINAL ORDER BY uri`);
  return Object.fromEntries(rows.map((r) => [r.uri, r.text]));
}

async function reasons(w: Warehouse): Promise<Record<string, string>> {
  const rows = await w.query<{ task_id: string; reason: string }>(
    `SELECT task_id, reason FROM ${w.database}.reply_tasks FINAL ORDER BY task_id`,
  );
  return Object.fromEntries(rows.map((r) => [r.task_id, r.reason]));
}

describe('text columns', () => {
  test('every String column of the schema either holds words and is purged, or is declared free of them', async () => {
    const rows = await wh.query<{ table: string; name: string }>(
      `SELECT c.table AS table, c.name AS name FROM system.columns AS c
       INNER JOIN system.tables AS t ON t.database = c.database AND t.name = c.table
       WHERE c.database = 'botsky' AND t.engine LIKE '%MergeTree' AND match(c.type, '^(Array\\\\()?(LowCardinality\\\\()?String')
       ORDER BY table, name`,
    );
    const found: Record<string, string[]> = {};
    for (const r of rows) {
      found[r.table] ??= [];
      found[r.table]!.push(r.name);
    }
    const expected: Record<string, string[]> = {};
    for (const [table, names] of Object.entries(FREE_OF_WORDS)) expected[table] = [...names];
    for (const c of TEXT_COLUMNS) {
      expected[c.table] ??= [];
      expected[c.table]!.push(c.column);
    }
    for (const names of Object.values(expected)) names.sort();
    assert.deepEqual(found, expected);
  });

  test('an account stopped by its owner or host loses its texts; one stopped by the relay keeps them', () => {
    for (const status of ['deleted', 'deactivated', 'takendown', 'suspended', 'unspecified'])
      assert.equal(accountTextsGone(false, status), true, status);
    for (const status of ['desynchronized', 'throttled']) assert.equal(accountTextsGone(false, status), false, status);
    assert.equal(accountTextsGone(true, 'active'), false);
  });
});

describe('purging', () => {
  test('a deleted post loses its words in posts and reply_tasks; its row, counts and "stop" stay', async () => {
    const w = await fresh();
    await w.insert(`${w.database}.posts`, [
      post({ uri: uri(ALICE, '1'), text: 'kestrel zephyrine at dawn' }),
      post({ uri: uri(ALICE, '2'), text: 'something else' }),
      post({ uri: uri(BOB, '3'), author_did: BOB, text: ' STOP ' }),
    ]);
    await w.insert(`${w.database}.reply_tasks`, [
      task('t1', uri(ALICE, '1')),
      task('t2', uri(ALICE, '2'), { reason: 'shares: else' }),
      task('t3', uri(ALICE, '2'), { reason: 'random' }),
    ]);
    const targets = [purgeOf(ALICE, '1'), purgeOf(BOB, '3')];
    assert.deepEqual([...(await postsHoldingText(w, targets))].sort(), [uri(ALICE, '1'), uri(BOB, '3')]);

    const purged = await purgeTexts(w, { posts: targets, accounts: [] });
    assert.deepEqual(Object.fromEntries(purged), { posts: 2, reply_tasks: 1 });
    assert.deepEqual(await texts(w), { [uri(ALICE, '1')]: '', [uri(ALICE, '2')]: 'something else', [uri(BOB, '3')]: 'stop' });
    assert.deepEqual(await reasons(w), { t1: 'shares', t2: 'shares: else', t3: 'random' });
    assert.equal(Number((await w.query<{ n: number }>(`SELECT count() AS n FROM ${w.database}.posts`))[0]?.n), 3, 'rows stay');

    assert.deepEqual(Object.fromEntries(await purgeTexts(w, { posts: targets, accounts: [] })), {}, 'a second purge finds nothing');
    assert.deepEqual([...(await postsHoldingText(w, targets))], [], 'a purged "stop" holds no words');
    assert.equal(await textMutationsRunning(w), 0);
  });

  test('a "stop" reply keeps only the word, whatever its case and spacing, when purged with its account', async () => {
    const w = await fresh();
    await w.insert(`${w.database}.posts`, [
      post({ uri: uri(BOB, 's'), author_did: BOB, text: '  StOp ' }),
      post({ uri: uri(BOB, 'n'), author_did: BOB, text: 'stop it now' }),
    ]);
    await purgeTexts(w, { posts: [], accounts: [{ kind: 'account', did: BOB, untilMs: at(1).getTime() }] });
    assert.deepEqual(await texts(w), { [uri(BOB, 'n')]: '', [uri(BOB, 's')]: 'stop' });
  });

  test('an account purge reaches what the account wrote up to its event, as author and as the one mentioned', async () => {
    const w = await fresh();
    await w.insert(`${w.database}.posts`, [
      post({ uri: uri(CAROL, 'old'), author_did: CAROL, text: 'before leaving', indexed_at: at(0) }),
      post({ uri: uri(CAROL, 'new'), author_did: CAROL, text: 'back again', indexed_at: at(10) }),
      post({ uri: uri(ALICE, 'a'), text: 'alice stays', indexed_at: at(0) }),
    ]);
    await w.insert(`${w.database}.reply_tasks`, [
      task('by', uri(CAROL, 'old'), { post_author_did: CAROL, mention_did: BOB, created_at: at(1) }),
      task('of', uri(ALICE, 'a'), { mention_did: CAROL, created_at: at(1) }),
      task('later', uri(CAROL, 'new'), { post_author_did: CAROL, created_at: at(11) }),
    ]);
    const set = { posts: [], accounts: [{ kind: 'account' as const, did: CAROL, untilMs: at(5).getTime() }] };
    assert.deepEqual(Object.fromEntries(await textsHeld(w, set)), { posts: 1, reply_tasks: 2 });
    await purgeTexts(w, set);
    assert.deepEqual(await texts(w), { [uri(ALICE, 'a')]: 'alice stays', [uri(CAROL, 'new')]: 'back again', [uri(CAROL, 'old')]: '' });
    assert.deepEqual(await reasons(w), { by: 'shares', later: 'shares: kestrel, zephyrine', of: 'shares' });
  });

  test("a delete names its own repository: one claiming another author's post, or an unknown post, changes nothing", async () => {
    const w = await fresh();
    await w.insert(`${w.database}.posts`, [post({ uri: uri(ALICE, '1'), text: 'mine' })]);
    const forged: PostPurge = { kind: 'post', did: BOB, uri: uri(ALICE, '1') };
    const unknown = purgeOf(ALICE, 'never');
    const hostile = HOSTILE.map((h): PostPurge => ({ kind: 'post', did: h, uri: `at://${h}/app.bsky.feed.post/${h}` }));
    const purged = await purgeTexts(w, {
      posts: [forged, unknown, ...hostile],
      accounts: [{ kind: 'account', did: "x' OR '1'='1", untilMs: Date.now() }],
    });
    assert.deepEqual(Object.fromEntries(purged), {});
    assert.deepEqual(await texts(w), { [uri(ALICE, '1')]: 'mine' });
  });
});

describe('purges recorded by the recorder', () => {
  test('post deletes come from interactions, account purges from account_events (latest, reasons that purge)', async () => {
    const w = await fresh();
    await w.insert(`${w.database}.posts`, [
      post({ uri: uri(ALICE, 'gone'), text: 'deleted later', indexed_at: at(0) }),
      post({ uri: uri(ALICE, 'kept'), text: 'kept', indexed_at: at(0) }),
      post({ uri: uri(CAROL, 'c'), author_did: CAROL, text: 'carol wrote', indexed_at: at(0) }),
      post({ uri: uri(BOB, 'b'), author_did: BOB, text: 'bob wrote', indexed_at: at(0) }),
    ]);
    await w.insert(`${w.database}.interactions`, [
      interaction({ kind: 'delete', uri: uri(ALICE, 'gone'), actor_did: ALICE, collection: 'app.bsky.feed.post', indexed_at: at(3) }),
      interaction({
        kind: 'delete',
        uri: `at://${ALICE}/app.bsky.feed.like/l`,
        actor_did: ALICE,
        collection: 'app.bsky.feed.like',
        indexed_at: at(4),
      }),
    ]);
    const account = (did: string, active: number, status: string, s: number) => ({ did, active, status, seq: s, indexed_at: at(s) });
    await w.insert(`${w.database}.account_events`, [
      account(CAROL, 0, 'deactivated', 2),
      account(CAROL, 1, 'active', 6),
      account(CAROL, 0, 'deleted', 9),
      account(BOB, 0, 'throttled', 2),
      account(BOB, 1, 'active', 3),
    ]);
    const accounts = await recordedAccountPurges(w);
    assert.deepEqual(accounts, [{ kind: 'account', did: CAROL, untilMs: at(9).getTime() }]);
    assert.deepEqual(await recentPostPurges(w, 10), [purgeOf(ALICE, 'gone')]);

    const purged = await purgeTexts(w, { posts: 'recorded', accounts });
    assert.deepEqual(Object.fromEntries(purged), { posts: 2 });
    assert.deepEqual(await texts(w), {
      [uri(ALICE, 'gone')]: '',
      [uri(ALICE, 'kept')]: 'kept',
      [uri(BOB, 'b')]: 'bob wrote',
      [uri(CAROL, 'c')]: '',
    });
  });
});

describe('bus messages carrying the purged words', () => {
  // Times from an hour ago: stream_messages rows expire 90 days after their time (T0 is older).
  const base = Date.now() - 3_600_000;
  const t = (s: number) => new Date(base + s * 1000);
  const message = (stream: string, seq: number, postUri: string, author: string, others: string[], s: number): Row => ({
    stream,
    seq,
    post_uri: postUri,
    author_did: author,
    other_dids: others,
    indexed_at: t(s),
  });

  test("a deleted post: its own messages, and those weighing its author's terms between the post and its delete", async () => {
    const w = await fresh();
    await w.insert(`${w.database}.posts`, [
      post({ uri: uri(ALICE, 'gone'), indexed_at: t(10) }),
      post({ uri: uri(BOB, 'b'), author_did: BOB, indexed_at: t(5) }),
    ]);
    await w.insert(`${w.database}.interactions`, [
      interaction({ kind: 'delete', uri: uri(ALICE, 'gone'), actor_did: ALICE, collection: 'app.bsky.feed.post', indexed_at: t(20) }),
    ]);
    await w.insert(`${w.database}.stream_messages`, [
      message('BOTSKY_NETWORK', 7, uri(ALICE, 'gone'), ALICE, [], 10), // the post itself
      message('BOTSKY_TASKS', 3, uri(ALICE, 'gone'), ALICE, [BOB], 11), // its task
      message('BOTSKY_TASKS', 2, uri(BOB, 'b'), BOB, [ALICE], 6), // alice weighed before her post: not from it
      message('BOTSKY_TASKS', 4, uri(BOB, 'b'), BOB, [CAROL, ALICE], 15), // after it: her terms may come from it
      message('BOTSKY_TASKS', 5, uri(BOB, 'b2'), BOB, [ALICE], 25), // after the delete: not from it
      message('BOTSKY_NETWORK', 6, uri(BOB, 'b'), BOB, [], 5),
    ]);
    // Newest first.
    const expected = [
      { stream: 'BOTSKY_TASKS', seq: 4 },
      { stream: 'BOTSKY_TASKS', seq: 3 },
      { stream: 'BOTSKY_NETWORK', seq: 7 },
    ];
    assert.deepEqual(await streamMessagesCarrying(w, { posts: [purgeOf(ALICE, 'gone')], accounts: [] }, 100), expected);
    assert.deepEqual(
      await streamMessagesCarrying(w, { posts: 'recorded', accounts: [] }, 100),
      expected,
      'the same from what was recorded',
    );
    assert.deepEqual(
      await streamMessagesCarrying(w, { posts: [purgeOf(ALICE, 'gone')], accounts: [] }, 2),
      expected.slice(0, 2),
      'at most the limit, the newest',
    );
    assert.deepEqual(
      await streamMessagesCarrying(w, { posts: [purgeOf(BOB, 'never')], accounts: [] }, 100),
      [],
      'a post never stored: nothing',
    );
    assert.deepEqual(await streamMessagesCarrying(w, { posts: [], accounts: [] }, 100), []);
  });

  test('an account gone: every message carrying its words up to its event, as author or as another person', async () => {
    const w = await fresh();
    await w.insert(`${w.database}.stream_messages`, [
      message('BOTSKY_NETWORK', 1, uri(CAROL, 'c'), CAROL, [], 1),
      message('BOTSKY_NETWORK', 2, '', CAROL, [], 2), // a profile
      message('BOTSKY_TASKS', 1, uri(BOB, 'b'), BOB, [CAROL], 3),
      message('BOTSKY_TASKS', 2, uri(BOB, 'b'), BOB, [ALICE], 3),
      message('BOTSKY_NETWORK', 3, uri(CAROL, 'back'), CAROL, [], 9), // after the event: kept
    ]);
    const got = await streamMessagesCarrying(w, { posts: [], accounts: [{ kind: 'account', did: CAROL, untilMs: t(5).getTime() }] }, 100);
    assert.deepEqual(got, [
      { stream: 'BOTSKY_TASKS', seq: 1 },
      { stream: 'BOTSKY_NETWORK', seq: 2 },
      { stream: 'BOTSKY_NETWORK', seq: 1 },
    ]);
    const hostile = await streamMessagesCarrying(
      w,
      {
        posts: [{ kind: 'post', did: HOSTILE[0] as string, uri: HOSTILE[1] as string }],
        accounts: [{ kind: 'account', did: HOSTILE[2] as string, untilMs: t(5).getTime() }],
      },
      100,
    );
    assert.deepEqual(hostile, [], 'hostile ids are quoted and match nothing');
  });

  test('rows older than the longest a stream may keep a message (90 days) expire', async () => {
    const w = await fresh();
    await w.insert(`${w.database}.stream_messages`, [
      message('BOTSKY_NETWORK', 1, uri(CAROL, 'old'), CAROL, [], -91 * 86_400),
      message('BOTSKY_NETWORK', 2, uri(CAROL, 'new'), CAROL, [], 0),
    ]);
    await w.command(`OPTIMIZE TABLE ${w.database}.stream_messages FINAL`);
    const rows = await w.query<{ seq: number | string }>(`SELECT seq FROM ${w.database}.stream_messages ORDER BY seq`);
    assert.deepEqual(
      rows.map((r) => Number(r.seq)),
      [2],
    );
  });
});
