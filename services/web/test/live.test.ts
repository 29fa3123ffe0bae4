// web on the real NATS: what the bus carries reaches a live viewer (posts, and bot replies with
// their disclosure), a malformed message is counted and skipped, a viewer who connects later gets
// the recent events, the leaderboard passes scoring's answer through or says it is unavailable,
// and the client is served for the app's routes.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { RatingMethod, SUBJECTS } from '@botsky/contracts';
import { eventually, metricSum, suiteHooks } from '@botsky/kit/testing';
import type { LiveReply } from '../src/live/event-types.ts';
import { builtClient, postUri, publishPost, publishRating, publishReply, readLive, startWeb, type TestWeb } from './helpers.ts';

describe('web: the live stream, the leaderboard, the client (NATS JetStream)', () => {
  const hooks = suiteHooks();
  let web: TestWeb;
  let scoring: { url: string; close(): Promise<void> };
  let answer: { status: number; body: string } = { status: 503, body: '{"error":"not_ready"}' };

  before(async () => {
    // scoring's leaderboard listener, answering what the test sets.
    const server = createServer((req, res) => {
      res.writeHead(req.url?.startsWith('/v1/leaderboard') ? answer.status : 404, { 'content-type': 'application/json' });
      res.end(answer.body);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    scoring = {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise((r) => server.close(() => r())),
    };
    const clientDir = await builtClient(hooks);
    web = await startWeb(hooks, clientDir, { BOTSKY_WEB_LEADERBOARD_URL: scoring.url, BOTSKY_WEB_RECENT_EVENTS: '50' });
  });
  after(() => scoring.close());

  it('a post and a bot reply reach a connected viewer; the reply discloses its bot, model and provider and whom it introduced', async (t) => {
    const live = await readLive(web.url);
    t.after(() => live.close());
    const post = await publishPost(web.bus, 'alice', 'p1', 'anyone into tide pools?');
    const reply = await publishReply(web.bus, {
      bot: 'sunny',
      model: 'qwen2.5-7b',
      provider: 'openai-compatible',
      parentUri: post,
      rkey: 'r1',
      text: 'Yes! @bob loves them too.',
      mention: 'bob',
    });
    const got = await eventually('both events on the stream', () => (live.events.length >= 2 ? live.events : false));
    assert.deepEqual(
      got.map((e) => [e.kind, e.uri]),
      [
        ['post', post],
        ['reply', reply],
      ],
    );
    const r = got[1] as LiveReply;
    assert.equal(r.botId, 'sunny');
    assert.equal(r.model, 'qwen2.5-7b');
    assert.equal(r.provider, 'openai-compatible');
    assert.equal(r.parentUri, post);
    assert.match(r.mentionDid, /^did:plc:bob/);
    assert.equal(got[0]?.text, 'anyone into tide pools?');
  });

  it('a malformed message is counted and skipped; the stream goes on', async (t) => {
    const live = await readLive(web.url);
    t.after(() => live.close());
    await eventually('the recent events', () => live.events.length >= 2);
    await web.bus.publish(SUBJECTS.networkPost, new Uint8Array([0xff, 0xfe, 0x01]));
    const next = await publishPost(web.bus, 'carol', 'p2', 'still here');
    await eventually('the next post', () => live.events.some((e) => e.uri === next));
    assert.deepEqual(
      live.events.map((e) => e.text),
      ['anyone into tide pools?', 'Yes! @bob loves them too.', 'still here'],
    );
    assert.equal(await metricSum(web.running.metrics, 'botsky_web_live_events_total', { kind: 'malformed' }), 1);
  });

  it('a viewer who connects later gets the recent events first', async (t) => {
    const live = await readLive(web.url);
    t.after(() => live.close());
    const got = await eventually('the recent events', () => (live.events.length >= 3 ? live.events : false));
    assert.deepEqual(got.map((e) => e.text).slice(0, 3), ['anyone into tide pools?', 'Yes! @bob loves them too.', 'still here']);
  });

  it('the thread around a post: from its oldest known ancestor, each reply under its parent', async () => {
    const post = postUri('alice', 'p1');
    const reply = postUri('sunny', 'r1');
    const view = (await (await fetch(`${web.url}/api/thread?uri=${encodeURIComponent(reply)}`)).json()) as {
      focus: string;
      posts: Array<{ uri: string; depth: number; kind: string }>;
    };
    assert.equal(view.focus, reply);
    assert.deepEqual(
      view.posts.map((p) => [p.uri, p.depth, p.kind]),
      [
        [post, 0, 'post'],
        [reply, 1, 'reply'],
      ],
    );
    assert.equal((await fetch(`${web.url}/api/thread?uri=${encodeURIComponent('at://did:plc:x/app.bsky.feed.post/none')}`)).status, 404);
    assert.equal((await fetch(`${web.url}/api/thread?uri=not-a-uri`)).status, 400);
  });

  it("a bot's page data: its recent replies and its style-controlled rating over time", async () => {
    await publishRating(web.bus, 'sunny', 1010, 1_000);
    await publishRating(web.bus, 'sunny', 1000, 500); // older: skipped
    await publishRating(web.bus, 'sunny', 1030, 2_000);
    await publishRating(web.bus, 'sunny', 900, 3_000, RatingMethod.ELO); // another method: skipped
    const view = await eventually('two points of history', async () => {
      const v = (await (await fetch(`${web.url}/api/bots/sunny`)).json()) as {
        recent: Array<{ text: string }>;
        history: Array<{ rating: number; lo: number }>;
      };
      return v.history.length >= 2 ? v : false;
    });
    assert.deepEqual(
      view.history.map((p) => p.rating),
      [1010, 1030],
    );
    assert.equal(view.history[0]?.lo, 990);
    assert.deepEqual(
      view.recent.map((r) => r.text),
      ['Yes! @bob loves them too.'],
    );
    assert.deepEqual(await (await fetch(`${web.url}/api/bots/nobody`)).json(), { recent: [], history: [] });
  });

  it("the leaderboard is scoring's answer, or 503 with a reason", async () => {
    answer = { status: 200, body: '{"rankedBy":"bt_style","bots":[{"id":"sunny"}]}' };
    let res = await fetch(`${web.url}/api/leaderboard`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { rankedBy: 'bt_style', bots: [{ id: 'sunny' }] });
    answer = { status: 503, body: '{"error":"not_ready"}' };
    res = await fetch(`${web.url}/api/leaderboard`);
    assert.equal(res.status, 503);
    assert.equal(((await res.json()) as { error: string }).error, 'not_ready');
    assert.equal(await metricSum(web.running.metrics, 'botsky_web_leaderboard_errors_total'), 1);
  });

  it('the client is served for the app routes, its files by name, and nothing else', async () => {
    for (const path of ['/', '/leaderboard', '/bots/sunny']) {
      const res = await fetch(`${web.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.match(await res.text(), /<script type="module" src="\/app.js">/);
    }
    const js = await fetch(`${web.url}/app.js`);
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.ok((await js.arrayBuffer()).byteLength > 1000);
    for (const path of ['/%2e%2e/package.json', '/..%2fpackage.json', '/package.json']) {
      const res = await fetch(`${web.url}${path}`);
      assert.doesNotMatch(await res.text(), /@botsky\/web/, `${path} reads no file outside the client`);
    }
    assert.equal((await fetch(`${web.url}/nope.js`)).status, 404);
    assert.equal((await fetch(`${web.url}/api/nope`)).status, 404);
  });

  it('sign-up is off unless the operator turns it on: no account is made', async () => {
    assert.deepEqual(await (await fetch(`${web.url}/api/signup`)).json(), { enabled: false, service: null });
    const res = await fetch(`${web.url}/api/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ handle: 'someone.test', password: 'long-enough-password' }),
    });
    assert.equal(res.status, 403);
  });
});
