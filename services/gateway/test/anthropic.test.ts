// An `anthropic` model behind the gateway: a stand-in speaking Anthropic's Messages API (the
// official @anthropic-ai/sdk calls it), the openai SDK as the builder's client. OpenAI's request
// becomes Anthropic's (system apart, turns joined, stop sequences, max_tokens) and Anthropic's
// answer OpenAI's (content, finish reason, usage), streamed too; the key is charged what Anthropic
// reported; Anthropic's errors come back in OpenAI's shape, and one it refused costs nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { suiteHooks } from '@botsky/kit/testing';
import { ANTHROPIC_KEY, anthropicError, message, messageStream, startAnthropicStandIn } from '@botsky/llm-stand-ins/anthropic';
import type { RecordedRequest, ScriptedServer, Step } from '@botsky/llm-stand-ins/scripted-http';
import OpenAI from 'openai';
import { startGateway, type TestGateway } from '../src/testing.ts';

const USAGE = { input_tokens: 40, output_tokens: 7 };
const PRICE = { inputPerMillion: 3, outputPerMillion: 15 };

/** Steps the test switches between: Anthropic's answer (streamed when asked) or an error. */
let next: 'answer' | 'overloaded' | 'rate_limited' = 'answer';
const claude: Step = (req, res) => {
  if (next === 'overloaded') return anthropicError(529, 'overloaded_error', 'Overloaded')(req, res);
  if (next === 'rate_limited') return anthropicError(429, 'rate_limit_error', 'slow down', { 'retry-after': '3' })(req, res);
  const text = (r: RecordedRequest) =>
    `Hello ${((r.body as { messages: Array<{ content: string }> }).messages.at(-1)?.content ?? '').slice(0, 20)}`;
  const stream = (req.body as { stream?: boolean }).stream;
  return (stream ? messageStream(text, { usage: USAGE, stopReason: 'max_tokens' }) : message(text, { usage: USAGE }))(req, res);
};

describe('gateway: an Anthropic model through @anthropic-ai/sdk, spoken to in OpenAI’s terms', () => {
  const hooks = suiteHooks();
  let upstream: ScriptedServer;
  let gw: TestGateway;
  let client: OpenAI;
  let keyId = '';

  before(async () => {
    upstream = await startAnthropicStandIn([claude]);
    gw = await startGateway(hooks, {
      models: [
        {
          id: 'claude',
          provider: 'anthropic',
          baseUrl: upstream.origin,
          upstreamModel: 'claude-sonnet-x',
          apiKey: { env: 'ANTHROPIC_KEY' },
          price: PRICE,
        },
      ],
      secrets: { ANTHROPIC_KEY },
    });
    const made = await gw.makeKey({ requestsPerMinute: 100, tokensPerDay: 1_000_000, spendCapUsd: 10 });
    keyId = made.id;
    client = new OpenAI({ apiKey: made.key, baseURL: `${gw.urls[0]}/v1`, maxRetries: 0 });
  });
  after(() => upstream?.close());

  const usage = () => gw.settled(keyId);

  it('translates the request both ways and charges what Anthropic reported', async () => {
    const done = await client.chat.completions.create({
      model: 'claude',
      max_tokens: 50,
      temperature: 1.5,
      stop: 'END',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'first part' },
        { role: 'user', content: [{ type: 'text', text: 'second part' }] },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'world' },
      ],
    });
    const sent = upstream.requests.at(-1)?.body as Record<string, unknown>;
    assert.deepEqual(sent, {
      model: 'claude-sonnet-x',
      max_tokens: 50,
      system: 'Be brief.',
      messages: [
        { role: 'user', content: 'first part\n\nsecond part' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'world' },
      ],
      temperature: 1,
      stop_sequences: ['END'],
    });
    assert.equal(done.model, 'claude');
    assert.equal(done.choices[0]?.message.content, 'Hello world');
    assert.equal(done.choices[0]?.finish_reason, 'stop');
    assert.deepEqual(done.usage, { prompt_tokens: 40, completion_tokens: 7, total_tokens: 47 });
    const u = await usage();
    assert.equal(u?.tokensToday, 47);
    assert.ok(Math.abs((u?.spentUsd ?? 0) - (40 * 3 + 7 * 15) / 1e6) < 1e-12);
  });

  it("streams Anthropic's events as OpenAI's chunks, the usage chunk last when asked for", async () => {
    const stream = await client.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'streaming friend' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const finishes: string[] = [];
    let reported: OpenAI.CompletionUsage | undefined;
    for await (const c of stream) {
      text += c.choices[0]?.delta?.content ?? '';
      if (c.choices[0]?.finish_reason) finishes.push(c.choices[0].finish_reason);
      if (c.usage) reported = c.usage;
    }
    assert.equal(text, 'Hello streaming friend');
    assert.deepEqual(finishes, ['length'], "Anthropic's max_tokens is OpenAI's length");
    assert.deepEqual(reported, { prompt_tokens: 40, completion_tokens: 7, total_tokens: 47 });
    assert.equal((await usage())?.tokensToday, 94);
    assert.equal((await usage())?.heldUsd, 0);
  });

  it("Anthropic's errors come back in OpenAI's shape; a refused request costs nothing", async () => {
    const before = await usage();
    next = 'overloaded';
    await assert.rejects(client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.APIError);
      assert.equal(e.status, 502);
      assert.equal(e.code, 'upstream_error');
      return true;
    });
    next = 'rate_limited';
    await assert.rejects(
      client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'x' }] }),
      OpenAI.RateLimitError,
    );
    next = 'answer';
    const after = await usage();
    assert.equal(after?.spentUsd, before?.spentUsd);
    assert.equal(after?.tokensToday, before?.tokensToday);
    assert.equal(after?.heldUsd, 0);
  });
});
