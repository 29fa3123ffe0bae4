import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkReply } from '../src/output/check.ts';
import { OFFLINE_STYLES, OfflineProvider } from '../src/providers/offline.ts';
import type { ReplyRequest } from '../src/providers/types.ts';

function request(withMention: boolean, taskId = 't1'): ReplyRequest {
  const person = { handle: 'ana-0001.test', did: 'did:plc:ana', recentPosts: [], interests: ['sourdough', 'baking'] };
  return {
    taskId,
    botId: 'b',
    model: 'offline',
    systemPrompt: 'You are a friendly bot that answers posts and introduces people.',
    post: { uri: 'at://did:plc:x/app.bsky.feed.post/1', text: 'Baked a sourdough loaf with rye flour today' },
    thread: [],
    author: { handle: 'ben.test', did: 'did:plc:ben', recentPosts: [], interests: [] },
    mention: withMention ? { ...person, reason: 'likes baking' } : undefined,
    maxGraphemes: 300,
    allowLinks: false,
  };
}

for (const style of Object.keys(OFFLINE_STYLES)) {
  test(`offline bot "${style}" writes replies that pass the output check, with and without a mention`, async () => {
    const bot = new OfflineProvider(style);
    for (const withMention of [true, false]) {
      const req = request(withMention);
      const out = await bot.generate(req, AbortSignal.timeout(1000));
      const check = checkReply(out.text, { mention: req.mention, allowLinks: false, systemPrompt: req.systemPrompt });
      assert.ok(check.ok, `${style}: ${out.text} ${JSON.stringify(check)}`);
      assert.equal(out.model, `offline-${style}`);
      assert.ok(out.tokensIn > 0 && out.tokensOut > 0);
    }
  });
}

test('offline bots are deterministic per task and differ from one another', async () => {
  const signal = AbortSignal.timeout(1000);
  const a = await new OfflineProvider('enthusiast').generate(request(true, 'same'), signal);
  const b = await new OfflineProvider('enthusiast').generate(request(true, 'same'), signal);
  assert.equal(a.text, b.text);
  const texts = await Promise.all(Object.keys(OFFLINE_STYLES).map((s) => new OfflineProvider(s).generate(request(true), signal)));
  assert.equal(new Set(texts.map((t) => t.text)).size, texts.length);
  assert.throws(() => new OfflineProvider('nope'), /unknown offline style/);
});

test('each manner has its own typical length and varies from reply to reply', async () => {
  const signal = AbortSignal.timeout(5000);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const medians: number[] = [];
  for (const style of Object.keys(OFFLINE_STYLES)) {
    const bot = new OfflineProvider(style);
    const lengths: number[] = [];
    for (let i = 0; i < 60; i++) lengths.push((await bot.generate(request(i % 2 === 0, `task-${i}`), signal)).text.length);
    assert.ok(
      Math.max(...lengths) > 1.6 * Math.min(...lengths),
      `${style} varies its length: ${Math.min(...lengths)}..${Math.max(...lengths)}`,
    );
    medians.push(median(lengths));
  }
  assert.ok(Math.max(...medians) > 3 * Math.min(...medians), `manners differ in typical length: ${medians.join(', ')}`);
});
