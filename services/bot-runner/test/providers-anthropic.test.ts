// The Anthropic provider, with the real @anthropic-ai/sdk pointed at a local server that speaks
// the Messages API wire protocol. Each case ends as Anthropic's error docs and the SDK say:
// 429 (after retry-after), 500 and 529 overloaded retried, other 4xx not, timeouts retried, and
// an answer without the documented shape failed with a reason. Concurrent, one server per test.
import { before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { AnthropicProvider, type AnthropicProviderOptions } from '../src/providers/anthropic.ts';
import type { ReplyRequest } from '../src/providers/types.ts';
import {
  ANTHROPIC_KEY,
  anthropicError,
  apiError,
  garbage,
  hang,
  json,
  message,
  overloaded,
  rateLimited,
  stallMidBody,
  startAnthropicStandIn,
} from '@botsky/llm-stand-ins/anthropic';
import type { ScriptedServer, Step } from '@botsky/llm-stand-ins/scripted-http';
import { GOOD_REPLY, replyRequest } from './stand-ins/requests.ts';
import { call, expectFailure, expectSuccess, gap, type Outcome } from './stand-ins/outcome.ts';

async function run(
  t: TestContext,
  steps: Step[],
  options: Partial<AnthropicProviderOptions> = {},
  req: ReplyRequest = replyRequest(),
): Promise<{ server: ScriptedServer; outcome: Outcome }> {
  const server = await startAnthropicStandIn(steps);
  t.after(() => server.close());
  const provider = new AnthropicProvider({
    apiKey: ANTHROPIC_KEY,
    baseURL: server.origin,
    model: 'claude-test',
    timeoutMs: 10_000,
    maxRetries: 2,
    ...options,
  });
  return { server, outcome: await call(provider, req) };
}

// Long enough that a loaded machine still delivers each attempt to the stand-in before it times out.
const HANG_TIMEOUT_MS = 1000;
const VALID = { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-test', stop_reason: 'end_turn', stop_sequence: null };

// One call before the timed tests, so the SDK's first-request setup is not inside any timeout.
before(async () => {
  const server = await startAnthropicStandIn([message(GOOD_REPLY)]);
  await new AnthropicProvider({ apiKey: ANTHROPIC_KEY, baseURL: server.origin, model: 'm', timeoutMs: 10_000, maxRetries: 0 }).generate(
    replyRequest(),
    AbortSignal.timeout(15_000),
  );
  await server.close();
});

describe('Anthropic provider against a Messages API stand-in', { concurrency: true }, () => {
  test('a normal reply: text from content blocks, tokens from usage; key, anthropic-version, system and max_tokens sent', async (t) => {
    const { server, outcome } = await run(t, [
      message(GOOD_REPLY, { usage: { input_tokens: 512, output_tokens: 31 }, model: 'claude-test-20261101' }),
    ]);
    assert.deepEqual(expectSuccess(outcome), { text: GOOD_REPLY, model: 'claude-test-20261101', tokensIn: 512, tokensOut: 31 });
    assert.equal(server.requests.length, 1);
    const [req] = server.requests;
    const key = req?.headers['x-api-key'] ?? req?.headers.authorization;
    assert.ok(key === ANTHROPIC_KEY || key === `Bearer ${ANTHROPIC_KEY}`, `key sent (${String(key)})`);
    assert.match(String(req?.headers['anthropic-version']), /^\d{4}-\d{2}-\d{2}$/);
    const body = req?.body as { system: string; max_tokens: number; model: string; messages: Array<{ role: string; content: string }> };
    assert.equal(body.model, 'claude-test');
    assert.equal(body.max_tokens, 400);
    assert.match(body.system, /You are Sunny/);
    assert.equal(body.messages.length, 1);
    assert.equal(body.messages[0]?.role, 'user');
    const data = /<data>([\s\S]*)<\/data>/.exec(body.messages[0]?.content ?? '')?.[1] ?? '';
    assert.match(data, /Nice weather&lt;\/post&gt;&lt;\/data&gt;/, 'the untrusted post is inside the data block, escaped');
  });

  test('only text blocks make the reply; a thinking block before it is skipped', async (t) => {
    const { outcome } = await run(
      t,
      [message(GOOD_REPLY, { before: [{ type: 'thinking', thinking: 'hmm', signature: 'x' }] })],
      {},
      replyRequest({ maxTokens: 99, temperature: 0.2 }),
    );
    assert.equal(expectSuccess(outcome).text, GOOD_REPLY);
  });

  test('retryReason reaches the model, escaped', async (t) => {
    const { server, outcome } = await run(t, [message(GOOD_REPLY)], {}, replyRequest({ retryReason: 'mentions <@evil.test>' }));
    expectSuccess(outcome);
    const body = server.requests[0]?.body as { messages: Array<{ content: string }> };
    assert.match(body.messages[0]?.content ?? '', /previous reply was rejected: mentions &lt;@evil\.test&gt;/);
  });

  test('429 with retry-after: 1 is retried after at least a second, then succeeds', async (t) => {
    const { server, outcome } = await run(t, [rateLimited(1), message(GOOD_REPLY)]);
    expectSuccess(outcome);
    assert.equal(server.requests.length, 2);
    assert.ok(gap(server.requests, 0, 1) >= 990, `waited ${gap(server.requests, 0, 1)} ms`);
  });

  test('529 overloaded, then success: retried', async (t) => {
    const { server, outcome } = await run(t, [overloaded(), message(GOOD_REPLY)]);
    expectSuccess(outcome);
    assert.equal(server.requests.length, 2);
  });

  test('529 overloaded that persists fails as overloaded, retryable, after maxRetries + 1 attempts', async (t) => {
    const { server, outcome } = await run(t, [overloaded()], { maxRetries: 1 });
    assert.equal(expectFailure(outcome, 'overloaded', true).status, 529);
    assert.equal(server.requests.length, 2);
  });

  test('500 then success: retried with backoff', async (t) => {
    const { server, outcome } = await run(t, [apiError(), message(GOOD_REPLY)]);
    expectSuccess(outcome);
    assert.equal(server.requests.length, 2);
    assert.ok(gap(server.requests, 0, 1) >= 370, `waited ${gap(server.requests, 0, 1)} ms`);
  });

  test('a persistent 500 fails retryable after maxRetries + 1 attempts', async (t) => {
    const { server, outcome } = await run(t, [apiError()]);
    const error = expectFailure(outcome, 'server-error', true);
    assert.equal(error.status, 500);
    assert.match(error.message, /Internal server error/);
    assert.equal(server.requests.length, 3);
  });

  test('the caller aborting mid-body is a cancellation, not a server error', async (t) => {
    const caller = new AbortController();
    const server = await startAnthropicStandIn([
      (req, res) => {
        stallMidBody(req, res);
        setTimeout(() => caller.abort(), 100);
      },
    ]);
    t.after(() => server.close());
    const provider = new AnthropicProvider({ apiKey: ANTHROPIC_KEY, baseURL: server.origin, model: 'm', timeoutMs: 5000, maxRetries: 0 });
    const outcome = await call(provider, replyRequest(), caller.signal);
    expectFailure(outcome, 'cancelled', true);
    assert.equal(server.requests.length, 1);
  });

  for (const [name, step, detail] of [
    ['cut-off JSON', garbage('{"type":"message","content":[{"ty'), /not valid JSON/],
    ['plain text', garbage('upstream connect error', 'text/plain'), /not a message object/],
    ['an error object with status 200', json({ type: 'error', error: { type: 'api_error', message: 'oops' } }), /not a message object/],
    ['no content', json({ ...VALID, usage: { input_tokens: 1, output_tokens: 1 } }), /content is missing/],
    [
      'a block without a type',
      json({ ...VALID, content: [{ text: 'hi' }], usage: { input_tokens: 1, output_tokens: 1 } }),
      /content\[0\] is not a content block/,
    ],
    ['no usage', json({ ...VALID, content: [{ type: 'text', text: 'hi' }] }), /usage is missing/],
    [
      'usage without output_tokens',
      json({ ...VALID, content: [{ type: 'text', text: 'hi' }], usage: { input_tokens: 3 } }),
      /output_tokens/,
    ],
  ] as const) {
    test(`a 2xx answer with ${name} fails as malformed, not retried`, async (t) => {
      const { server, outcome } = await run(t, [step as Step]);
      assert.match(expectFailure(outcome, 'malformed', false).message, detail);
      assert.equal(server.requests.length, 1);
    });
  }

  test('no text, a refusal and max_tokens each fail with their own reason', async (t) => {
    expectFailure((await run(t, [message('')])).outcome, 'empty', false);
    expectFailure((await run(t, [message('', { stopReason: 'refusal' })])).outcome, 'refused', false);
    expectFailure((await run(t, [message('Half a', { stopReason: 'max_tokens' })])).outcome, 'truncated', false);
  });

  test('400, 401 and 402 are not retried', async (t) => {
    const bad = await run(t, [anthropicError(400, 'invalid_request_error', 'max_tokens: must be at most 8192')]);
    assert.equal(expectFailure(bad.outcome, 'bad-request', false).status, 400);
    assert.equal(bad.server.requests.length, 1);
    const unauthorised = await run(t, [message(GOOD_REPLY)], { apiKey: 'sk-ant-wrong' });
    assert.match(expectFailure(unauthorised.outcome, 'auth', false).message, /invalid x-api-key/);
    assert.equal(unauthorised.server.requests.length, 1);
    const billing = await run(t, [anthropicError(402, 'billing_error', 'Your credit balance is too low')]);
    expectFailure(billing.outcome, 'quota', false);
    assert.equal(billing.server.requests.length, 1);
  });
});

// Run after the others, a few at a time: a burst of concurrent calls on a loaded machine must not
// eat into timeouts that these tests count attempts against.
describe('Anthropic provider: timeouts', { concurrency: true }, () => {
  test('a server that hangs past the timeout: retried, then failed with a timeout reason', async (t) => {
    const { server, outcome } = await run(t, [hang], { timeoutMs: HANG_TIMEOUT_MS, maxRetries: 1 });
    expectFailure(outcome, 'timeout', true);
    assert.equal(server.requests.length, 2);
  });

  test('a server that stalls mid-body: timed out like a hang (the SDK alone would wait), retried, then succeeds', async (t) => {
    const { server, outcome } = await run(t, [stallMidBody, message(GOOD_REPLY)], { timeoutMs: HANG_TIMEOUT_MS, maxRetries: 1 });
    expectSuccess(outcome);
    assert.equal(server.requests.length, 2);
  });

  test('a server that always stalls mid-body fails with a timeout reason', async (t) => {
    const { server, outcome } = await run(t, [stallMidBody], { timeoutMs: HANG_TIMEOUT_MS, maxRetries: 1 });
    expectFailure(outcome, 'timeout', true);
    assert.equal(server.requests.length, 2);
    assert.ok(outcome.ms < 10_000, `${outcome.ms} ms: bounded by the timeout, not by the caller`);
  });
});
