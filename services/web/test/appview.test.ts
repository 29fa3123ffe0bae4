// Hydration from an AppView (BOTSKY_APPVIEW_URL): the devnet with the reference AppView
// (@atproto/bsky on the local Postgres), the real feed service on the same NATS namespace. The
// web service is pointed at a PLC that is not there, so it cannot find any repository by itself:
// what it shows comes from the AppView. The feed's posts are hydrated with getPosts; a thread the
// web service never saw go by comes from getPostThread, the bot's reply in it marked as the
// bot's once its outcome has been seen; an AppView that is gone leaves the page empty, not failed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BotOutcomeSchema, encode, OutcomeStatus, SUBJECTS, toUs } from '@botsky/contracts';
import { startDevnet, type Devnet, type DevnetAccount } from '@botsky/devnet';
import { createContext as createFeedContext, createFeedService, feedConfigSpec } from '@botsky/feed';
import { eventually, natsUrl, startInProcess, suiteHooks, testNamespace } from '@botsky/kit/testing';
import type { ThreadView } from '../src/live/thread-view.ts';
import { builtClient, startWeb, type TestWeb } from './helpers.ts';

const NOWHERE = 'http://127.0.0.1:9';

describe('web: the feed and threads hydrated from an AppView (devnet with the reference AppView)', () => {
  const hooks = suiteHooks();
  let net: Devnet;
  let web: TestWeb;
  let gone: TestWeb;
  let alice: DevnetAccount;
  const post = { uri: '', cid: '' };
  const reply = { uri: '', cid: '' };

  before(async () => {
    net = await startDevnet({ appview: true });
    alice = await net.createAccount({ handle: 'alice', password: 'alice-password' });
    const bot = await net.createAccount({ handle: 'sunny', password: 'bot-password' });
    Object.assign(post, await alice.agent.post({ text: 'Who else grows chillies on a windowsill?' }));
    Object.assign(reply, await bot.agent.post({ text: 'I do! South-facing helps.', reply: { root: { ...post }, parent: { ...post } } }));
    await net.syncAppView();
    const namespace = testNamespace('webappview');
    const feed = await startInProcess(
      hooks,
      { name: 'feed', configSpec: feedConfigSpec, createContext: createFeedContext, createService: createFeedService },
      { BOTSKY_BUS: natsUrl(), BOTSKY_NAMESPACE: namespace, BOTSKY_FEED_PORT: '0', BOTSKY_FEED_HOST: '127.0.0.1' },
      { idResolver: net.createIdResolver() },
    );
    const clientDir = await builtClient(hooks);
    const env = { BOTSKY_NAMESPACE: namespace, BOTSKY_WEB_FEED_URL: feed.svc.http?.url ?? '', BOTSKY_PLC_URL: NOWHERE };
    web = await startWeb(hooks, clientDir, { ...env, BOTSKY_APPVIEW_URL: net.appviewUrl ?? '' });
    gone = await startWeb(hooks, clientDir, { ...env, BOTSKY_APPVIEW_URL: NOWHERE });
    // The bot's reply as bot-runner reports it: the feed serves it, the web service marks it.
    const outcome = encode(BotOutcomeSchema, {
      taskId: 't1',
      botId: 'sunny',
      model: 'qwen2.5-7b',
      provider: 'openai-compatible',
      status: OutcomeStatus.REPLIED,
      reply: { ...reply },
      replyText: 'I do! South-facing helps.',
      postRef: { ...post },
      authorDid: alice.did,
      finishedAtUs: toUs(Date.now()),
    });
    await web.bus.publish(SUBJECTS.botOutcome, outcome, { msgId: 't1' });
  });
  after(() => net?.stop());

  it("the feed's posts come from the AppView (getPosts), in the skeleton's order", async () => {
    const page = await eventually('the reply on the feed', async () => {
      const body = (await (await fetch(`${web.url}/api/feed`)).json()) as {
        items: Array<{ uri: string; cid: string; did: string; text: string }>;
      };
      return body.items.length > 0 ? body : undefined;
    });
    const bot = (await net.createIdResolver().handle.resolve('sunny.test')) ?? '';
    assert.deepEqual(
      page.items.map((i) => [i.uri, i.cid, i.did, i.text]),
      [[reply.uri, reply.cid, bot, 'I do! South-facing helps.']],
    );
  });

  it('a thread the web service never saw comes from the AppView (getPostThread), the bot reply marked as the bot’s', async () => {
    const view = await eventually('the thread with the bot reply marked', async () => {
      const v = (await (await fetch(`${web.url}/api/thread?uri=${encodeURIComponent(post.uri)}`)).json()) as ThreadView;
      return v.posts?.some((p) => p.kind === 'reply') ? v : undefined;
    });
    assert.deepEqual(
      view.posts.map((p) => [p.uri, p.kind, p.depth, p.text]),
      [
        [post.uri, 'post', 0, 'Who else grows chillies on a windowsill?'],
        [reply.uri, 'reply', 1, 'I do! South-facing helps.'],
      ],
    );
    const reached = view.posts[1] as Extract<ThreadView['posts'][number], { kind: 'reply' }>;
    assert.equal(reached.botId, 'sunny');
    // Asked about the reply, the AppView gives its parent first.
    const fromReply = (await (await fetch(`${web.url}/api/thread?uri=${encodeURIComponent(reply.uri)}`)).json()) as ThreadView;
    assert.deepEqual(
      fromReply.posts.map((p) => p.uri),
      [post.uri, reply.uri],
    );
  });

  it('an AppView that is not there leaves the feed empty and the thread unknown, not the page failed', async () => {
    await eventually('the skeleton served', async () => (await fetch(`${gone.url}/api/feed`)).status === 200);
    const body = (await (await fetch(`${gone.url}/api/feed`)).json()) as { items: unknown[] };
    assert.deepEqual(body.items, []);
    const res = await fetch(`${gone.url}/api/thread?uri=${encodeURIComponent(`at://${alice.did}/app.bsky.feed.post/3kunseen`)}`);
    assert.equal(res.status, 404);
  });
});
