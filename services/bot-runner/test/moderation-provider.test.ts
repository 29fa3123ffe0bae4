// The provider-backed moderation check: the real openai SDK against a local server speaking the
// /v1/moderations wire format. A flag rejects with the provider's category as the reason; a
// provider that fails, stalls or answers nonsense gives no verdict (fail closed), counted as
// moderation_unavailable; the variables are checked at start-up.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, createMetrics, loadConfig, type Metrics } from '@botsky/kit';
import { metricSum } from '@botsky/kit/testing';
import { botRunnerConfigSpec } from '../src/config.ts';
import { createBotRunnerMetrics } from '../src/metrics.ts';
import { moderationProvider } from '../src/moderation/config.ts';
import { createModerator, type Moderator, type Verdict } from '../src/moderation/moderate.ts';
import { OPENAI_KEY, garbage, hang, openaiError, serverError } from '@botsky/llm-stand-ins/openai';
import { flagged, moderation, startModerationStandIn, type ModerationStandIn } from './stand-ins/moderation-server.ts';
import type { Step } from '@botsky/llm-stand-ins/scripted-http';

const REJECTED = 'botsky_botrunner_moderation_rejected_total';
const FINE = { botId: 'sunny', reply: 'Lovely tomatoes! @ben.test grows them too.', post: 'First tomatoes of the year', thread: [] };

interface Setup {
  server: ModerationStandIn;
  moderator: Moderator;
  metrics: Metrics;
}

/** A moderator configured from variables, as bot-runner's context makes it, against a stand-in. */
async function setup(t: TestContext, steps: Step[], env: Record<string, string> = {}): Promise<Setup> {
  const server = await startModerationStandIn(steps);
  t.after(() => server.close());
  const config = loadConfig(botRunnerConfigSpec, {
    BOTSKY_MODERATION_PROVIDER: 'openai',
    BOTSKY_MODERATION_OPENAI_BASE_URL: server.baseURL,
    BOTSKY_MODERATION_OPENAI_API_KEY: OPENAI_KEY,
    BOTSKY_MODERATION_MAX_RETRIES: '0',
    ...env,
  });
  const metrics = createMetrics({ service: 'bot-runner', defaultMetrics: false });
  const moderator = createModerator({ provider: moderationProvider(config), rejected: createBotRunnerMetrics(metrics).moderationRejected });
  return { server, moderator, metrics };
}

const moderate = (s: Setup, input = FINE): Promise<Verdict> => s.moderator.moderate(input, AbortSignal.timeout(15_000));

function expectUnavailable(v: Verdict, reason: string, retryable: boolean): void {
  assert.equal(v.kind, 'unavailable', JSON.stringify(v));
  if (v.kind !== 'unavailable') return;
  assert.equal(v.error.reason, reason, v.error.message);
  assert.equal(v.error.retryable, retryable);
  assert.match(v.detail, /^moderation_unavailable: openai-moderation: /);
}

describe('OpenAI moderation through the SDK', () => {
  test('an unflagged reply passes; the request is the documented one', async (t) => {
    const s = await setup(t, [moderation()], { BOTSKY_MODERATION_OPENAI_MODEL: 'omni-moderation-2024-09-26' });
    assert.deepEqual(await moderate(s), { kind: 'pass' });
    assert.equal(s.server.requests.length, 1);
    const [req] = s.server.requests;
    assert.equal(req?.method, 'POST');
    assert.equal(req?.path, '/v1/moderations');
    assert.deepEqual(req?.body, { model: 'omni-moderation-2024-09-26', input: FINE.reply });
    assert.equal(await metricSum(s.metrics, REJECTED), 0);
  });

  test('a flagged reply is rejected with the top flagged category as its reason, and counted by bot and reason', async (t) => {
    const s = await setup(t, [flagged({ harassment: 0.71, 'harassment/threatening': 0.93 })]);
    const v = await moderate(s);
    assert.equal(v.kind, 'rejected');
    assert.equal(v.kind === 'rejected' && v.reason, 'openai:harassment/threatening');
    assert.match(v.kind === 'rejected' ? v.retryReason : '', /flagged it as harassment\/threatening/);
    await moderate(s, { ...FINE, botId: 'sage' });
    assert.equal(await metricSum(s.metrics, REJECTED, { bot: 'sunny', reason: 'openai:harassment/threatening' }), 1);
    assert.equal(await metricSum(s.metrics, REJECTED, { bot: 'sage', reason: 'openai:harassment/threatening' }), 1);
  });

  test('the provider judges the reply text itself', async (t) => {
    const s = await setup(t, [moderation((input) => (input.includes('gnomes') ? { hate: 0.8 } : {}))]);
    assert.deepEqual(await moderate(s), { kind: 'pass' });
    const v = await moderate(s, { ...FINE, reply: 'People who like gnomes should be banned from gardens' });
    assert.equal(v.kind === 'rejected' && v.reason, 'openai:hate');
    assert.deepEqual(s.server.inputs(), [FINE.reply, 'People who like gnomes should be banned from gardens']);
  });

  test('a reply the local rules reject is not sent to the provider', async (t) => {
    const s = await setup(t, [moderation()]);
    const v = await moderate(s, { ...FINE, reply: 'I know where you live, @ben.test' });
    assert.equal(v.kind === 'rejected' && v.reason, 'threat');
    assert.equal(s.server.requests.length, 0);
    assert.equal(await metricSum(s.metrics, REJECTED, { bot: 'sunny', reason: 'threat' }), 1);
  });

  test('a server error, after the SDK has retried, gives no verdict: retryable, counted as moderation_unavailable', async (t) => {
    const s = await setup(t, [serverError(503)], { BOTSKY_MODERATION_MAX_RETRIES: '1' });
    expectUnavailable(await moderate(s), 'server-error', true);
    assert.equal(s.server.requests.length, 2, 'the SDK retried once');
    assert.equal(await metricSum(s.metrics, REJECTED, { bot: 'sunny', reason: 'moderation_unavailable' }), 1);
  });

  test('no answer within the timeout gives no verdict, in about the timeout', async (t) => {
    const s = await setup(t, [hang], { BOTSKY_MODERATION_TIMEOUT: '300ms' });
    const started = performance.now();
    expectUnavailable(await moderate(s), 'timeout', true);
    const ms = performance.now() - started;
    assert.ok(ms >= 250 && ms < 3000, `${ms} ms`);
    assert.equal(await metricSum(s.metrics, REJECTED, { bot: 'sunny', reason: 'moderation_unavailable' }), 1);
  });

  test('a closed port gives no verdict (connection), retryable', async (t) => {
    const s = await setup(t, [moderation()]);
    await s.server.close();
    expectUnavailable(await moderate(s), 'connection', true);
  });

  test('a wrong key, a malformed answer: no verdict, and waiting would not help', async (t) => {
    const s = await setup(t, [
      openaiError(401, 'invalid_request_error', 'Incorrect API key provided.', 'invalid_api_key'),
      garbage('{"results": []}'),
    ]);
    expectUnavailable(await moderate(s), 'auth', false);
    expectUnavailable(await moderate(s), 'malformed', false);
    assert.equal(await metricSum(s.metrics, REJECTED, { bot: 'sunny', reason: 'moderation_unavailable' }), 2);
  });

  test('a 429 with retry-after-ms passes the wait on to the caller', async (t) => {
    const s = await setup(t, [openaiError(429, 'requests', 'Rate limit reached.', 'rate_limit_exceeded', { 'retry-after-ms': '1500' })]);
    const v = await moderate(s);
    expectUnavailable(v, 'rate-limited', true);
    assert.equal(v.kind === 'unavailable' && v.error.retryAfterMs, 1500);
  });
});

describe('moderation variables', () => {
  test('defaults: no provider, the local rules only', () => {
    const config = loadConfig(botRunnerConfigSpec, {});
    assert.equal(config.moderationProvider, 'none');
    assert.equal(config.moderationOpenAIModel, 'omni-moderation-latest');
    assert.equal(config.moderationTimeoutMs, 10_000);
    assert.equal(config.moderationMaxRetries, 2);
    assert.equal(moderationProvider(config), undefined);
  });

  test('bad values are named, each with what was expected; the key is never shown', () => {
    assert.throws(
      () =>
        loadConfig(botRunnerConfigSpec, {
          BOTSKY_MODERATION_PROVIDER: 'perspective',
          BOTSKY_MODERATION_TIMEOUT: '5m',
          BOTSKY_MODERATION_OPENAI_BASE_URL: 'ftp://x',
          BOTSKY_MODERATION_MAX_RETRIES: '-1',
        }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.message ===
          'config: BOTSKY_MODERATION_PROVIDER must be one of none, openai (got "perspective"); ' +
            'BOTSKY_MODERATION_OPENAI_BASE_URL must be a http:// or https:// URL (got "ftp://x"); ' +
            'BOTSKY_MODERATION_TIMEOUT must be a duration in ms 100-60000 (e.g. 10000 or 10s) (got "5m"); ' +
            'BOTSKY_MODERATION_MAX_RETRIES must be an integer 0-5 (got "-1")',
    );
  });

  test('openai without a key stops start-up, naming the variable', () => {
    const config = loadConfig(botRunnerConfigSpec, { BOTSKY_MODERATION_PROVIDER: 'openai' });
    assert.throws(
      () => moderationProvider(config),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.message === 'config: BOTSKY_MODERATION_OPENAI_API_KEY is required when BOTSKY_MODERATION_PROVIDER is openai',
    );
  });
});
