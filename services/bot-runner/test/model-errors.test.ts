// A model that fails: the task ends without a post, as a model_error outcome, and the failed call
// is counted by reason in botsky_botrunner_model_errors_total (the Pipeline dashboard's "Model
// errors"). The real OpenAI SDK talks to a local stand-in that answers 400.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FailureReason, OutcomeStatus } from '@botsky/contracts';
import { Secret } from '@botsky/kit';
import { eventually, metricSum } from '@botsky/kit/testing';
import { OPENAI_KEY, openaiError, startOpenAIStandIn } from '@botsky/llm-stand-ins/openai';
import { botEntry, outcomes, personPosts, postsOf, publishTask, replyTask, startRunner, startWorld } from './helpers/world.ts';

test('a model call the provider refuses is counted by reason, and the task fails as model_error', async (t) => {
  const world = await startWorld(t, ['dud', 'ana', 'ben']);
  const model = await startOpenAIStandIn([openaiError(400, 'invalid_request_error', 'This model does not exist.', 'model_not_found')]);
  t.after(() => model.close());
  const bot = await botEntry(world, 'dud', {
    kind: 'openai',
    model: 'gpt-test',
    baseURL: model.baseURL,
    apiKey: new Secret(OPENAI_KEY),
    maxRetries: 0,
  });
  const runner = await startRunner(world, [bot]);
  t.after(() => runner.stop());

  const text = 'Which herbs grow well indoors?';
  const task = replyTask(world, await personPosts(world, 'ana', text), text, 'dud', 'ben');
  await publishTask(world, task);
  const outcome = await eventually('the outcome', async () => (await outcomes(world)).find((o) => o.taskId === task.taskId), {
    intervalMs: 100,
  });
  assert.equal(outcome.status, OutcomeStatus.FAILED);
  assert.equal(outcome.failureReason, FailureReason.MODEL_ERROR);
  assert.equal(model.requests.length, 1);
  assert.equal((await postsOf(world, 'dud')).length, 0);
  assert.equal(await metricSum(runner.metrics, 'botsky_botrunner_model_errors_total', { bot: 'dud', reason: 'bad-request' }), 1);
  assert.equal(await metricSum(runner.metrics, 'botsky_botrunner_replies_total', { bot: 'dud', status: 'model_error' }), 1);
  assert.equal(await metricSum(runner.metrics, 'botsky_botrunner_post_to_reply_seconds'), 0, 'no reply, no latency');
});
