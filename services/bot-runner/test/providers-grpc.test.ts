// The external gRPC bot provider against the runnable example bot (examples/grpc-bot) and a
// scripted BotService endpoint, over real gRPC on 127.0.0.1: success, the endpoint down
// (UNAVAILABLE retried, then failed), deadlines, RESOURCE_EXHAUSTED with server pushback, and
// statuses that must not be retried.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { status } from '@grpc/grpc-js';
import type { GenerateReplyRequest } from '@botsky/contracts';
import { GrpcStatusError } from '@botsky/contracts/grpc';
import { startBotServer, writeReply, type BotServerOptions, type WriteReply } from '@botsky/example-grpc-bot';
import { checkReply } from '../src/output/check.ts';
import { ExternalGrpcProvider, type ExternalGrpcProviderOptions } from '../src/providers/grpc-bot.ts';
import { startScriptedBot } from './stand-ins/grpc-bot-server.ts';
import { INJECTION, replyRequest } from './stand-ins/requests.ts';
import { call, expectFailure, expectSuccess } from './stand-ins/outcome.ts';

const FAST = { initialMs: 20, maxMs: 100, jitter: 0.25 };

function provider(t: TestContext, address: string, options: Partial<ExternalGrpcProviderOptions> = {}): ExternalGrpcProvider {
  const p = new ExternalGrpcProvider({ address, timeoutMs: 2000, maxRetries: 2, backoff: FAST, ...options });
  t.after(() => p.close());
  return p;
}

/** The example bot, counting the calls it receives. */
async function exampleBot(t: TestContext, options: BotServerOptions = {}) {
  const seen: GenerateReplyRequest[] = [];
  const write: WriteReply = options.writeReply ?? writeReply;
  const bot = await startBotServer({
    ...options,
    writeReply: (req, ctx) => {
      seen.push(req);
      return write(req, ctx);
    },
  });
  t.after(() => bot.stop());
  return { bot, seen };
}

describe('external gRPC bot provider', { concurrency: true }, () => {
  test('the example bot answers; the reply passes the output check and the bot saw the whole task', async (t) => {
    const { bot, seen } = await exampleBot(t);
    const req = replyRequest({
      langs: ['en'],
      author: { ...replyRequest().author, activeRecently: true, lastActiveAt: '2026-12-07T02:00:00.000Z' },
      mention: { ...replyRequest().mention!, similarity: 0.62, activeRecently: false },
    });
    const result = expectSuccess(await call(provider(t, bot.address, { timeoutMs: 1500 }), req));
    assert.equal(result.model, 'example-deterministic-1');
    assert.equal(result.costUsd, undefined, 'cost 0 means unknown');
    const check = checkReply(result.text, { mention: req.mention, allowLinks: false, systemPrompt: req.systemPrompt });
    assert.ok(check.ok, `${result.text}: ${JSON.stringify(check)}`);
    const [got] = seen;
    assert.equal(got?.taskId, 'task-1');
    assert.equal(got?.botHandle, 'sunny.bots.test');
    assert.equal(got?.post?.text, INJECTION, 'the post arrives as it was written; the contract marks it untrusted');
    assert.equal(got?.post?.authorHandle, 'ben.test');
    assert.equal(got?.mention?.person?.handle, 'ana.test');
    assert.equal(got?.mention?.similarity, 0.62);
    assert.deepEqual(
      got?.thread.map((p) => [p.authorDid, p.authorHandle, p.text]),
      req.thread.map((p) => [p.authorDid, p.authorHandle, p.text]),
      'thread posts with their authors',
    );
    assert.deepEqual(got?.author?.interests, ['gardening']);
    assert.equal(got?.author?.activeRecently, true);
    assert.equal(got?.author?.lastActiveUs, BigInt(Date.parse('2026-12-07T02:00:00.000Z')) * 1000n);
    assert.deepEqual(got?.mention?.person?.interests, ['figs', 'gardening']);
    assert.equal(got?.mention?.person?.activeRecently, false);
    assert.deepEqual(
      got?.mention?.person?.recentPosts.map((p) => p.text),
      ['Repotted my figs'],
    );
    assert.deepEqual(
      { ...got?.constraints, $typeName: undefined },
      { $typeName: undefined, maxGraphemes: 300, mentionHandle: 'ana.test', linksAllowed: false, langs: ['en'], deadlineMs: 1500 },
    );
  });

  test('tokens and cost from the bot are passed on', async (t) => {
    const bot = await startScriptedBot([{ text: 'Hello @ana.test!', model: 'my-llama' }]);
    t.after(() => bot.stop());
    assert.deepEqual(expectSuccess(await call(provider(t, bot.address), replyRequest())), {
      text: 'Hello @ana.test!',
      model: 'my-llama',
      tokensIn: 12,
      tokensOut: 3,
      costUsd: 0.0004,
    });
  });

  test('the endpoint down: UNAVAILABLE is retried with backoff, then fails retryable', async (t) => {
    const { bot } = await exampleBot(t);
    await bot.stop();
    const retries: number[] = [];
    const p = provider(t, bot.address, { maxRetries: 3, onRetry: (n) => retries.push(n) });
    const error = expectFailure(await call(p, replyRequest()), 'connection', true);
    assert.match(error.message, /UNAVAILABLE/);
    assert.deepEqual(retries, [1, 2, 3], 'maxRetries retries, so four attempts');
  });

  test('a bot slower than the deadline: DEADLINE_EXCEEDED retried, then fails as a timeout', async (t) => {
    const slow: WriteReply = async (req, ctx) => {
      await delay(5000, undefined, { signal: ctx.signal });
      return writeReply(req);
    };
    const { bot, seen } = await exampleBot(t, { writeReply: slow });
    const retries: string[] = [];
    const p = provider(t, bot.address, { timeoutMs: 300, maxRetries: 1, onRetry: (_n, e) => retries.push(e.reason) });
    const outcome = await call(p, replyRequest());
    const error = expectFailure(outcome, 'timeout', true);
    assert.match(error.message, /DEADLINE_EXCEEDED/);
    assert.deepEqual(retries, ['timeout'], 'one retry after the first deadline');
    assert.ok(seen.length >= 1, 'the bot was called');
    assert.ok(outcome.ms >= 600 && outcome.ms < 4000, `two deadlines of 300 ms, not the bot's 5 s (${outcome.ms} ms)`);
  });

  test('RESOURCE_EXHAUSTED with grpc-retry-pushback-ms: waits as the server asks, then succeeds', async (t) => {
    const bot = await startScriptedBot([
      { status: status.RESOURCE_EXHAUSTED, details: 'slow down', pushbackMs: 300 },
      { text: 'Hi @ana.test' },
    ]);
    t.after(() => bot.stop());
    expectSuccess(await call(provider(t, bot.address), replyRequest()));
    assert.equal(bot.calls.length, 2);
    const waited = (bot.calls[1]?.at ?? 0) - (bot.calls[0]?.at ?? 0);
    assert.ok(waited >= 295, `waited ${waited} ms, not the 20 ms backoff`);
  });

  test('RESOURCE_EXHAUSTED that persists fails rate-limited after maxRetries + 1 calls', async (t) => {
    const bot = await startScriptedBot([{ status: status.RESOURCE_EXHAUSTED, details: 'quota' }]);
    t.after(() => bot.stop());
    expectFailure(await call(provider(t, bot.address), replyRequest()), 'rate-limited', true);
    assert.equal(bot.calls.length, 3);
  });

  test('INVALID_ARGUMENT (the bot cannot answer) fails at once, not retried', async (t) => {
    const { bot, seen } = await exampleBot(t);
    const req = replyRequest({ post: { uri: 'at://x/app.bsky.feed.post/2', text: '   ' } });
    const error = expectFailure(await call(provider(t, bot.address), req), 'bad-request', false);
    assert.match(error.message, /INVALID_ARGUMENT: the post has no text/);
    assert.equal(seen.length, 1);
  });

  test('a crashing bot (INTERNAL) and an empty reply are not retried', async (t) => {
    const crash = await exampleBot(t, {
      writeReply: () => {
        throw new Error('model exploded');
      },
    });
    expectFailure(await call(provider(t, crash.bot.address), replyRequest()), 'server-error', true);
    assert.equal(crash.seen.length, 1);
    const empty = await exampleBot(t, { writeReply: () => ({ text: '  ', model: 'x' }) });
    expectFailure(await call(provider(t, empty.bot.address), replyRequest()), 'empty', false);
  });

  test('a bearer token is sent when configured; a wrong one is UNAUTHENTICATED, not retried', async (t) => {
    const { bot, seen } = await exampleBot(t, { token: 's3cret' });
    expectSuccess(await call(provider(t, bot.address, { token: 's3cret' }), replyRequest()));
    expectFailure(await call(provider(t, bot.address, { token: 'wrong' }), replyRequest()), 'auth', false);
    assert.equal(seen.length, 1, 'the rejected call never reached writeReply');
  });

  test('the caller aborting ends the call, also while waiting to retry', async (t) => {
    const bot = await startScriptedBot([{ status: status.UNAVAILABLE, details: 'restarting', pushbackMs: 30_000 }]);
    t.after(() => bot.stop());
    const outcome = await call(provider(t, bot.address), replyRequest(), AbortSignal.timeout(200));
    expectFailure(outcome, 'cancelled', true);
    assert.ok(outcome.ms < 5000, `stopped after ${outcome.ms} ms, not after the 30 s pushback`);
  });

  test('GrpcStatusError from a handler keeps its status', async (t) => {
    const { bot } = await exampleBot(t, {
      writeReply: () => {
        throw new GrpcStatusError(status.FAILED_PRECONDITION, 'no mention target');
      },
    });
    expectFailure(await call(provider(t, bot.address), replyRequest()), 'bad-request', false);
  });
});
