// Signing in with atproto OAuth in a real Chromium, the devnet's reference PDS as the
// authorization server: the person names their handle, authorizes BotSky on their own server's
// page, comes back signed in, and what they post and like lands in their repository through the
// OAuth session (DPoP-bound tokens kept in NATS KV, sealed). A denied authorization signs no one in.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDevnet, type Devnet, type DevnetAccount } from '@botsky/devnet';
import { KV_BUCKETS } from '@botsky/contracts';
import { eventually, suiteHooks } from '@botsky/kit/testing';
import { chromium, type Browser, type Page } from 'playwright-core';
import { builtClient, publishRecordPost, startWeb, type TestWeb } from './helpers.ts';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;

describe('OAuth sign-in in Chromium (devnet PDS as the authorization server)', () => {
  const hooks = suiteHooks();
  let net: Devnet;
  let web: TestWeb;
  let browser: Browser;
  let alice: DevnetAccount;
  let bob: DevnetAccount;

  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    net = await startDevnet();
    alice = await net.createAccount({ handle: 'alice', password: 'main-password' });
    bob = await net.createAccount({ handle: 'bob', password: 'bob-password' });
    web = await startWeb(hooks, await builtClient(hooks), {
      BOTSKY_WEB_SECURE_COOKIES: 'false',
      BOTSKY_WEB_SESSION_SECRET: 'oauth-secret',
      BOTSKY_PLC_URL: net.plcUrl,
      BOTSKY_HANDLE_RESOLVER_URL: net.pdsUrl,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  after(async () => {
    await browser?.close();
    await net?.stop();
  });

  /** From the sign-in page to the PDS's authorization page, signed in there with the password. */
  async function toConsent(page: Page): Promise<void> {
    await page.goto(`${web.url}/signin`);
    await page.getByLabel('Your handle').fill('alice.test');
    await page.getByRole('button', { name: 'Sign in with your Bluesky account' }).click();
    await page.waitForURL((u) => u.origin === new URL(net.pdsUrl).origin);
    await page.locator('input[name="password"]').fill('main-password');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Authorize' }).waitFor();
  }

  it('a denied authorization signs no one in', async () => {
    const page = await browser.newPage();
    await toConsent(page);
    await page.getByRole('button', { name: 'Deny access' }).click();
    await page.waitForURL((u) => u.origin === web.url);
    assert.equal((await page.request.get(`${web.url}/api/session`)).status(), 401);
    await page.close();
  });

  it('authorizing on the PDS signs in; posts and likes go through the OAuth session to the repository', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await toConsent(page);
    await page.screenshot({ path: join(ARTIFACTS, 'oauth-consent-phone.png') });
    await page.getByRole('button', { name: 'Authorize' }).click();
    await page.waitForURL(`${web.url}/`);
    await page.getByText('@alice.test').waitFor();
    const me = await (await page.request.get(`${web.url}/api/session`)).json();
    assert.equal(me.did, alice.did);
    const cookies = await page.context().cookies(web.url);
    assert.ok(!JSON.stringify(cookies).includes('main-password'), 'no password anywhere in the cookies');
    const stored = await (await web.bus.kv(KV_BUCKETS.webSessions)).keys();
    assert.equal(stored.length, 1, 'one OAuth session kept, sealed, in KV');

    await page.getByLabel(/What's on your mind/).fill('posted through OAuth');
    await page.getByRole('button', { name: 'Post' }).click();
    await page.getByRole('status').filter({ hasText: 'Posted' }).waitFor();
    const posts = await bob.agent.com.atproto.repo.listRecords({ repo: alice.did, collection: 'app.bsky.feed.post' });
    assert.deepEqual(
      posts.data.records.map((r) => (r.value as { text: string }).text),
      ['posted through OAuth'],
    );

    const target = await bob.agent.post({ text: 'like me over OAuth' });
    await publishRecordPost(web.bus, { did: bob.did, uri: target.uri, cid: target.cid, text: 'like me over OAuth' });
    await page.locator(`li[data-uri="${target.uri}"]`).getByRole('button', { name: 'Like' }).click();
    await eventually('the like on the PDS', async () => {
      const likes = await bob.agent.com.atproto.repo.listRecords({ repo: alice.did, collection: 'app.bsky.feed.like' });
      return likes.data.records.some((r) => (r.value as { subject: { uri: string } }).subject.uri === target.uri);
    });
    await page.close();
  });
});
