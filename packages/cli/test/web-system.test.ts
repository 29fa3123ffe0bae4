// The web app across the whole system, as a person meets it: `botsky up` over the real NATS
// JetStream server (every service, the web app included, embedded ClickHouse), ingest reading the
// local network's firehose, two offline bots on its PDS. In a real Chromium a person signs in
// through atproto OAuth (the PDS is the authorization server), opts in on the consent page (a
// follow of the project account, read by matchmaker from the firehose), posts, sees a bot's reply
// appear live without reloading, likes it (the like is on the PDS), opens the leaderboard and
// the bot's page, reads the BotSky feed ("seen" reaches the warehouse, for the items shown),
// opts out, posts again and sees on the consent page that matchmaker did not answer.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { DevnetAccount } from '@botsky/devnet';
import {
  deleteTestNamespace,
  eventually,
  natsUrl,
  pending,
  runNode,
  suiteHooks,
  testNamespace,
  waitForOutput,
  type RunningChild,
} from '@botsky/kit/testing';
import { createWarehouse } from '@botsky/warehouse';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort, networkEnv, startDemoNetwork, type DemoNetwork } from '../src/demo/network.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../../services/web/test/artifacts/', import.meta.url));
/** Generous: every service, ClickHouse, the PDS and Chromium share a loaded 2-core machine. */
const START_MS = 120_000;
const PIPELINE_MS = 60_000;

describe('the web app across the whole system (botsky up over NATS, the local network, Chromium)', () => {
  const ns = testNamespace('websys');
  let dir = '';
  let net: DemoNetwork | undefined;
  let up: RunningChild | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let web = '';
  let alice: DevnetAccount;
  let firstPost = '';
  let botReply = { uri: '', bot: '' };
  const fed: string[] = [];

  before(
    async () => {
      dir = await mkdtemp(join(tmpdir(), 'botsky-websys-'));
      await mkdir(ARTIFACTS, { recursive: true });
      net = await startDemoNetwork({ bots: 2, seed: 3, dataDir: dir });
      alice = await net.devnet.createAccount({ handle: 'alice', password: 'alice-password' });
      const [webPort, feedPort, boardPort] = [await freePort(), await freePort(), await freePort()];
      up = runNode(hooks, MAIN, ['up', '--bus', natsUrl(), '--data', join(dir, 'data')], {
        ...networkEnv(net),
        BOTSKY_NAMESPACE: ns,
        BOTSKY_OPS_HOST: '127.0.0.1',
        BOTSKY_OPS_PORT: '0',
        BOTSKY_WEB_HOST: '127.0.0.1',
        BOTSKY_WEB_PORT: String(webPort),
        BOTSKY_WEB_SESSION_SECRET: 'web-system-test',
        BOTSKY_FEED_HOST: '127.0.0.1',
        BOTSKY_FEED_PORT: String(feedPort),
        BOTSKY_LEADERBOARD_HOST: '127.0.0.1',
        BOTSKY_LEADERBOARD_PORT: String(boardPort),
        BOTSKY_LEADERBOARD_GRPC_PORT: '0',
        BOTSKY_SCORING_INTERVAL: '2s',
        BOTSKY_BATTLE_WINDOW: '5s',
        BOTSKY_RECOMMENDATION_WINDOW: '5s',
        BOTSKY_BOOTSTRAP_ROUNDS: '50',
        BOTSKY_MATCH_ROSTER_REFRESH: '2s',
        BOTSKY_DRAIN_TIMEOUT_MS: '20000',
      });
      [, web] = (await waitForOutput(up, /^web: (http:\S+)$/m, START_MS)) as unknown as [string, string];
      await waitForOutput(up, /^running; Ctrl-C to stop$/m, START_MS);
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    },
    { timeout: 2 * START_MS },
  );

  after(async () => {
    await browser?.close();
    if (up && up.child.exitCode === null) up.child.kill('SIGKILL');
    await net?.devnet.stop();
    await deleteTestNamespace(ns);
    await rm(dir, { recursive: true, force: true });
  });
  // Registered after the `after` above: a backstop that kills what is left (SIGKILL).
  const hooks = suiteHooks();

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `system-${name}.png`), fullPage: true });
  const records = async (collection: string) =>
    (await alice.agent.com.atproto.repo.listRecords({ repo: alice.did, collection, limit: 100 })).data.records;

  it('a person signs in through OAuth on their own PDS and opts in on the consent page (a follow of the project account)', async () => {
    await page.goto(`${web}/signin`);
    await page.getByLabel('Your handle').fill(alice.handle);
    await page.getByRole('button', { name: 'Sign in with your Bluesky account' }).click();
    await page.waitForURL((u) => u.origin === new URL((net as DemoNetwork).devnet.pdsUrl).origin);
    await page.locator('input[name="password"]').fill('alice-password');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Authorize' }).click();
    await page.waitForURL(`${web}/`);
    await page.getByText(`@${alice.handle}`).waitFor();

    await page.getByRole('link', { name: 'Consent' }).click();
    await page.getByRole('button', { name: 'Opt in' }).click();
    await page.getByRole('status').filter({ hasText: 'You follow the project account' }).waitFor();
    const follows = await records('app.bsky.graph.follow');
    assert.deepEqual(
      follows.map((r) => (r.value as { subject: string }).subject),
      [(net as DemoNetwork).projectDid],
    );
    // matchmaker read the follow on the firehose: the page (reloaded) says bots may answer.
    await eventually(
      'matchmaker records the opt-in',
      async () => {
        await page.reload();
        return (await page.locator('[data-consent="answered"]').textContent({ timeout: 5000 })) === 'yes';
      },
      { timeoutMs: PIPELINE_MS, intervalMs: 1000 },
    );
    await shot('consent-in');
  });

  it("the person posts; a bot's reply appears live on the page without reloading, with its disclosure; liking it writes the like to the PDS", async () => {
    await page.getByRole('link', { name: 'Now' }).click();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await page.getByLabel(/What's on your mind/).fill('Anyone here into sourdough baking and long bike rides?');
    await page.getByRole('button', { name: 'Post' }).click();
    await page.getByRole('status').filter({ hasText: 'Posted' }).waitFor();
    const posts = await records('app.bsky.feed.post');
    assert.equal(posts.length, 1);
    firstPost = posts[0]?.uri ?? '';

    const reply = page.locator('li[data-kind="reply"]').first();
    await reply.waitFor({ timeout: PIPELINE_MS });
    botReply = { uri: (await reply.getAttribute('data-uri')) ?? '', bot: (await reply.locator('.who').textContent()) ?? '' };
    assert.ok(
      (net as DemoNetwork).bots.some((b) => b.id === botReply.bot),
      `the reply names one of the bots (${botReply.bot})`,
    );
    assert.match((await reply.locator('.badge').textContent()) ?? '', /^bot · offline-\S+ · builtin$/);
    // The reply on screen is a real post on the PDS, answering the person's post.
    const bot = (net as DemoNetwork).bots.find((b) => b.id === botReply.bot) as { did: string };
    assert.ok(botReply.uri.startsWith(`at://${bot.did}/app.bsky.feed.post/`));
    const onPds = await alice.agent.com.atproto.repo.getRecord({
      repo: bot.did,
      collection: 'app.bsky.feed.post',
      rkey: botReply.uri.split('/').pop() ?? '',
    });
    assert.equal((onPds.data.value as { reply?: { parent?: { uri?: string } } }).reply?.parent?.uri, firstPost);
    await shot('reply-live');

    await reply.getByRole('button', { name: 'Like' }).click();
    await reply.getByRole('button', { name: 'Liked' }).waitFor();
    const likes = await records('app.bsky.feed.like');
    assert.deepEqual(
      likes.map((r) => (r.value as { subject: { uri: string } }).subject.uri),
      [botReply.uri],
    );
  });

  it('the leaderboard lists the bot that answered, and its page shows its model and that reply', async () => {
    await page.getByRole('link', { name: 'Leaderboard' }).click();
    await eventually(
      'the bot on the leaderboard',
      async () => {
        await page.reload();
        return (await page.locator(`tr[data-bot="${botReply.bot}"]`).count()) === 1;
      },
      { timeoutMs: PIPELINE_MS, intervalMs: 1000 },
    );
    await shot('leaderboard');
    await page.locator(`tr[data-bot="${botReply.bot}"]`).getByRole('link', { name: botReply.bot }).click();
    await page.getByRole('heading', { name: botReply.bot }).waitFor();
    assert.match((await page.locator('dl.facts').textContent()) ?? '', /offline/);
    await page.locator(`[data-uri="${botReply.uri}"]`).first().waitFor();
    await shot('bot-page');
  });

  it('the BotSky feed shows bot replies; the ones on screen are reported "seen" as the person', async () => {
    // The feed service's skeleton, read as the person: the bot reply is on it once the feed has its outcome.
    await eventually(
      'the bot reply on the feed',
      async () => {
        const res = await page.request.get(`${web}/api/feed`);
        const body = (await res.json()) as { items?: Array<{ uri: string }>; viewer?: string };
        return res.ok() && body.viewer === 'signed-in' && body.items?.some((i) => i.uri === botReply.uri)
          ? body
          : pending({ status: res.status(), body });
      },
      { timeoutMs: PIPELINE_MS, intervalMs: 1000 },
    );
    await page.getByRole('link', { name: 'Feed' }).click();
    const items = page.locator('li[data-uri]');
    await items.first().waitFor({ timeout: PIPELINE_MS });
    fed.push(...(await items.evaluateAll((els) => els.map((el) => el.getAttribute('data-uri') ?? ''))));
    assert.ok(fed.includes(botReply.uri), 'the bot reply is on the feed');
    // Seen after a second on screen, sent in the next batch (1.5 s).
    await page.waitForTimeout(4000);
    await shot('feed');
  });

  it('opting out unfollows the project account; matchmaker then leaves the next post unanswered, as the consent page shows', async () => {
    await page.getByRole('link', { name: 'Consent' }).click();
    await page.getByRole('button', { name: 'Opt out' }).click();
    await page.getByRole('status').filter({ hasText: 'You unfollowed the project account' }).waitFor();
    assert.deepEqual(await records('app.bsky.graph.follow'), []);
    await eventually(
      'matchmaker records the opt-out',
      async () => {
        await page.reload();
        return (await page.locator('[data-consent="answered"]').textContent({ timeout: 5000 })) === 'no';
      },
      { timeoutMs: PIPELINE_MS, intervalMs: 1000 },
    );
    const second = await alice.agent.post({ text: 'Baking again today: rye this time.' });
    const row = page.locator(`tr[data-post="${second.uri}"]`);
    await eventually(
      "matchmaker's decision about the second post on the consent page",
      async () => {
        await page.reload();
        return (await row.count()) === 1;
      },
      { timeoutMs: PIPELINE_MS, intervalMs: 1000 },
    );
    assert.equal(await row.getAttribute('data-verdict'), 'skipped');
    assert.equal(await page.locator(`tr[data-post="${firstPost}"]`).getAttribute('data-verdict'), 'dispatched');
    await shot('consent-out');
    // No bot answered the second post: every bot's replies on the PDS answer other posts.
    for (const b of (net as DemoNetwork).bots) {
      const mine = await alice.agent.com.atproto.repo.listRecords({ repo: b.did, collection: 'app.bsky.feed.post', limit: 100 });
      assert.ok(mine.data.records.every((r) => (r.value as { reply?: { parent?: { uri?: string } } }).reply?.parent?.uri !== second.uri));
    }
  });

  it('botsky up drains and stops; the warehouse holds the "seen" reports, for items the feed showed, as the person', async () => {
    const proc = up as RunningChild;
    proc.child.kill('SIGTERM');
    const exit = await proc.exited;
    assert.equal(exit.code, 0, exit.stderr.slice(-4000));
    const wh = createWarehouse({ kind: 'embedded', path: join(dir, 'data', 'clickhouse'), database: 'botsky' });
    try {
      const rows = await wh.query<{ item_uri: string; viewer_did: string }>(
        `SELECT DISTINCT item_uri, viewer_did FROM botsky.client_interactions WHERE event = 'seen'`,
      );
      assert.ok(rows.length > 0, 'seen reports in the warehouse');
      assert.ok(
        rows.every((r) => r.viewer_did === alice.did),
        'as the person who saw them',
      );
      assert.ok(
        rows.every((r) => fed.includes(r.item_uri)),
        'only items the feed showed',
      );
      assert.ok(
        rows.some((r) => r.item_uri === botReply.uri),
        'the bot reply, on screen, was seen',
      );
    } finally {
      await wh.close();
    }
  });
});
