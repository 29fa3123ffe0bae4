// The web app in a real Chromium (Debian's, driven by playwright-core): the live view shows a
// person's post and a bot's reply as they happen, without reloading, with the bot's disclosure;
// the leaderboard draws each bot's interval; a bot's page; keyboard navigation; no request leaves
// the web service; the script stays small. Screenshots at phone and desktop width are written
// to services/web/test/artifacts/ (kept by CI as test artefacts).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { suiteHooks } from '@botsky/kit/testing';
import { chromium, type Browser, type Page } from 'playwright-core';
import { builtClient, publishPost, publishRating, publishReply, startWeb, type TestWeb } from './helpers.ts';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

/** A leaderboard as scoring's /v1/leaderboard answers (the fields the page reads). */
function leaderboard() {
  const bot = (id: string, model: string, rank: number, r: number) => ({
    id,
    handle: `${id}.test`,
    provider: 'openai-compatible',
    model,
    replies: 40,
    impressions: 300,
    conversationEngagement: { rate: 0.4, ci95: [0.3, 0.5] },
    recommendation: { rate: 0.25, ci95: [0.1, 0.4], successes: 3, mentions: 12 },
    harm: { rate: 0.01, ci95: [0, 0.05], flagged: false },
    rating: { rank, battles: 120, elo: r, bt: r, ci95: [r - 30, r + 30], btStyle: r, btStyleCi95: [r - 25, r + 25] },
  });
  return {
    computedAt: new Date().toISOString(),
    rankedBy: 'bt_style',
    robustness: { dropToFlipBattles: 14, dropToFlipPeople: 3 },
    bots: [bot('sunny', 'qwen2.5-7b', 1, 1060), bot('sage', 'llama-3.1-8b', 2, 990), bot('terse', 'mistral-7b', 2, 950)],
  };
}

describe('the web app in Chromium', () => {
  const hooks = suiteHooks();
  let web: TestWeb;
  let browser: Browser;
  let scoring: { close(): Promise<void> };
  const requests: string[] = [];

  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    // scoring's HTTP API as the web service reads it: the leaderboard, the seasons, one season's board.
    const server = createServer((req, res) => {
      const json = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const season = { name: 'spring', startedAt: '2026-03-01T00:00:00.000Z', endedAt: '2026-06-01T00:00:00.000Z', frozen: true };
      if (req.url === '/v1/seasons') return json(200, { seasons: [season] });
      if (req.url === '/v1/seasons/spring')
        return json(200, { season, leaderboard: { ...leaderboard(), bots: leaderboard().bots.slice(0, 2) } });
      if (req.url?.startsWith('/v1/seasons/')) return json(404, { error: 'not_found', message: 'no season' });
      // sage's history as the warehouse keeps it: two snapshots from days before the replay window
      if (req.url === '/v1/bots/sage/history')
        return json(200, {
          botId: 'sage',
          method: 'bt_style',
          points: [970, 980].map((rating, i) => ({ at: i + 1, rating, lo: rating - 40, hi: rating + 40, battles: 10 })),
        });
      return json(200, leaderboard());
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    scoring = { close: () => new Promise((r) => server.close(() => r())) };
    const clientDir = await builtClient(hooks);
    web = await startWeb(hooks, clientDir, { BOTSKY_WEB_LEADERBOARD_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  after(async () => {
    await browser?.close();
    await scoring?.close();
  });

  async function open(size: { width: number; height: number }, path = '/'): Promise<Page> {
    const page = await browser.newPage({ viewport: size });
    page.on('request', (req) => requests.push(req.url()));
    await page.goto(`${web.url}${path}`);
    return page;
  }

  it('shows a post and a bot reply live, with the bot, its model and provider and whom it introduced', async () => {
    const page = await open(PHONE);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    const post = await publishPost(web.bus, 'alice', 'b1', 'Who else reads about octopuses?');
    const sent = Date.now();
    await publishReply(web.bus, {
      bot: 'sunny',
      model: 'qwen2.5-7b',
      provider: 'openai-compatible',
      parentUri: post,
      rkey: 'b2',
      text: 'Me! And @bob does too.',
      mention: 'bob',
    });
    const reply = page.locator('li[data-kind="reply"]');
    await reply.waitFor({ timeout: 10_000 });
    console.log(`bot reply on screen ${Date.now() - sent} ms after it was published`);
    assert.match(
      (await reply.textContent()) ?? '',
      /sunny[\s\S]*bot · qwen2\.5-7b · openai-compatible[\s\S]*Me! And @bob does too\.[\s\S]*introduces did:plc:bob/,
    );
    assert.match((await page.locator('li[data-kind="post"]').textContent()) ?? '', /Who else reads about octopuses\?/);
    await page.screenshot({ path: join(ARTIFACTS, 'now-phone.png'), fullPage: true });
    const replyUri = await reply.getAttribute('data-uri');
    await reply.getByRole('link', { name: 'Conversation' }).click();
    await page.getByRole('heading', { name: 'Conversation' }).waitFor();
    const thread = page.locator('ul.thread li');
    await thread.nth(1).waitFor();
    assert.deepEqual(await thread.evaluateAll((els) => els.map((el) => el.getAttribute('data-uri'))), [post, replyUri]);
    await page.screenshot({ path: join(ARTIFACTS, 'thread-phone.png'), fullPage: true });
    await page.goBack();
    await page.getByRole('heading', { name: 'Now' }).waitFor();
    await page.setViewportSize(DESKTOP);
    await page.screenshot({ path: join(ARTIFACTS, 'now-desktop.png') });
    await page.close();
  });

  it('the leaderboard draws each rating with its interval; a bot links to its own page', async () => {
    const page = await open(DESKTOP);
    await page.getByRole('link', { name: 'Leaderboard' }).click();
    await page.locator('tr[data-bot]').first().waitFor();
    assert.deepEqual(await page.locator('tr[data-bot]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-bot'))), [
      'sunny',
      'sage',
      'terse',
    ]);
    assert.equal(await page.getByRole('img', { name: '1060, 95% interval 1035 to 1085' }).count(), 1);
    assert.match((await page.locator('.note').textContent()) ?? '', /Removing 14 battles or 3 people could change the order/);
    await page.screenshot({ path: join(ARTIFACTS, 'leaderboard-desktop.png'), fullPage: true });
    for (const [i, r] of [990, 1005, 998].entries()) await publishRating(web.bus, 'sage', r, 1_000 + i);
    await page.getByRole('link', { name: 'sage' }).click();
    await page.getByRole('heading', { name: 'sage' }).waitFor();
    assert.match((await page.locator('dl.facts').textContent()) ?? '', /llama-3\.1-8b/);
    assert.equal(new URL(page.url()).pathname, '/bots/sage');
    await page.getByRole('img', { name: /rating over time: 5 points, latest 998/ }).waitFor();
    await page.setViewportSize(PHONE);
    await page.goto(`${web.url}/leaderboard`);
    await page.locator('tr[data-bot]').first().waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'leaderboard-phone.png'), fullPage: true });
    await page.close();
  });

  it("a season's page: the final leaderboard, frozen at its end, from the leaderboard's list of seasons", async () => {
    const page = await open(DESKTOP, '/leaderboard');
    await page.locator('li[data-season="spring"]').getByRole('link', { name: 'spring' }).click();
    await page.getByRole('heading', { name: 'Season spring' }).waitFor();
    assert.equal(await page.locator('[data-season-state]').getAttribute('data-season-state'), 'frozen');
    assert.deepEqual(await page.locator('tr[data-bot]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-bot'))), [
      'sunny',
      'sage',
    ]);
    assert.equal(new URL(page.url()).pathname, '/seasons/spring');
    assert.equal((await page.request.get(`${web.url}/api/seasons/winter`)).status(), 404);
    await page.screenshot({ path: join(ARTIFACTS, 'season-desktop.png'), fullPage: true });
    await page.close();
  });

  it('the navigation works from the keyboard, and no request leaves the web service', async () => {
    const page = await open(DESKTOP, '/leaderboard');
    await page.keyboard.press('Tab');
    assert.equal(await page.locator(':focus').textContent(), 'Now');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Now' }).waitFor();
    await page.close();
    const elsewhere = requests.filter((u) => !u.startsWith(web.url));
    assert.deepEqual(elsewhere, []);
  });

  it('the page loads well under 200 kB of compressed script', async () => {
    const script = await readFile(join(web.running.ctx.clientDir, 'app.js'));
    const compressed = gzipSync(script).length;
    console.log(`app.js: ${script.length} bytes, ${compressed} gzipped`);
    assert.ok(compressed < 200_000, `${compressed} bytes`);
  });
});
