// Signing in and talking from one's own account, on the devnet's reference PDS: an app password
// signs in (a wrong one does not), the session cookie is sealed (no password in it, tampering
// refused, another key cannot open it), and posts, likes and unlikes land in the person's own
// repository, written with the person's session.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startDevnet, type Devnet, type DevnetAccount } from '@botsky/devnet';
import { eventually, suiteHooks } from '@botsky/kit/testing';
import { encodeConsent, KV_BUCKETS } from '@botsky/contracts';
import { cookieValue, SESSION_COOKIE, SessionSeal } from '../src/session/cookie.ts';
import { builtClient, publishDecision, startWeb, type TestWeb } from './helpers.ts';

describe("web: sign-in and writes from the person's own account (devnet PDS)", () => {
  const hooks = suiteHooks();
  let net: Devnet;
  let web: TestWeb;
  let alice: DevnetAccount;
  let bob: DevnetAccount;
  let project: DevnetAccount;
  let appPassword: string;
  let cookie = '';

  before(async () => {
    net = await startDevnet();
    alice = await net.createAccount({ handle: 'alice', password: 'main-password' });
    bob = await net.createAccount({ handle: 'bob', password: 'bob-password' });
    project = await net.createAccount({ handle: 'botsky', password: 'project-password' });
    appPassword = (await alice.agent.com.atproto.server.createAppPassword({ name: 'botsky-web' })).data.password;
    web = await startWeb(hooks, await builtClient(hooks), {
      BOTSKY_WEB_SIGNIN_SERVICE: net.pdsUrl,
      BOTSKY_WEB_SESSION_SECRET: 'test-secret',
      BOTSKY_WEB_SECURE_COOKIES: 'false',
      BOTSKY_PROJECT_DID: project.did,
      BOTSKY_WEB_SIGNUP: 'true',
    });
  });
  after(() => net?.stop());

  const call = (method: string, path: string, body?: unknown, withCookie = cookie) =>
    fetch(`${web.url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(withCookie ? { cookie: `${SESSION_COOKIE}=${withCookie}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('a wrong password does not sign in; an app password does, and the cookie holds no password', async () => {
    const wrong = await call('POST', '/api/session', { identifier: 'alice.test', password: 'nope' }, '');
    assert.equal(wrong.status, 401);
    assert.equal(((await wrong.json()) as { error: string }).error, 'sign_in_failed');
    const res = await call('POST', '/api/session', { identifier: 'alice.test', password: appPassword }, '');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { did: alice.did, handle: 'alice.test', service: new URL(net.pdsUrl).toString() });
    const setCookie = res.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /HttpOnly; SameSite=Lax/);
    cookie = cookieValue(setCookie, SESSION_COOKIE) ?? '';
    assert.ok(cookie.length > 0);
    assert.ok(!setCookie.includes(appPassword) && !setCookie.includes('main-password'), 'no password in the cookie');
    assert.equal(new SessionSeal('test-secret').open(cookie)?.did, alice.did, 'every replica with the secret opens it');
    assert.equal(new SessionSeal('another-secret').open(cookie), undefined, 'another key cannot');
  });

  it('a shortened auth tag, an expired seal and a cross-site request are refused', async () => {
    const seal = new SessionSeal('test-secret');
    const [v, iv, body, tag] = cookie.split('.');
    const short = [
      v,
      iv,
      body,
      Buffer.from(tag ?? '', 'base64url')
        .subarray(0, 4)
        .toString('base64url'),
    ].join('.');
    assert.equal(seal.open(short), undefined, 'a 4-byte tag does not open it');
    const expired = seal.seal(
      { did: alice.did, handle: 'alice.test', service: net.pdsUrl, accessJwt: 'a', refreshJwt: 'r' },
      Date.now() - 31 * 24 * 3600_000,
    );
    assert.equal(seal.open(expired), undefined, 'an expired seal does not open');
    const cross = await fetch(`${web.url}/api/post`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example', cookie: `${SESSION_COOKIE}=${cookie}` },
      body: JSON.stringify({ text: 'from another site' }),
    });
    assert.equal(cross.status, 403);
  });

  it('who is signed in; a tampered cookie is signed out', async () => {
    assert.deepEqual(await (await call('GET', '/api/session')).json(), {
      did: alice.did,
      handle: 'alice.test',
      service: new URL(net.pdsUrl).toString(),
    });
    const tampered = `${cookie.slice(0, -4)}AAAA`;
    assert.equal((await call('GET', '/api/session', undefined, tampered)).status, 401);
    assert.equal((await call('POST', '/api/post', { text: 'x' }, '')).status, 401);
  });

  it("posts, likes and unlikes land in the person's own repository", async () => {
    const posted = await call('POST', '/api/post', { text: 'hello from the BotSky web app' });
    assert.equal(posted.status, 200);
    const { uri } = (await posted.json()) as { uri: string; cid: string };
    assert.ok(uri.startsWith(`at://${alice.did}/app.bsky.feed.post/`));
    const record = await bob.agent.com.atproto.repo.getRecord({
      repo: alice.did,
      collection: 'app.bsky.feed.post',
      rkey: uri.split('/').pop() ?? '',
    });
    assert.equal((record.data.value as { text: string }).text, 'hello from the BotSky web app');

    const target = await bob.agent.post({ text: 'a post to like' });
    const liked = await call('POST', '/api/like', { uri: target.uri, cid: target.cid });
    assert.equal(liked.status, 200);
    const likeUri = ((await liked.json()) as { uri: string }).uri;
    const likes = await bob.agent.com.atproto.repo.listRecords({ repo: alice.did, collection: 'app.bsky.feed.like' });
    assert.deepEqual(
      likes.data.records.map((r) => (r.value as { subject: { uri: string } }).subject.uri),
      [target.uri],
    );
    assert.equal((await call('DELETE', '/api/like', { uri: likeUri })).status, 200);
    const after = await bob.agent.com.atproto.repo.listRecords({ repo: alice.did, collection: 'app.bsky.feed.like' });
    assert.deepEqual(after.data.records, []);
  });

  it("consent: the page shows matchmaker's record; opting in and out follow and unfollow the project account", async () => {
    const view = async () =>
      (await (await call('GET', '/api/consent')).json()) as {
        answered: boolean;
        introduced: boolean;
        reason: string;
        followUri: string | null;
      };
    assert.deepEqual(await view(), {
      projectDid: project.did,
      answered: false,
      introduced: false,
      reason: 'none',
      since: null,
      blockedBots: 0,
      followUri: null,
      held: { decisions: [], interests: [], considered: 0, chosen: 0 },
    });
    assert.equal((await call('POST', '/api/consent/out')).status, 409, 'nothing to undo');
    const opted = await call('POST', '/api/consent/in');
    assert.equal(opted.status, 200);
    const { followUri } = (await opted.json()) as { followUri: string };
    const follows = await bob.agent.com.atproto.repo.listRecords({ repo: alice.did, collection: 'app.bsky.graph.follow' });
    assert.deepEqual(
      follows.data.records.map((r) => (r.value as { subject: string }).subject),
      [project.did],
    );
    // What matchmaker writes when it reads that follow on the firehose.
    const kv = await web.bus.kv(KV_BUCKETS.consent);
    await kv.put(alice.did, encodeConsent({ state: 'in', reason: 'follow', at: Date.now(), followUri, blocks: {}, introductions: true }));
    const now = await view();
    assert.equal(now.answered && now.introduced, true);
    assert.equal(now.reason, 'follow');
    assert.equal(now.followUri, followUri);
    assert.equal((await call('POST', '/api/consent/out')).status, 200);
    const after = await bob.agent.com.atproto.repo.listRecords({ repo: alice.did, collection: 'app.bsky.graph.follow' });
    assert.deepEqual(after.data.records, [], 'the follow is gone: matchmaker will read the unfollow');
  });

  it("what BotSky holds: matchmaker's decisions about the person's posts, and their interests from being considered for introductions", async () => {
    const mine = `at://${alice.did}/app.bsky.feed.post/3kdecided`;
    const other = `at://${bob.did}/app.bsky.feed.post/3kbobs`;
    await publishDecision(web.bus, { postUri: mine, authorDid: alice.did, reason: 'author has not opted in' });
    const candidates = [
      { did: alice.did, handle: alice.handle, interests: ['climbing', 'rust'] },
      { did: 'did:plc:carolxxxxxxxxxxxxxxxxxxx', handle: 'carol.test', interests: ['jazz'] },
    ];
    await publishDecision(web.bus, {
      postUri: other,
      authorDid: bob.did,
      reason: 'battle',
      bots: ['sage', 'terse'],
      candidates,
      chosen: 0,
    });
    // A decision published twice (a replica re-publishing it) is one decision.
    await publishDecision(web.bus, {
      postUri: other,
      authorDid: bob.did,
      reason: 'battle',
      bots: ['sage', 'terse'],
      candidates,
      chosen: 0,
    });
    type Held = {
      held: {
        decisions: Array<{ postUri: string; verdict: string; reason: string }>;
        interests: string[];
        considered: number;
        chosen: number;
      };
    };
    const view = await eventually(
      'both decisions on the consent page',
      async () => {
        const v = (await (await call('GET', '/api/consent')).json()) as Held;
        return v.held.decisions.length === 1 && v.held.considered === 1 ? v : undefined;
      },
      { timeoutMs: 5000, intervalMs: 50 },
    );
    assert.deepEqual(
      view.held.decisions.map((d) => [d.postUri, d.verdict, d.reason]),
      [[mine, 'skipped', 'author has not opted in']],
    );
    assert.deepEqual(view.held.interests, ['climbing', 'rust']);
    assert.equal(view.held.chosen, 1);
  });

  it('sign-up, where offered: an account made on the configured server, signed in at once; a taken handle refused', async () => {
    assert.deepEqual(await (await call('GET', '/api/signup', undefined, '')).json(), {
      enabled: true,
      service: new URL(net.pdsUrl).toString(),
    });
    const made = await call('POST', '/api/signup', { handle: 'newcomer.test', password: 'a-new-password' }, '');
    assert.equal(made.status, 200, await made.clone().text());
    const me = (await made.json()) as { did: string; handle: string };
    assert.equal(me.handle, 'newcomer.test');
    const fresh = /botsky_session=([^;]+)/.exec(made.headers.get('set-cookie') ?? '')?.[1] ?? '';
    assert.equal(((await (await call('GET', '/api/session', undefined, fresh)).json()) as { did: string }).did, me.did);
    const resolved = await bob.agent.com.atproto.identity.resolveHandle({ handle: 'newcomer.test' });
    assert.equal(resolved.data.did, me.did, 'the account is on the PDS');
    const taken = await call('POST', '/api/signup', { handle: 'newcomer.test', password: 'another-password' }, '');
    assert.equal(taken.status, 400);
    assert.equal(
      (await call('POST', '/api/signup', { handle: 'x', password: 'short' }, '')).status,
      400,
      'checked before the server is asked',
    );
  });

  it('a bad request is refused before anything is written; signing out clears the cookie', async () => {
    assert.equal((await call('POST', '/api/post', { text: '' })).status, 400);
    assert.equal((await call('POST', '/api/like', { uri: 'not-a-uri', cid: 'x' })).status, 400);
    const out = await call('DELETE', '/api/session');
    assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
  });
});
