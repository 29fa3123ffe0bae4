// `botsky export` and `botsky rescore --dataset` on a real run: `botsky demo` (the devnet, every
// service, embedded ClickHouse, the simulated population) leaves its warehouse; then one person's
// post is deleted as the live system deletes it (the delete recorded, its text purged by the
// warehouse's purge), another person opts out (their follow of the project account deleted,
// as the network records an unfollow) and a third, who liked bots' replies, deactivates their
// account. The files hold every row but the deleted post's and the deactivated person's. The export, uncompressed so its bytes can be searched, holds no DID of a
// person, no handle, no opted-out person's words and nothing of the deleted post, while an
// opted-in person's words are there (the search would find them); the bots keep their DIDs.
// `botsky rescore --dataset` prints exactly the leaderboard `botsky rescore --warehouse` prints
// as of the export's end; examples/research reads the files and draws the ratings; a changed
// file is refused.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { runNode, suiteHooks } from '@botsky/kit/testing';
import { createWarehouse, type Datasheet, purgeTexts } from '@botsky/warehouse';
import type { DemoReport } from '../src/demo/report.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../../examples/research/src/ratings.ts', import.meta.url));
const hooks = suiteHooks();

interface Facts {
  people: string[];
  handles: string[];
  optedInText: string;
  optedOutTexts: string[];
  deleted: { uri: string; rkey: string; text: string };
  /** a person who acted on bot replies and whose account is then deactivated */
  goneDid: string;
  botDids: string[];
}

/** Rows the export must hold, counted here from the warehouse: all before its end but the deleted post and the gone account's. */
interface Expected {
  posts: number;
  interactions: number;
  impressions: number;
  /** what the gone account and the deleted post had in the warehouse (so the counts above can tell) */
  withdrawn: { posts: number; interactions: number; impressions: number };
}

let dir = '';
let warehouse = '';
let report: DemoReport;
let facts: Facts;
let asOf = '';
let expected: Expected;

/** Run with the scoring settings the demo ran with (its report says: short windows, no burst test, its project account). */
async function cli(args: string[], env: Record<string, string> = {}) {
  return runNode(hooks, MAIN, args, { ...report?.rescore_env, ...env }).exited;
}

before(
  async () => {
    dir = await mkdtemp(join(tmpdir(), 'botsky-export-'));
    const data = join(dir, 'data');
    const ran = await runNode(
      hooks,
      MAIN,
      ['demo', '--duration', '20', '--users', '12', '--seed', '11', '--data', data, '--report', join(dir, 'r.json')],
      {},
    ).exited;
    assert.equal(ran.code, 0, ran.stderr);
    report = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8')) as DemoReport;
    warehouse = join(data, 'clickhouse');
    assert.equal(report.rescore_env.BOTSKY_PROJECT_DID, report.network.project_did);
    facts = await deleteOnePost(warehouse, report.network.project_did);
    asOf = new Date().toISOString();
    expected = await rowsToExport(warehouse, facts, asOf);
  },
  { timeout: 240_000 },
);

after(() => rm(dir, { recursive: true, force: true }));

/** What the test looks for in the files; one opted-in person's post deleted as the live system does it. */
async function deleteOnePost(path: string, projectDid: string): Promise<Facts> {
  const wh = createWarehouse({ kind: 'embedded', path, database: 'botsky' });
  try {
    const bots = (
      await wh.query<{ did: string }>(`SELECT DISTINCT splitByChar('/', reply_uri)[3] AS did FROM botsky.bot_replies WHERE reply_uri != ''`)
    ).map((r) => r.did);
    const optedIn = new Set(
      (
        await wh.query<{ d: string }>(
          `SELECT DISTINCT actor_did AS d FROM botsky.interactions WHERE kind = 'follow' AND subject_did = {p:String}`,
          { p: projectDid },
        )
      ).map((r) => r.d),
    );
    const posts = await wh.query<{ uri: string; author_did: string; text: string }>(
      `SELECT uri, author_did, text FROM botsky.posts FINAL WHERE text != '' AND length(text) > 20 AND author_did NOT IN {bots:Array(String)} ORDER BY uri`,
      { bots },
    );
    const people = [...new Set(posts.map((p) => p.author_did))];
    assert.ok(people.length >= 3, `people posted (${people.length})`);
    // The last of them opts out: their follow of the project account is deleted.
    const leaver = people.at(-1) as string;
    const [follow] = await wh.query<{ uri: string }>(
      `SELECT uri FROM botsky.interactions WHERE kind = 'follow' AND subject_did = {p:String} AND actor_did = {d:String} LIMIT 1`,
      { p: projectDid, d: leaver },
    );
    assert.ok(follow, 'the leaver had opted in');
    const now = new Date();
    await wh.insert('interactions', [
      { kind: 'delete', uri: follow.uri, actor_did: leaver, collection: 'app.bsky.graph.follow', created_at: now, indexed_at: now },
    ]);
    optedIn.delete(leaver);
    // The population's posts come from templates: only words no one else wrote can be looked for.
    const writers = new Map<string, Set<string>>();
    for (const p of posts) writers.set(p.text, (writers.get(p.text) ?? new Set()).add(p.author_did));
    const unique = (p: { text: string }) =>
      writers.get(p.text)?.size === 1 && !posts.some((q) => q.text !== p.text && q.text.includes(p.text));
    const inPosts = posts.filter((p) => optedIn.has(p.author_did) && unique(p));
    const outPosts = posts.filter((p) => !optedIn.has(p.author_did) && unique(p));
    assert.ok(inPosts.length >= 2 && outPosts.length >= 1, `opted-in and opted-out people posted (${inPosts.length}, ${outPosts.length})`);
    const gone = inPosts[0] as (typeof inPosts)[number];
    await wh.insert('interactions', [
      { kind: 'delete', uri: gone.uri, actor_did: gone.author_did, collection: 'app.bsky.feed.post', created_at: now, indexed_at: now },
    ]);
    await purgeTexts(wh, { posts: [{ kind: 'post', did: gone.author_did, uri: gone.uri }], accounts: [] });
    // The person who liked bots' replies most deactivates their account; the demo's feed is read
    // without signing in, so they are first shown two bot replies as a signed-in viewer would be.
    const [acted] = await wh.query<{ d: string }>(
      `SELECT actor_did AS d FROM botsky.interactions WHERE kind = 'like' AND subject_bot_id != '' AND actor_did NOT IN {not:Array(String)}
       GROUP BY actor_did ORDER BY count() DESC, actor_did LIMIT 1`,
      { not: [...bots, leaver, gone.author_did] },
    );
    assert.ok(acted, 'someone liked a bot reply');
    const shown = await wh.query<{ reply_uri: string; bot_id: string }>(
      `SELECT reply_uri, bot_id FROM botsky.bot_replies WHERE reply_uri != '' ORDER BY reply_uri LIMIT 2`,
    );
    const servedAt = new Date(now.getTime() - 1000);
    await wh.insert(
      'impressions',
      shown.map((r, i) => ({
        impression_id: `imp-gone-${i}`,
        feed_request_id: 'req-gone',
        viewer_did: acted.d,
        post_uri: r.reply_uri,
        bot_id: r.bot_id,
        position: i,
        probability: 0.5,
        served_at: servedAt,
      })),
    );
    await wh.insert('account_events', [{ did: acted.d, active: 0, status: 'deactivated', seq: 1, indexed_at: now }]);
    await purgeTexts(wh, { posts: [], accounts: [{ kind: 'account', did: acted.d, untilMs: now.getTime() }] });
    // Handles are the population's names on the devnet (`name-0001.test`), as the demo printed.
    const handles = [...new Set(posts.flatMap((p) => [...p.text.matchAll(/@([a-z]+-\d{4}\.test)/g)].map((m) => m[1] as string)))];
    return {
      people,
      handles: [...handles, 'nia-0001.test'],
      optedInText: (inPosts.find((p) => p.uri !== gone.uri && !p.text.includes('@')) ?? inPosts[1])?.text ?? '',
      optedOutTexts: outPosts.map((p) => p.text),
      deleted: { uri: gone.uri, rkey: gone.uri.split('/').at(-1) as string, text: gone.text },
      goneDid: acted.d,
      botDids: bots,
    };
  } finally {
    await wh.close();
  }
}

async function rowsToExport(path: string, f: Facts, end: string): Promise<Expected> {
  const wh = createWarehouse({ kind: 'embedded', path, database: 'botsky' });
  const n = async (sql: string) =>
    Number((await wh.query<{ n: number }>(sql, { end: new Date(end), gone: f.goneDid, post: f.deleted.uri }))[0]?.n);
  const before = (t: string) => `${t} < {end:DateTime64(3, 'UTC')}`;
  try {
    const gonePosts = `(uri = {post:String} OR author_did = {gone:String})`;
    const goneActs = `(actor_did = {gone:String} OR uri = {post:String} OR subject_uri = {post:String})`;
    const all = {
      posts: await n(`SELECT count() AS n FROM botsky.posts FINAL WHERE ${before('indexed_at')}`),
      interactions: await n(`SELECT count() AS n FROM botsky.interactions FINAL WHERE ${before('indexed_at')}`),
      impressions: await n(`SELECT count() AS n FROM botsky.impressions FINAL WHERE ${before('served_at')}`),
    };
    const withdrawn = {
      posts: await n(`SELECT count() AS n FROM botsky.posts FINAL WHERE ${before('indexed_at')} AND ${gonePosts}`),
      interactions: await n(`SELECT count() AS n FROM botsky.interactions FINAL WHERE ${before('indexed_at')} AND ${goneActs}`),
      impressions: await n(`SELECT count() AS n FROM botsky.impressions FINAL WHERE ${before('served_at')} AND viewer_did = {gone:String}`),
    };
    return {
      posts: all.posts - withdrawn.posts,
      interactions: all.interactions - withdrawn.interactions,
      impressions: all.impressions - withdrawn.impressions,
      withdrawn,
    };
  } finally {
    await wh.close();
  }
}

async function allBytes(out: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const name of await readdir(out)) files.set(name, await readFile(join(out, name)));
  return files;
}

describe('botsky export and rescore --dataset', () => {
  it('holds no person’s DID or handle, no opted-out words and nothing of a deleted post; an opted-in person’s words with --with-text', async () => {
    const out = join(dir, 'with-text');
    const made = await cli([
      'export',
      '--warehouse',
      `embedded:${warehouse}`,
      '--out',
      out,
      '--to',
      asOf,
      '--with-text',
      '--compression',
      'none',
    ]);
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /^posts\.parquet\t\d+ rows\t\d+ bytes\tsha256 [0-9a-f]{64}$/m);
    const files = await allBytes(out);
    assert.deepEqual([...files.keys()].sort(), [
      'README.md',
      'battles.parquet',
      'bot_replies.parquet',
      'client_interactions.parquet',
      'impressions.parquet',
      'interactions.parquet',
      'mentions.parquet',
      'posts.parquet',
      'profile_labels.parquet',
      'rating_snapshots.parquet',
      'reply_tasks.parquet',
      'schema.json',
    ]);
    const found = (needle: string) => [...files].filter(([, bytes]) => bytes.includes(needle)).map(([name]) => name);
    // The search works: an opted-in person's words are in the (uncompressed) posts file, and the bots' DIDs are kept.
    assert.deepEqual(found(facts.optedInText), ['posts.parquet'], `opted-in text: ${facts.optedInText}`);
    assert.ok(
      facts.botDids.some((d) => found(d).includes('bot_replies.parquet')),
      "the bots' DIDs are kept",
    );
    for (const did of facts.people) assert.deepEqual(found(did), [], `a person's DID ${did}`);
    for (const h of facts.handles) assert.deepEqual(found(h), [], `a handle ${h}`);
    for (const text of facts.optedOutTexts) assert.deepEqual(found(text), [], `an opted-out person's words: ${text}`);
    assert.deepEqual(found(facts.deleted.text), [], 'the deleted post’s words');
    assert.deepEqual(found(facts.deleted.rkey), [], 'the deleted post’s record key (so its URI)');

    const sheet = JSON.parse(String(files.get('schema.json'))) as Datasheet;
    assert.equal(sheet.window.as_of, asOf);
    assert.equal(sheet.with_text, true);
    const posts = sheet.files.find((f) => f.file === 'posts.parquet');
    assert.ok(posts && posts.rows > 0 && posts.columns.some((c) => c.name === 'text' && c.rule === 'text'));
    assert.match(String(files.get('README.md')), /^\| `posts\.parquet` \| \d+ \| \d+ \| `[0-9a-f]{64}` \|/m);
  });

  it('leaves out a post deleted before the export, and everything of an account that is gone', async () => {
    const out = join(dir, 'withdrawn');
    const made = await cli(['export', '--warehouse', `embedded:${warehouse}`, '--out', out, '--to', asOf]);
    assert.equal(made.code, 0, made.stderr);
    // The deleted post (and its delete), and the deactivated person's posts, likes and impressions were there.
    assert.ok(
      expected.withdrawn.posts >= 2 && expected.withdrawn.interactions >= 2 && expected.withdrawn.impressions === 2,
      JSON.stringify(expected),
    );
    // The files hold exactly the rest: read back by ClickHouse from the Parquet, as a researcher would.
    const wh = createWarehouse({ kind: 'embedded', path: join(dir, 'reader'), database: 'botsky' });
    try {
      const rows = async (file: string) =>
        Number((await wh.query<{ n: number }>(`SELECT count() AS n FROM file('${join(out, file)}', Parquet)`))[0]?.n);
      assert.equal(await rows('posts.parquet'), expected.posts);
      assert.equal(await rows('interactions.parquet'), expected.interactions);
      assert.equal(await rows('impressions.parquet'), expected.impressions);
      const sheet = JSON.parse(await readFile(join(out, 'schema.json'), 'utf8')) as Datasheet;
      assert.equal(sheet.files.find((f) => f.file === 'posts.parquet')?.rows, expected.posts, 'the datasheet counts what the file holds');
    } finally {
      await wh.close();
    }
  });

  it('without --with-text no post’s words at all; rescore --dataset prints the live leaderboard as of the export’s end, exactly', async () => {
    const out = join(dir, 'plain');
    const made = await cli(['export', '--warehouse', `embedded:${warehouse}`, '--out', out, '--to', asOf, '--compression', 'none']);
    assert.equal(made.code, 0, made.stderr);
    const files = await allBytes(out);
    assert.ok(![...files.values()].some((b) => b.includes(facts.optedInText)), 'no text without --with-text');

    const live = await cli(['rescore', '--warehouse', `embedded:${warehouse}`, '--as-of', asOf, '--json']);
    assert.equal(live.code, 0, live.stderr);
    // The dataset is scored with the settings its datasheet records, whatever this environment says.
    const rebuilt = await cli(['rescore', '--dataset', out, '--json'], { BOTSKY_ANOMALY_BURST_ACTIONS: '20', BOTSKY_BATTLE_WINDOW: '10m' });
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    const board = JSON.parse(rebuilt.stdout) as { bots: Array<{ rating: { battles: number } }> };
    assert.ok(
      board.bots.length === 5 && board.bots.some((b) => b.rating.battles > 0),
      `a leaderboard with battles: ${rebuilt.stdout.slice(0, 300)}`,
    );
    assert.deepEqual(JSON.parse(rebuilt.stdout), JSON.parse(live.stdout));
    // And the table a person reads.
    const table = await cli(['rescore', '--dataset', out]);
    assert.match(table.stdout, new RegExp(`^leaderboard as of ${asOf.replace(/[.]/g, '\\.')}, ranked by bt_style$`, 'm'));

    // The researchers' example reads the files with a common tool and draws the ratings.
    const svgPath = join(dir, 'ratings.svg');
    const example = await runNode(hooks, EXAMPLE, [out, svgPath], {}).exited;
    assert.equal(example.code, 0, example.stderr);
    const rows = example.stdout.split('\n').filter((l) => /^\d+\t/.test(l));
    assert.equal(rows.length, 5, example.stdout);
    for (const row of rows) assert.match(row, /^\d+\t[a-z]+\toffline-[a-z]+\t\d+\.\d\t\d+\.\d\.\.\d+\.\d\t\d+\t\d+\t\d+\t\d+$/);
    assert.equal(((await readFile(svgPath, 'utf8')).match(/<circle /g) ?? []).length, 5);

    // A file changed after the export is refused, not scored.
    await writeFile(join(out, 'battles.parquet'), Buffer.concat([files.get('battles.parquet') as Buffer, Buffer.from('x')]));
    const refused = await cli(['rescore', '--dataset', out]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /battles\.parquet: its SHA-256 is not the datasheet's/);
  });

  it("--season: the season's window, and its freeze as the end, as scoring wrote them to the warehouse", async () => {
    // A frozen season over the middle of the run, as scoring records it (season_snapshots).
    const wh = createWarehouse({ kind: 'embedded', path: warehouse, database: 'botsky' });
    const [span] = await wh.query<{ lo: number; hi: number }>(
      `SELECT toUnixTimestamp64Milli(min(finished_at)) AS lo, toUnixTimestamp64Milli(max(finished_at)) AS hi FROM botsky.bot_replies`,
    );
    const lo = Number(span?.lo);
    const hi = Number(span?.hi);
    const [started, ended, frozenAt] = [new Date(lo + (hi - lo) / 4), new Date(lo + (3 * (hi - lo)) / 4), new Date(hi)];
    await wh.insert('season_snapshots', [
      {
        season: 'spring',
        started_at: started,
        ended_at: ended,
        frozen: 1,
        computed_at: frozenAt,
        method: 'bt',
        bot_id: 'sage',
        rating: 1000,
      },
    ]);
    await wh.close();
    const out = join(dir, 'season');
    const made = await cli(['export', '--warehouse', `embedded:${warehouse}`, '--out', out, '--season', 'spring']);
    assert.equal(made.code, 0, made.stderr);
    const sheet = JSON.parse(await readFile(join(out, 'schema.json'), 'utf8')) as Datasheet;
    assert.deepEqual(sheet.window, {
      as_of: frozenAt.toISOString(),
      from: started.toISOString(),
      until: ended.toISOString(),
      season: 'spring',
    });
    const board = await cli(['rescore', '--dataset', out, '--json']);
    assert.equal(board.code, 0, board.stderr);
    assert.equal((JSON.parse(board.stdout) as { computedAt: string }).computedAt, frozenAt.toISOString());
    const unknown = await cli(['export', '--warehouse', `embedded:${warehouse}`, '--out', join(dir, 'x'), '--season', 'autumn']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no season "autumn" in the warehouse/);
  });

  it('refuses wrong input before anything is written', async () => {
    for (const [args, why] of [
      [['export', '--out', join(dir, 'x')], /needs --warehouse/],
      [['export', '--warehouse', `embedded:${warehouse}`], /needs --out/],
      [
        ['export', '--warehouse', `embedded:${warehouse}`, '--out', join(dir, 'x'), '--compression', 'brotli'],
        /--compression must be one of/,
      ],
      [['export', '--warehouse', `embedded:${warehouse}`, '--out', join(dir, 'x'), '--to', 'soon'], /--to must be an ISO time/],
      [['rescore', '--dataset', join(dir, 'nothing-here')], /no readable schema\.json/],
    ] as const) {
      const r = await cli([...args]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, why);
    }
    const noProject = await cli(['export', '--warehouse', `embedded:${warehouse}`, '--out', join(dir, 'x'), '--with-text'], {
      BOTSKY_PROJECT_DID: '',
    });
    assert.equal(noProject.code, 2);
    assert.match(noProject.stderr, /--with-text needs BOTSKY_PROJECT_DID/);
  });
});
