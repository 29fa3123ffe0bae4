// The BotSky feed in the web app, with the real feed service (in this process, on the same NATS
// namespace) and the devnet's PDS: the page is the feed's skeleton, hydrated from the authors'
// repositories and asked for as the signed-in person; "seen" reaches the feed's sendInteractions
// as that person and comes out on the bus as ClientInteraction events (what scoring records).
// In Chromium, only the items actually on screen are reported, and the rest once scrolled to.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  BotOutcomeSchema,
  ClientInteractionSchema,
  decode,
  encode,
  InteractionEvent,
  OutcomeStatus,
  SUBJECTS,
  toUs,
} from '@botsky/contracts';
import { startDevnet, type Devnet, type DevnetAccount } from '@botsky/devnet';
import { createContext as createFeedContext, createFeedService, feedConfigSpec } from '@botsky/feed';
import { eventually, natsUrl, startInProcess, suiteHooks, testNamespace } from '@botsky/kit/testing';
import { chromium, type Browser } from 'playwright-core';
import { SESSION_COOKIE } from '../src/session/cookie.ts';
import { builtClient, startWeb, type TestWeb } from './helpers.ts';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

describe('web: the BotSky feed and "seen" (feed service, devnet PDS, NATS)', () => {
  const hooks = suiteHooks();
  let net: Devnet;
  let web: TestWeb;
  let alice: DevnetAccount;
  let cookie = '';
  const replies: Array<{ uri: string; cid: string; text: string }> = [];
  const interactions: Array<{ viewerDid: string; itemUri: string; event: InteractionEvent }> = [];
  let browser: Browser | undefined;

  before(async () => {
    net = await startDevnet();
    alice = await net.createAccount({ handle: 'alice', password: 'main-password' });
    const bot = await net.createAccount({ handle: 'sunny', password: 'bot-password' });
    const namespace = testNamespace('webfeed');
    const feed = await startInProcess(
      hooks,
      { name: 'feed', configSpec: feedConfigSpec, createContext: createFeedContext, createService: createFeedService },
      {
        BOTSKY_BUS: natsUrl(),
        BOTSKY_NAMESPACE: namespace,
        BOTSKY_FEED_PORT: '0',
        BOTSKY_FEED_HOST: '127.0.0.1',
        BOTSKY_FEED_HOSTNAME: 'feed.test',
      },
      { idResolver: net.createIdResolver() },
    );
    web = await startWeb(hooks, await builtClient(hooks), {
      BOTSKY_NAMESPACE: namespace,
      BOTSKY_WEB_FEED_URL: feed.svc.http?.url ?? '',
      BOTSKY_WEB_SIGNIN_SERVICE: net.pdsUrl,
      BOTSKY_WEB_SECURE_COOKIES: 'false',
      BOTSKY_PLC_URL: net.plcUrl,
      BOTSKY_HANDLE_RESOLVER_URL: net.pdsUrl,
    });
    await web.bus.follow(SUBJECTS.feedInteraction, (m) => {
      interactions.push(decode(ClientInteractionSchema, m.data));
    });
    // Twelve bot replies (real records on the PDS), as bot-runner reports them.
    for (let i = 0; i < 12; i++) {
      const text = `reply number ${i}`;
      const r = await bot.agent.post({ text });
      replies.push({ uri: r.uri, cid: r.cid, text });
      const data = encode(BotOutcomeSchema, {
        taskId: `t${i}`,
        botId: 'sunny',
        model: 'm',
        provider: 'offline',
        status: OutcomeStatus.REPLIED,
        reply: { uri: r.uri, cid: r.cid },
        replyText: text,
        finishedAtUs: toUs(Date.now()),
      });
      await web.bus.publish(SUBJECTS.botOutcome, data, { msgId: `t${i}` });
    }
    const signIn = await fetch(`${web.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: 'alice.test', password: 'main-password' }),
    });
    cookie = /botsky_session=([^;]+)/.exec(signIn.headers.get('set-cookie') ?? '')?.[1] ?? '';
    assert.ok(cookie, 'signed in');
  });
  after(async () => {
    await browser?.close();
    await net?.stop();
  });

  it("the feed page is the skeleton, hydrated from the authors' repositories, asked for as the person", async () => {
    const page = await eventually('the replies in the feed', async () => {
      const res = await fetch(`${web.url}/api/feed`, { headers: { cookie: `${SESSION_COOKIE}=${cookie}` } });
      const body = (await res.json()) as { items: Array<{ uri: string; text: string; feedContext: string }>; viewer: string };
      return body.items.length >= 12 ? body : false;
    });
    assert.equal(page.viewer, 'signed-in');
    assert.deepEqual(new Set(page.items.map((i) => i.text)), new Set(replies.map((r) => r.text)));
    assert.ok(page.items.every((i) => i.feedContext.length > 0));
  });

  it('"seen" reaches the feed as the person and comes out as a ClientInteraction', async () => {
    const item = replies[0] as { uri: string };
    const res = await fetch(`${web.url}/api/seen`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `${SESSION_COOKIE}=${cookie}` },
      body: JSON.stringify({ items: [{ uri: item.uri, feedContext: 'ctx' }] }),
    });
    assert.equal(res.status, 200, await res.text());
    const got = await eventually('the interaction on the bus', () => interactions.find((i) => i.itemUri === item.uri));
    assert.equal(got.viewerDid, alice.did);
    assert.equal(got.event, InteractionEvent.SEEN);
    assert.equal(
      (
        await fetch(`${web.url}/api/seen`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ items: [{ uri: item.uri, feedContext: '' }] }),
        })
      ).status,
      401,
    );
  });

  it('in Chromium, only the items on screen are reported seen; the rest once scrolled to', async () => {
    interactions.length = 0;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const context = await browser.newContext({ viewport: { width: 390, height: 700 } });
    await context.addCookies([{ name: SESSION_COOKIE, value: cookie, url: web.url }]);
    const page = await context.newPage();
    await page.goto(`${web.url}/feed`);
    await page.locator('li[data-uri]').nth(11).waitFor({ state: 'attached' });
    const onScreen = await page.locator('li[data-uri]').evaluateAll((els) =>
      els
        .filter((el) => {
          const r = el.getBoundingClientRect();
          const height = (globalThis as unknown as { innerHeight: number }).innerHeight;
          return Math.min(r.bottom, height) - Math.max(r.top, 0) >= r.height / 2;
        })
        .map((el) => el.getAttribute('data-uri')),
    );
    assert.ok(onScreen.length > 0 && onScreen.length < 12, `${onScreen.length} of 12 on screen`);
    await eventually('the visible items reported', () => interactions.length >= onScreen.length, { timeoutMs: 10_000 });
    await page.waitForTimeout(2500);
    assert.deepEqual(new Set(interactions.map((i) => i.itemUri)), new Set(onScreen), 'exactly the items on screen');
    await page.locator('li[data-uri]').nth(11).scrollIntoViewIfNeeded();
    await page.mouse.wheel(0, 5000);
    await eventually('the items scrolled to reported', () => interactions.length > onScreen.length, { timeoutMs: 10_000 });
    assert.ok(interactions.every((i) => i.viewerDid === alice.did && i.event === InteractionEvent.SEEN));
  });
});
