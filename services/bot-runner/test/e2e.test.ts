// End to end on the local network: the real reference PDS (devnet), the real NATS JetStream, and
// bot-runner in-process with a built-in offline bot. A person posts, a reply task arrives as
// matchmaker would send it, and the bot's reply appears on the PDS as a reply to that post, with
// one mention facet resolving to the chosen person's DID, and the outcome is published.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encode, FailureReason, KV_BUCKETS, OutcomeStatus, ReplyTaskSchema, SUBJECTS } from '@botsky/contracts';
import {
  account,
  botEntry,
  bytesOf,
  outcomes,
  personPosts,
  postsOf,
  publishTask,
  replyTask,
  startRunner,
  startWorld,
  type RunningRunner,
  type World,
} from './helpers/world.ts';
import { eventually, metricSum, suiteHooks } from '@botsky/kit/testing';

describe('bot-runner end to end (devnet PDS + NATS JetStream)', () => {
  let world: World;
  let runner: RunningRunner;

  before(async () => {
    world = await startWorld(hooks, ['sunny', 'ana', 'ben', 'cleo']);
    // The bot's profile already has fields of its own: the self-label must keep them.
    const sunny = account(world, 'sunny');
    await sunny.agent.com.atproto.repo.putRecord({
      repo: sunny.did,
      collection: 'app.bsky.actor.profile',
      rkey: 'self',
      record: { $type: 'app.bsky.actor.profile', displayName: 'Sunny', description: 'A gardening bot' },
    });
    runner = await startRunner(world, [await botEntry(world, 'sunny', { kind: 'offline', style: 'enthusiast' })]);
    hooks.after(() => runner.stop());
  });
  const hooks = suiteHooks();

  test('a person posts; the bot replies on the PDS with one mention facet resolving to the chosen DID', async () => {
    const text = 'Repotted my tomato seedlings today, and the sourdough starter is bubbling 🍅';
    const beforePost = Date.now();
    const post = await personPosts(world, 'ana', text);
    const task = replyTask(world, post, text, 'sunny', 'ben');
    const started = Date.now();
    await publishTask(world, task);
    const outcome = await eventually('the outcome', async () => (await outcomes(world)).find((o) => o.taskId === task.taskId), {
      intervalMs: 100,
    });
    assert.equal(outcome.status, OutcomeStatus.REPLIED, outcome.failureDetail);
    assert.ok(Date.now() - started < 10_000, 'within seconds');
    const posts = await postsOf(world, 'sunny');
    assert.equal(posts.length, 1);
    const [reply] = posts;
    assert.ok(reply);
    assert.equal(reply.uri, outcome.reply?.uri);
    assert.equal(reply.cid, outcome.reply?.cid);
    assert.deepEqual(reply.value.reply, { root: post, parent: post });
    const facets = reply.value.facets ?? [];
    const mentions = facets.filter((f) => f.features.some((x) => x.$type === 'app.bsky.richtext.facet#mention'));
    assert.equal(mentions.length, 1);
    const [m] = mentions;
    assert.equal(bytesOf(reply.value.text, m!.index.byteStart, m!.index.byteEnd), '@ben.test');
    assert.equal(m!.features[0]?.did, account(world, 'ben').did);
    assert.equal(outcome.replyText, reply.value.text);
    assert.equal(outcome.mentionDid, account(world, 'ben').did);
    assert.equal(outcome.provider, 'builtin');
    assert.equal(outcome.model, 'offline-enthusiast');
    assert.ok(outcome.tokensIn > 0 && outcome.tokensOut > 0 && outcome.attempts === 1);
    assert.ok(outcome.costUsd > 0, 'the registry price applies');
    assert.equal(await metricSum(runner.metrics, 'botsky_botrunner_replies_total', { bot: 'sunny', status: 'replied' }), 1);
    assert.equal(await metricSum(runner.metrics, 'botsky_botrunner_budget_used_points', { account: 'sunny.test', window: 'hour' }), 3);
    assert.equal(
      await metricSum(runner.metrics, 'botsky_botrunner_budget_limit_points', { window: 'hour' }),
      4000,
      "the default: 80% of Bluesky's 5,000",
    );
    // From the person's post to the reply: one observation, no longer than the test has waited.
    const latency = (await runner.metrics.registry.getSingleMetric('botsky_botrunner_post_to_reply_seconds')!.get()).values;
    const of = (name: string) => latency.find((v) => (v as { metricName?: string }).metricName === name && v.labels.bot === 'sunny')?.value;
    assert.equal(of('botsky_botrunner_post_to_reply_seconds_count'), 1);
    const seconds = of('botsky_botrunner_post_to_reply_seconds_sum')!;
    assert.ok(seconds > 0 && seconds <= (Date.now() - beforePost) / 1000 + 1, `${seconds} s`);
  });

  test('the bot account carries the bot self-label, and the roster is in KV', async () => {
    const sunny = account(world, 'sunny');
    const profile = await sunny.agent.com.atproto.repo.getRecord({ repo: sunny.did, collection: 'app.bsky.actor.profile', rkey: 'self' });
    const value = profile.data.value as { labels?: unknown; displayName?: string; description?: string };
    assert.deepEqual(value.labels, { $type: 'com.atproto.label.defs#selfLabels', values: [{ val: 'bot' }] });
    assert.equal(value.displayName, 'Sunny', 'existing profile fields are kept');
    assert.equal(value.description, 'A gardening bot');
    const kv = await world.bus.kv(KV_BUCKETS.bots);
    const entry = await kv.get('sunny');
    assert.ok(entry);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(entry.value)), {
      id: 'sunny',
      did: sunny.did,
      handle: 'sunny.test',
      model: 'offline-enthusiast',
      provider: 'builtin',
    });
  });

  test('a redelivered task never creates a second post; the outcome points at the first reply', async () => {
    const text = 'Anyone growing chillies on a balcony?';
    const post = await personPosts(world, 'cleo', text);
    const task = replyTask(world, post, text, 'sunny', 'ana');
    await publishTask(world, task);
    const first = await eventually('the first outcome', async () => (await outcomes(world)).find((o) => o.taskId === task.taskId), {
      intervalMs: 100,
    });
    const before = (await postsOf(world, 'sunny')).length;
    // As if the task came back after a crash: the same task under another message id (the
    // stream's own dedup would drop an identical one), twice, handled concurrently.
    await world.bus.publish(SUBJECTS.replyTask, encode(ReplyTaskSchema, task), { msgId: `${task.taskId}-again-1` });
    await world.bus.publish(SUBJECTS.replyTask, encode(ReplyTaskSchema, task), { msgId: `${task.taskId}-again-2` });
    await eventually(
      'both redeliveries handled',
      async () => (await metricSum(runner.metrics, 'botsky_botrunner_replies_total', { bot: 'sunny', status: 'replied' })) >= 4,
      { intervalMs: 100 },
    );
    assert.equal((await postsOf(world, 'sunny')).length, before);
    const forTask = (await outcomes(world)).filter((o) => o.taskId === task.taskId);
    assert.equal(forTask.length, 1, 'the outcome is published once (same msgId)');
    assert.equal(forTask[0]?.reply?.uri, first.reply?.uri);
  });

  test('a task past its deadline fails as stale, and nothing is posted', async () => {
    const text = 'Old news about roses';
    const post = await personPosts(world, 'ben', text);
    const task = replyTask(world, post, text, 'sunny', 'cleo', 1);
    task.deadlineUs = task.createdAtUs - 1n;
    const before = (await postsOf(world, 'sunny')).length;
    await publishTask(world, task);
    const outcome = await eventually('the outcome', async () => (await outcomes(world)).find((o) => o.taskId === task.taskId), {
      intervalMs: 100,
    });
    assert.equal(outcome.status, OutcomeStatus.FAILED);
    assert.equal(outcome.failureReason, FailureReason.STALE);
    assert.equal((await postsOf(world, 'sunny')).length, before);
  });

  test('a post deleted before its task runs is not answered: the outcome says so, nothing is posted', async () => {
    const text = 'A secret about my tomato seedlings I regret sharing';
    const post = await personPosts(world, 'ben', text);
    await account(world, 'ben').agent.deletePost(post.uri);
    const task = replyTask(world, post, text, 'sunny', 'cleo', 2);
    const before = (await postsOf(world, 'sunny')).length;
    await publishTask(world, task);
    const outcome = await eventually('the outcome', async () => (await outcomes(world)).find((o) => o.taskId === task.taskId), {
      intervalMs: 100,
    });
    assert.equal(outcome.status, OutcomeStatus.FAILED);
    assert.equal(outcome.failureReason, FailureReason.POST_DELETED);
    assert.equal(outcome.tokensIn, 0, 'no model saw the deleted words');
    assert.equal((await postsOf(world, 'sunny')).length, before);
  });

  test('a task that does not decode, or names an unknown bot, is dead-lettered and counted; the runner goes on', async () => {
    await world.bus.publish(SUBJECTS.replyTask, new Uint8Array([0xff, 0xff, 0xff]), { msgId: 'garbage-1' });
    const text = 'Who knows about compost?';
    const post = await personPosts(world, 'ana', text);
    const stranger = replyTask(world, post, text, 'sunny', 'ben');
    stranger.botId = 'nobody';
    await publishTask(world, stranger);
    await eventually(
      'both counted',
      async () =>
        (await metricSum(runner.metrics, 'botsky_botrunner_bad_tasks_total', { reason: 'undecodable' })) === 1 &&
        (await metricSum(runner.metrics, 'botsky_botrunner_bad_tasks_total', { reason: 'unknown-bot' })) === 1,
      { intervalMs: 100 },
    );
    await eventually('dead-lettered', async () => (world.bus.stats().consumers['bot-runner']?.deadLettered ?? 0) >= 2, { intervalMs: 100 });
  });

  test('the bot logged in once for all its posts: the session is reused, not created per post', async () => {
    assert.ok((await postsOf(world, 'sunny')).length >= 2);
    assert.equal(await metricSum(runner.metrics, 'botsky_botrunner_session_events_total', { bot: 'sunny', event: 'create' }), 1);
  });
});
