// The gateway on the real NATS (keys and usage ledgers in its KV), two replicas on one namespace,
// an OpenAI-compatible upstream on 127.0.0.1, and the official openai SDK as the builder's client:
// keys made by the operator and shown once, completions with and without streaming, the key's
// models, its requests a minute, its spend cap under 200 concurrent requests across both replicas
// with no overspend, a revoked key refused at once, and no key in any log line.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Bus, createBus, parseBusUrl } from '@botsky/bus';
import { decode, LlmCallSchema, SUBJECTS, type LlmCall } from '@botsky/contracts';
import { eventually, natsUrl, suiteHooks } from '@botsky/kit/testing';
import OpenAI from 'openai';
import { startGateway, type TestGateway } from '../src/testing.ts';
import { completion, completionStream, delayed, OPENAI_KEY, startOpenAIStandIn, type OpenAIStandIn } from '@botsky/llm-stand-ins/openai';
import type { RecordedRequest, Step } from '@botsky/llm-stand-ins/scripted-http';

const UPSTREAM_KEY = OPENAI_KEY;
const USAGE = { prompt_tokens: 10, completion_tokens: 5 };

/** The upstream model: "echo: <the last message>", streamed when asked, after 20 ms. */
const echo: Step = delayed(20, (req, res) => {
  const body = req.body as { stream?: boolean; messages: Array<{ content: string }> };
  const text = (r: RecordedRequest) => `echo: ${(r.body as typeof body).messages.at(-1)?.content ?? ''}`;
  (body.stream ? completionStream(text, { usage: USAGE }) : completion(text, { usage: USAGE }))(req, res);
});
const PRICE = { inputPerMillion: 1000, outputPerMillion: 2000 };

describe('gateway: keys, completions and limits (two replicas, real NATS, the openai SDK)', () => {
  const hooks = suiteHooks();
  const logs: Array<Record<string, unknown>> = [];
  let upstream: OpenAIStandIn;
  const served = () => upstream.requests.length;
  const lastBody = () => upstream.requests.at(-1)?.body as Record<string, unknown> | undefined;
  let gw: TestGateway;
  let urls: string[] = [];
  const calls: LlmCall[] = [];
  let bus: Bus | undefined;
  /** An upstream that streams one chunk and then nothing: the client has to give up. */
  let slow: OpenAIStandIn;
  const upstreamClosed: number[] = [];
  const stalls: Step = (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = { id: 'c', object: 'chat.completion.chunk', created: 0, model: String((req.body as { model: string }).model) };
    res.write(
      `data: ${JSON.stringify({ ...chunk, choices: [{ index: 0, delta: { role: 'assistant', content: 'thinking' }, finish_reason: null }] })}\n\n`,
    );
    res.on('close', () => upstreamClosed.push(Date.now()));
  };
  const admin: TestGateway['admin'] = (...a) => gw.admin(...a);
  const makeKey: TestGateway['makeKey'] = (...a) => gw.makeKey(...a);

  before(async () => {
    upstream = await startOpenAIStandIn([echo]);
    slow = await startOpenAIStandIn([stalls]);
    const model = (id: string, at = upstream) => ({
      id,
      provider: 'openai',
      baseUrl: at.baseURL,
      upstreamModel: `up-${id}`,
      apiKey: { env: 'UPSTREAM_KEY' },
      price: PRICE,
    });
    gw = await startGateway(hooks, {
      models: [model('small'), model('large'), model('slow', slow)],
      secrets: { UPSTREAM_KEY },
      replicas: 2,
      env: { BOTSKY_GATEWAY_MAX_TOKENS: '100' },
      logs,
    });
    urls = gw.urls;
    bus = await createBus({ ...parseBusUrl(natsUrl()), namespace: gw.namespace });
    await bus.follow(SUBJECTS.llmCall, (m) => void calls.push(decode(LlmCallSchema, m.data)));
  });
  after(async () => {
    await bus?.close();
    await upstream?.close();
    await slow?.close();
  });

  const client = (key: string, at = urls[0]) => new OpenAI({ apiKey: key, baseURL: `${at}/v1`, maxRetries: 0 });
  const keys: string[] = [];

  it('an operator makes a key (shown once, kept hashed); with it the openai SDK completes, streaming and not, through either replica', async () => {
    const { key, id } = await makeKey({ requestsPerMinute: 100, tokensPerDay: 1_000_000, spendCapUsd: 100 });
    keys.push(key);
    assert.match(key, /^bsk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    const listed = await (await admin('GET', '/admin/keys')).text();
    assert.ok(listed.includes(id) && !listed.includes(key.split('_').slice(2).join('_')), 'the list names the key, never its secret');
    assert.ok(!listed.includes('"hash"'), 'nor its hash');

    const done = await client(key, urls[1]).chat.completions.create({
      model: 'small',
      messages: [{ role: 'user', content: 'hello there' }],
    });
    assert.equal(done.choices[0]?.message.content, 'echo: hello there');
    assert.equal(done.model, 'small', "the gateway's model id, not the upstream's");
    assert.equal(lastBody()?.model, 'up-small');
    assert.equal(lastBody()?.max_tokens, 100, 'a request without max_tokens gets the gateway’s');

    const stream = await client(key).chat.completions.create({
      model: 'small',
      messages: [{ role: 'user', content: 'stream me' }],
      stream: true,
    });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
    assert.equal(text, 'echo: stream me');
    const mine = await gw.settled(id);
    assert.equal(mine.tokensToday, 30, 'both requests settled at the usage the upstream reported (10 + 5 each)');
    assert.ok(Math.abs(mine.spentUsd - (2 * (10 * 1000 + 5 * 2000)) / 1e6) < 1e-9);
    // Each call goes to the warehouse as an LlmCall on the bus: the key's id, never the key.
    const mineCalls = await eventually('both calls on the bus', () => {
      const c = calls.filter((x) => x.keyId === id);
      return c.length === 2 ? c : undefined;
    });
    assert.deepEqual(
      mineCalls
        .map((c) => [c.builder, c.model, c.provider, Number(c.promptTokens), Number(c.completionTokens), c.outcome, c.streamed])
        .sort(),
      [
        ['ada', 'small', 'openai', 10, 5, 'ok', false],
        ['ada', 'small', 'openai', 10, 5, 'ok', true],
      ],
    );
  });

  it('a wrong key, a model not allowed, max_tokens past the limit and the requests a minute are refused in OpenAI’s error shape', async () => {
    await assert.rejects(
      client(`bsk_aaaaaaaaaaaa_${'x'.repeat(43)}`).chat.completions.create({ model: 'small', messages: [{ role: 'user', content: 'hi' }] }),
      (e: unknown) => {
        assert.ok(e instanceof OpenAI.AuthenticationError);
        assert.equal((e as InstanceType<typeof OpenAI.APIError>).code, 'invalid_api_key');
        return true;
      },
    );
    const { key } = await makeKey({ models: ['small'], requestsPerMinute: 2, tokensPerDay: 1_000_000, spendCapUsd: 100 });
    keys.push(key);
    await assert.rejects(
      client(key).chat.completions.create({ model: 'large', messages: [{ role: 'user', content: 'hi' }] }),
      (e: unknown) => {
        assert.ok(e instanceof OpenAI.PermissionDeniedError);
        return true;
      },
    );
    assert.deepEqual(
      (await client(key).models.list()).data.map((m) => m.id),
      ['small'],
    );
    await assert.rejects(
      client(key).chat.completions.create({ model: 'small', max_tokens: 101, messages: [{ role: 'user', content: 'hi' }] }),
      OpenAI.BadRequestError,
    );
    // An image (or audio, or file) part: its cost cannot be bounded before the upstream, so it is refused.
    const image = await fetch(`${urls[0]}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'small',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://10.0.0.1/x.png' } }] }],
      }),
    });
    assert.equal(image.status, 400);
    await client(key).chat.completions.create({ model: 'small', messages: [{ role: 'user', content: 'one' }] });
    await client(key, urls[1]).chat.completions.create({ model: 'small', messages: [{ role: 'user', content: 'two' }] });
    const third = await fetch(`${urls[0]}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'small', messages: [{ role: 'user', content: 'three' }] }),
    });
    assert.equal(third.status, 429);
    assert.ok(Number(third.headers.get('retry-after')) >= 1, 'Retry-After says when');
    assert.equal(((await third.json()) as { error: { code: string } }).error.code, 'requests_per_minute');
  });

  it("the tokens a day: a request that could pass them is refused before the upstream, with Retry-After until the day's end", async () => {
    // Each request holds its prompt's bound (33 tokens here) plus max_tokens; the day allows 140.
    const { key, id } = await makeKey({ requestsPerMinute: 1000, tokensPerDay: 140, spendCapUsd: 100 });
    keys.push(key);
    const ask = (maxTokens: number) =>
      fetch(`${urls[1]}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'small', max_tokens: maxTokens, messages: [{ role: 'user', content: 'spend' }] }),
      });
    const before = served();
    assert.equal((await ask(100)).status, 200, '33 + 100 held of 140');
    assert.equal((await gw.settled(id)).tokensToday, 15, 'settled at the 15 the upstream reported');
    const refused = await ask(100);
    assert.equal(refused.status, 429, '15 used + 33 + 100 held would pass 140');
    const body = (await refused.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'tokens_per_day');
    const retry = Number(refused.headers.get('retry-after'));
    assert.ok(retry >= 1 && retry <= 86_400, `Retry-After ${retry} s: at most until the day's end`);
    assert.equal(served() - before, 1, 'the refused request never reached the upstream');
    assert.equal((await ask(90)).status, 200, 'a smaller one (15 + 33 + 90) still fits');
  });

  it('the spend cap holds under 200 concurrent requests across both replicas: no overspend', async () => {
    // Each request could cost (prompt bound + 100 output tokens) at the prices; the cap fits 25 of them.
    const messages = [{ role: 'user' as const, content: 'spend' }];
    const bound = 16 + 8 + 4 + 5; // estimate.ts: per request, per message, the role's and the text's bytes
    const worst = (bound * PRICE.inputPerMillion + 100 * PRICE.outputPerMillion) / 1e6;
    const cap = 25 * worst;
    const { key, id } = await makeKey({ requestsPerMinute: 10_000, tokensPerDay: 10_000_000, spendCapUsd: cap });
    keys.push(key);
    const before = served();
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        client(key, urls[i % 2]).chat.completions.create({ model: 'small', max_tokens: 100, messages }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter((r) => r.status === 'rejected' && r.reason instanceof OpenAI.RateLimitError).length;
    assert.equal(ok + refused, 200, 'every request answered: served or refused for the cap');
    assert.equal(served() - before, ok, 'a refused request never reached the upstream');
    assert.ok(ok >= 25, `at least the 25 that fit while the others were held were served (${ok})`);
    const spent = await gw.settled(id);
    assert.ok(spent.spentUsd <= cap + 1e-12, `spent ${spent.spentUsd} within the cap ${cap}`);
  });

  it('a revoked key is refused at once, by both replicas', async () => {
    const { key, id } = await makeKey({ requestsPerMinute: 100, tokensPerDay: 1_000_000, spendCapUsd: 100 });
    keys.push(key);
    await client(key).chat.completions.create({ model: 'small', messages: [{ role: 'user', content: 'before' }] });
    assert.equal((await admin('DELETE', `/admin/keys/${id}`, undefined, urls[1])).status, 200);
    for (const at of urls)
      await assert.rejects(
        client(key, at).chat.completions.create({ model: 'small', messages: [{ role: 'user', content: 'after' }] }),
        OpenAI.AuthenticationError,
      );
    assert.equal((await fetch(`${urls[0]}/admin/keys`)).status, 401, 'the admin API wants the operator token');
  });

  it('a client that goes away mid-stream ends the upstream call; the request is charged its hold (no usage came)', async () => {
    const { key, id } = await makeKey({ requestsPerMinute: 100, tokensPerDay: 1_000_000, spendCapUsd: 100 });
    keys.push(key);
    const abort = new AbortController();
    const res = await fetch(`${urls[0]}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'slow', stream: true, max_tokens: 50, messages: [{ role: 'user', content: 'spend' }] }),
      signal: abort.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    assert.match(new TextDecoder().decode((await reader.read()).value), /thinking/);
    abort.abort();
    await eventually('the upstream connection closed', () => upstreamClosed.length === 1, { timeoutMs: 5000 });
    const u = await gw.settled(id);
    assert.equal(u.tokensToday, 33 + 50, 'the prompt bound and max_tokens: what it may have cost');
    const call = await eventually('its LlmCall', () => calls.find((c) => c.keyId === id));
    assert.equal(call.outcome, 'client_closed');
  });

  it('no key appears in any log line', () => {
    assert.ok(
      logs.some((l) => l.msg === 'chat completion'),
      'the requests were logged',
    );
    const text = JSON.stringify(logs);
    for (const key of keys) assert.ok(!text.includes(key.split('_').slice(2).join('_')), 'no secret part of a key in the logs');
    assert.ok(!text.includes(UPSTREAM_KEY), 'nor the upstream key');
  });
});
