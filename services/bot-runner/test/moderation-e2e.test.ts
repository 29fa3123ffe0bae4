// Moderation through the real pipeline: reply tasks over NATS JetStream, the devnet PDS, a model
// behind the OpenAI wire protocol (the real SDK) that says harmful things, and, where configured,
// a moderation endpoint behind the /v1/moderations wire format. A harmful reply never reaches the
// PDS; it is counted by bot and reason, and the task's outcome records the rejection. When the
// moderation endpoint is down nothing is posted and the task is put back, not lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FailureReason, OutcomeStatus, type BotOutcome } from '@botsky/contracts';
import { Secret } from '@botsky/kit';
import { eventually, metricSum } from '@botsky/kit/testing';
import { completion, hang, OPENAI_KEY, openaiError, startOpenAIStandIn, type OpenAIStandIn } from '@botsky/llm-stand-ins/openai';
import { moderation, startModerationStandIn } from './stand-ins/moderation-server.ts';
import type { RecordedRequest, Step } from '@botsky/llm-stand-ins/scripted-http';
import { botEntry, outcomes, personPosts, postsOf, publishTask, replyTask, startRunner, startWorld, type World } from './helpers/world.ts';

const REJECTED = 'botsky_botrunner_moderation_rejected_total';
const GOOD = '@ben.test grows lovely chillies too, you two should swap seeds!';

function userMessage(req: RecordedRequest): string {
  return (req.body as { messages: Array<{ role: string; content: string }> }).messages.find((m) => m.role === 'user')?.content ?? '';
}
const isRetry = (req: RecordedRequest) => userMessage(req).includes('Your previous reply was rejected');

/** A model that answers each post with the reply scripted for a word in it (first try, retry). */
function scriptedModel(script: Record<string, [string, string?]>): Step {
  return completion((req) => {
    // The post answered is the first <post> element; the author's recent posts come later.
    const post = /<post author="[^"]*">([\s\S]*?)<\/post>/.exec(userMessage(req))?.[1] ?? '';
    const entry = Object.entries(script).find(([word]) => post.toLowerCase().includes(word))?.[1];
    if (!entry) return GOOD;
    return isRetry(req) && entry[1] !== undefined ? entry[1] : entry[0];
  });
}

async function startBot(t: Parameters<typeof startWorld>[0], world: World, model: OpenAIStandIn, env: Record<string, string> = {}) {
  const bot = await botEntry(world, 'sunny', {
    kind: 'openai',
    model: 'harmful-1',
    baseURL: model.baseURL,
    apiKey: new Secret(OPENAI_KEY),
    maxRetries: 0,
  });
  const runner = await startRunner(world, [bot], env);
  t.after(() => runner.stop());
  return runner;
}

async function answer(world: World, text: string): Promise<BotOutcome> {
  const task = replyTask(world, await personPosts(world, 'ana', text), text, 'sunny', 'ben');
  await publishTask(world, task);
  return eventually(`the outcome of "${text}"`, async () => (await outcomes(world)).find((o) => o.taskId === task.taskId), {
    timeoutMs: 30_000,
    intervalMs: 100,
  });
}

test('the local rules: a harmful model reply of every kind is never posted; rejections are counted and recorded', async (t) => {
  const world = await startWorld(t, ['sunny', 'ana', 'ben']);
  const script: Record<string, [string, string?]> = {
    beetroot: ['@ben.test only a retard grows beetroot'],
    compost: ['@ben.test I know where you live, watch the compost heap'],
    marigolds: ['@ben.test marigolds? just go kill yourself'],
    allotment: ['@ben.test people like you are parasites on the allotment'],
    seeds: ['@ben.test call Ana on 555-867-5309, she has seeds'],
    swap: ['@ben.test or write to anaruiz@example.com about the swap'],
    chillies: ['@ben.test nobody would miss you, chilli grower', GOOD],
  };
  const model = await startOpenAIStandIn([scriptedModel(script)]);
  t.after(() => model.close());
  const runner = await startBot(t, world, model);

  const expected: Array<[string, string]> = [
    ['Growing beetroot this year', 'slur'],
    ['My compost is finally hot', 'threat'],
    ['Marigolds keep the aphids off', 'harassment'],
    ['Got an allotment at last', 'dehumanising'],
    ['Where do you buy seeds?', 'personal_data'],
    ['Seed swap next week', 'personal_data'],
  ];
  const counted = new Map<string, number>();
  for (const [post, reason] of expected) {
    counted.set(reason, (counted.get(reason) ?? 0) + 2);
    const outcome = await answer(world, post);
    assert.equal(outcome.status, OutcomeStatus.FAILED, post);
    assert.equal(outcome.failureReason, FailureReason.OUTPUT_REJECTED);
    assert.equal(outcome.failureDetail, `output rejected twice: moderation (${reason}): ${explainFor(reason)}`);
    assert.equal(outcome.attempts, 2, 'one retry, told why');
    assert.equal(outcome.replyText, '');
    assert.equal(await metricSum(runner.metrics, REJECTED, { bot: 'sunny', reason }), counted.get(reason), reason);
  }
  // Harmful first, fine on the retry: the fine reply is posted, the harmful one never.
  const retried = await answer(world, 'Chillies on the windowsill');
  assert.equal(retried.status, OutcomeStatus.REPLIED, retried.failureDetail);
  assert.equal(retried.replyText, GOOD);
  assert.equal(retried.attempts, 2);
  const retryPrompt = userMessage(model.requests.findLast((r) => isRetry(r)) as RecordedRequest);
  assert.match(retryPrompt, /Your previous reply was rejected: moderation \(harassment\)/);
  assert.doesNotMatch(retryPrompt, /nobody would miss you/, 'the harmful words are not repeated to the model');

  const posted = await postsOf(world, 'sunny');
  assert.deepEqual(
    posted.map((p) => p.value.text),
    [GOOD],
  );
  assert.equal(await metricSum(runner.metrics, REJECTED, { bot: 'sunny', reason: 'harassment' }), 3);
  assert.equal(await metricSum(runner.metrics, 'botsky_botrunner_replies_total', { bot: 'sunny', status: 'output_rejected' }), 6);
});

function explainFor(reason: string): string {
  return {
    slur: 'it uses a slur',
    threat: 'it threatens someone with violence',
    harassment: 'it harasses or insults someone (for example telling them to die or to hurt themselves)',
    dehumanising: 'it describes people as animals, vermin or less than human',
    personal_data: 'it contains an e-mail address or phone number that the post did not contain',
  }[reason] as string;
}

test('the provider: a reply it flags is never posted, counted under its category', async (t) => {
  const world = await startWorld(t, ['sunny', 'ana', 'ben']);
  const model = await startOpenAIStandIn([scriptedModel({ roses: ['@ben.test the roses will be crushed beneath my boots, like you'] })]);
  t.after(() => model.close());
  const mod = await startModerationStandIn([moderation((input) => (input.includes('boots') ? { violence: 0.91, harassment: 0.4 } : {}))]);
  t.after(() => mod.close());
  const runner = await startBot(t, world, model, {
    BOTSKY_MODERATION_PROVIDER: 'openai',
    BOTSKY_MODERATION_OPENAI_BASE_URL: mod.baseURL,
    BOTSKY_MODERATION_OPENAI_API_KEY: OPENAI_KEY,
  });

  const flaggedOutcome = await answer(world, 'Pruning the roses today');
  assert.equal(flaggedOutcome.status, OutcomeStatus.FAILED);
  assert.equal(flaggedOutcome.failureReason, FailureReason.OUTPUT_REJECTED);
  assert.match(flaggedOutcome.failureDetail, /^output rejected twice: moderation \(openai:violence\)/);
  assert.equal(await metricSum(runner.metrics, REJECTED, { bot: 'sunny', reason: 'openai:violence' }), 2);

  const fine = await answer(world, 'Anyone growing chillies?');
  assert.equal(fine.status, OutcomeStatus.REPLIED, fine.failureDetail);
  assert.deepEqual(
    (await postsOf(world, 'sunny')).map((p) => p.value.text),
    [GOOD],
  );
  assert.ok(mod.inputs().includes(GOOD), 'the posted reply was moderated by the provider too');
});

test('the provider down (a timeout, then a 503): nothing is posted, counted; the task comes back and is answered', async (t) => {
  const world = await startWorld(t, ['sunny', 'ana', 'ben']);
  const model = await startOpenAIStandIn([scriptedModel({})]);
  t.after(() => model.close());
  const unavailable = openaiError(503, 'server_error', 'The server is overloaded.', null, { 'retry-after-ms': '200' });
  const mod = await startModerationStandIn([hang, unavailable, moderation()]);
  t.after(() => mod.close());
  const runner = await startBot(t, world, model, {
    BOTSKY_MODERATION_PROVIDER: 'openai',
    BOTSKY_MODERATION_OPENAI_BASE_URL: mod.baseURL,
    BOTSKY_MODERATION_OPENAI_API_KEY: OPENAI_KEY,
    BOTSKY_MODERATION_TIMEOUT: '300ms',
    BOTSKY_MODERATION_MAX_RETRIES: '0',
  });

  const text = 'Chillies are finally flowering';
  const task = replyTask(world, await personPosts(world, 'ana', text), text, 'sunny', 'ben');
  await publishTask(world, task);
  await eventually(
    'the first delivery to time out',
    async () => (await metricSum(runner.metrics, REJECTED, { reason: 'moderation_unavailable' })) === 1,
    { intervalMs: 100 },
  );
  assert.equal((await postsOf(world, 'sunny')).length, 0, 'not posted without a verdict');
  assert.equal((await outcomes(world)).filter((o) => o.taskId === task.taskId).length, 0, 'the task is not settled: it was put back');

  const outcome = await eventually('the outcome', async () => (await outcomes(world)).find((o) => o.taskId === task.taskId), {
    timeoutMs: 20_000,
    intervalMs: 100,
  });
  assert.equal(outcome.status, OutcomeStatus.REPLIED, outcome.failureDetail);
  assert.deepEqual(
    (await postsOf(world, 'sunny')).map((p) => p.value.text),
    [GOOD],
  );
  assert.equal(mod.requests.length, 3, 'one moderation call per delivery');
  assert.equal(await metricSum(runner.metrics, REJECTED, { bot: 'sunny', reason: 'moderation_unavailable' }), 2);
  assert.equal(await metricSum(runner.metrics, 'botsky_botrunner_task_redeliveries_total', { bot: 'sunny' }), 2);
  assert.equal(await metricSum(runner.metrics, 'botsky_botrunner_replies_total', { bot: 'sunny' }), 1, 'one outcome for the task');
});

test('the provider refusing the key: nothing is posted, and the task is settled with the reason rather than retried', async (t) => {
  const world = await startWorld(t, ['sunny', 'ana', 'ben']);
  const model = await startOpenAIStandIn([scriptedModel({})]);
  t.after(() => model.close());
  const mod = await startModerationStandIn([moderation()]);
  t.after(() => mod.close());
  const runner = await startBot(t, world, model, {
    BOTSKY_MODERATION_PROVIDER: 'openai',
    BOTSKY_MODERATION_OPENAI_BASE_URL: mod.baseURL,
    BOTSKY_MODERATION_OPENAI_API_KEY: 'sk-wrong',
  });
  const outcome = await answer(world, 'Tomatoes are ripening');
  assert.equal(outcome.status, OutcomeStatus.FAILED);
  assert.equal(outcome.failureReason, FailureReason.OUTPUT_REJECTED);
  assert.match(outcome.failureDetail, /^moderation_unavailable: openai-moderation: auth: 401/);
  assert.equal((await postsOf(world, 'sunny')).length, 0);
  assert.equal(await metricSum(runner.metrics, REJECTED, { bot: 'sunny', reason: 'moderation_unavailable' }), 1);
});
