// Signing in and talking in a real Chromium, on the devnet's reference PDS: the sign-in form with
// an app password, a post from the compose box that lands in the person's repository, and a like
// (then unlike) on a live post that lands there too. Screenshots in test/artifacts/.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, suiteHooks } from '@botsky/kit/testing';
import { startDevnet, type Devnet, type DevnetAccount } from '@botsky/devnet';
import { chromium, type Browser, type Page } from 'playwright-core';
import { builtClient, publishRecordPost, startWeb, type TestWeb } from './helpers.ts';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;

describe('signing in and talking, in Chromium (devnet PDS)', () => {
  const hooks = suiteHooks();
  let net: Devnet;
  let web: TestWeb;
  let browser: Browser;
  let page: Page;
  let alice: DevnetAccount;
  let bob: DevnetAccount;
  let project: DevnetAccount;
  let appPassword: string;

  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    net = await startDevnet();
    alice = await net.createAccount({ handle: 'alice', password: 'main-password' });
    bob = await net.createAccount({ handle: 'bob', password: 'bob-password' });
    project = await net.createAccount({ handle: 'botsky', password: 'project-password' });
    appPassword = (await alice.agent.com.atproto.server.createAppPassword({ name: 'botsky-web' })).data.password;
    web = await startWeb(hooks, await builtClient(hooks), {
      BOTSKY_WEB_SIGNIN_SERVICE: net.pdsUrl,
      BOTSKY_WEB_SESSION_SECRET: 'browser-secret',
      BOTSKY_WEB_SECURE_COOKIES: 'false',
      BOTSKY_PROJECT_DID: project.did,
      BOTSKY_WEB_SIGNUP: 'true',
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  });
  after(async () => {
    await browser?.close();
    await net?.stop();
  });

  it('a wrong password is refused on the form; the app password signs in', async () => {
    await page.goto(`${web.url}/`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Handle or DID').fill('alice.test');
    await page.getByLabel('App password').fill('wrong');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').waitFor();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /do not sign in/);
    await page.getByLabel('App password').fill(appPassword);
    await page.screenshot({ path: join(ARTIFACTS, 'signin-phone.png'), fullPage: true });
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('@alice.test').waitFor();
  });

  it("a post from the compose box lands in the person's own repository", async () => {
    await page.getByLabel(/What's on your mind/).fill('posted from the BotSky web app');
    await page.getByRole('button', { name: 'Post' }).click();
    await page.getByRole('status').filter({ hasText: 'Posted' }).waitFor();
    const posts = await bob.agent.com.atproto.repo.listRecords({ repo: alice.did, collection: 'app.bsky.feed.post' });
    assert.deepEqual(
      posts.data.records.map((r) => (r.value as { text: string }).text),
      ['posted from the BotSky web app'],
    );
  });

  it('a live post can be liked and unliked from the page; both reach the PDS', async () => {
    const target = await bob.agent.post({ text: 'anyone for tide pools?' });
    await publishRecordPost(web.bus, { did: bob.did, uri: target.uri, cid: target.cid, text: 'anyone for tide pools?' });
    const card = page.locator(`li[data-uri="${target.uri}"]`);
    await card.getByRole('button', { name: 'Like' }).click();
    await card.getByRole('button', { name: 'Liked' }).waitFor();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: join(ARTIFACTS, 'signed-in-desktop.png') });
    const likes = () => bob.agent.com.atproto.repo.listRecords({ repo: alice.did, collection: 'app.bsky.feed.like' });
    assert.deepEqual(
      (await likes()).data.records.map((r) => (r.value as { subject: { uri: string } }).subject.uri),
      [target.uri],
    );
    await card.getByRole('button', { name: 'Liked' }).click();
    await card.getByRole('button', { name: 'Like' }).waitFor();
    await eventually('the like deleted', async () => (await likes()).data.records.length === 0);
  });

  it('the consent page shows where the person stands; opting in follows the project account from theirs', async () => {
    await page.getByRole('link', { name: 'Consent' }).click();
    await page.getByRole('heading', { name: 'Your consent' }).waitFor();
    assert.equal(await page.locator('[data-consent="answered"]').textContent(), 'no');
    await page.screenshot({ path: join(ARTIFACTS, 'consent-desktop.png') });
    await page.getByRole('button', { name: 'Opt in' }).click();
    await page.getByRole('status').filter({ hasText: 'You follow the project account' }).waitFor();
    const follows = await bob.agent.com.atproto.repo.listRecords({ repo: alice.did, collection: 'app.bsky.graph.follow' });
    assert.deepEqual(
      follows.data.records.map((r) => (r.value as { subject: string }).subject),
      [project.did],
    );
  });

  it('a newcomer makes an account on the sign-in page and lands on the consent page, signed in', async () => {
    const fresh = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await fresh.goto(`${web.url}/signin`);
    await fresh.getByLabel('New handle').fill('newcomer.test');
    await fresh.getByLabel('New password').fill('a-new-password');
    await fresh.getByRole('button', { name: 'Make the account' }).click();
    await fresh.getByRole('heading', { name: 'Your consent' }).waitFor();
    await fresh.getByText('@newcomer.test').waitFor();
    const did = (await bob.agent.com.atproto.identity.resolveHandle({ handle: 'newcomer.test' })).data.did;
    assert.equal(((await (await fresh.request.get(`${web.url}/api/session`)).json()) as { did: string }).did, did);
    await fresh.close();
  });
});
