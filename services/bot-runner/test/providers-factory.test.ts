// createProvider from registry specs, spec checks, and pricing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AnthropicProvider,
  ExternalGrpcProvider,
  OfflineProvider,
  OpenAIProvider,
  PriceError,
  ProviderSpecError,
  cost,
  createProvider,
  replyCost,
  type ProviderSpec,
} from '../src/providers/index.ts';
import { OPENAI_KEY, completion, startOpenAIStandIn } from '@botsky/llm-stand-ins/openai';
import { GOOD_REPLY, replyRequest } from './stand-ins/requests.ts';

const secret = (value: string) => ({ reveal: () => value, toString: () => '[redacted]' });

test('each kind of spec builds its provider', () => {
  const specs: Array<[ProviderSpec, abstract new (...args: never[]) => unknown]> = [
    [{ kind: 'openai', model: 'gpt-5-mini', apiKey: secret('sk-x') }, OpenAIProvider],
    [{ kind: 'openai', model: 'llama3.1:8b', baseURL: 'http://127.0.0.1:11434/v1' }, OpenAIProvider],
    [{ kind: 'anthropic', model: 'claude-haiku-4-5', apiKey: secret('sk-ant-x'), timeoutMs: 5000 }, AnthropicProvider],
    [{ kind: 'grpc', address: '127.0.0.1:50061', maxRetries: 0 }, ExternalGrpcProvider],
    [{ kind: 'offline', style: 'sage' }, OfflineProvider],
  ];
  for (const [spec, cls] of specs) {
    const provider = createProvider(spec, 'bot-7');
    assert.ok(provider instanceof cls, spec.kind);
    provider.close?.();
  }
});

test('an OpenAI-compatible server is reached through baseURL, with the registry name on errors', async (t) => {
  const server = await startOpenAIStandIn([completion(GOOD_REPLY)]);
  t.after(() => server.close());
  const provider = createProvider(
    { kind: 'openai', model: 'qwen2.5-7b-instruct', apiKey: secret(OPENAI_KEY), baseURL: server.baseURL, timeoutMs: 2000 },
    'vllm-bot',
  );
  assert.equal(provider.name, 'vllm-bot');
  const result = await provider.generate(replyRequest(), AbortSignal.timeout(5000));
  assert.equal(result.text, GOOD_REPLY);
  assert.equal((server.requests[0]!.body as { model: string }).model, 'qwen2.5-7b-instruct');
});

test('a wrong spec is refused with the field named', () => {
  const bad: Array<[unknown, RegExp]> = [
    [{ kind: 'cohere', model: 'x' }, /kind must be one of/],
    [{ kind: 'offline', style: 'grumpy' }, /style must be one of/],
    [{ kind: 'openai', model: ' ', apiKey: secret('k') }, /model is required/],
    [{ kind: 'openai', model: 'gpt' }, /apiKey is required unless baseURL/],
    [{ kind: 'openai', model: 'gpt', baseURL: 'localhost:8000' }, /baseURL must be an http\(s\) URL/],
    [{ kind: 'anthropic', model: 'c', apiKey: secret('k'), timeoutMs: 0 }, /timeoutMs must be a positive integer/],
    [{ kind: 'grpc', address: 'bot.example.com', maxRetries: 1 }, /address must be host:port/],
    [{ kind: 'grpc', address: 'bot:1', maxRetries: 99 }, /maxRetries must be an integer from 0 to 10/],
  ];
  for (const [spec, message] of bad) {
    assert.throws(
      () => createProvider(spec as ProviderSpec),
      (err: unknown) => err instanceof ProviderSpecError && message.test(err.message),
      JSON.stringify(spec),
    );
  }
  assert.doesNotThrow(() => createProvider({ kind: 'grpc', address: '[::1]:50061' }).close?.());
});

test('cost is per million input and output tokens, in USD', () => {
  const price = { inputPerMillion: 0.15, outputPerMillion: 0.6 };
  assert.equal(cost(1_000_000, 0, price), 0.15);
  assert.ok(Math.abs(cost(1200, 80, price) - (1200 * 0.15 + 80 * 0.6) / 1e6) < 1e-15);
  assert.equal(cost(0, 0, price), 0);
  assert.throws(() => cost(-1, 0, price), PriceError);
  assert.throws(() => cost(1, 1, { inputPerMillion: Number.NaN, outputPerMillion: 0 }), /inputPerMillion/);
  const result = { text: 'x', model: 'm', tokensIn: 2_000_000, tokensOut: 1_000_000 };
  assert.equal(replyCost(result, price), 0.9);
  assert.equal(replyCost(result, undefined), undefined, 'no price: unknown, not free');
  assert.equal(replyCost({ ...result, costUsd: 0.01 }, price), 0.01, 'a cost the bot reported wins');
});
