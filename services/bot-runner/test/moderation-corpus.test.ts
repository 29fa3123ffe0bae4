// The local moderation rules against the corpora kept in test/fixtures/moderation/: every harmful
// reply is rejected with its expected reason and counted under its bot and reason in the real
// prom-client registry; every ordinary reply (numbers, idioms, words that contain listed ones,
// other languages, personal data the post itself had) passes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createMetrics } from '@botsky/kit';
import { metricSum } from '@botsky/kit/testing';
import { createBotRunnerMetrics } from '../src/metrics.ts';
import { checkLocal } from '../src/moderation/local.ts';
import { createModerator, moderationInput } from '../src/moderation/moderate.ts';
import { bringsPersonalData, phonesIn } from '../src/moderation/personal-data.ts';
import { explain, LOCAL_REASONS } from '../src/moderation/reasons.ts';

interface Case {
  id: string;
  reply: string;
  post: string;
  thread?: string[];
  reason?: string;
}

function corpus(name: string): Case[] {
  const text = readFileSync(new URL(`./fixtures/moderation/${name}.jsonl`, import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Case);
}

const HARMFUL = corpus('harmful');
const ORDINARY = corpus('ordinary');
const input = (c: Case, botId = 'sunny') => ({ botId, reply: c.reply, post: c.post, thread: c.thread ?? [] });

describe('the moderation corpora', () => {
  test('are big enough and cover every local reason', () => {
    assert.ok(HARMFUL.length >= 40, `${HARMFUL.length} harmful cases`);
    assert.ok(ORDINARY.length >= 60, `${ORDINARY.length} ordinary cases`);
    for (const reason of LOCAL_REASONS) {
      assert.ok(HARMFUL.filter((c) => c.reason === reason).length >= 8, `at least 8 cases of ${reason}`);
    }
    assert.equal(new Set([...HARMFUL, ...ORDINARY].map((c) => c.id)).size, HARMFUL.length + ORDINARY.length, 'ids are unique');
  });

  for (const c of HARMFUL) {
    test(`harmful ${c.id}: rejected as ${c.reason}`, () => {
      assert.equal(checkLocal(input(c)), c.reason, c.reply);
    });
  }

  for (const c of ORDINARY) {
    test(`ordinary ${c.id}: passes`, () => {
      assert.equal(checkLocal(input(c)), undefined, c.reply);
    });
  }
});

describe('the moderation step without a provider', () => {
  test('rejects every harmful case, counted by bot and reason; passes every ordinary one, uncounted', async () => {
    const metrics = createMetrics({ service: 'bot-runner', defaultMetrics: false });
    const moderator = createModerator({ provider: undefined, rejected: createBotRunnerMetrics(metrics).moderationRejected });
    const signal = AbortSignal.timeout(10_000);
    for (const [i, c] of HARMFUL.entries()) {
      const verdict = await moderator.moderate(input(c, i % 2 === 0 ? 'sunny' : 'sage'), signal);
      assert.equal(verdict.kind, 'rejected', c.id);
      assert.equal(verdict.kind === 'rejected' && verdict.reason, c.reason, c.id);
    }
    for (const c of ORDINARY) assert.deepEqual(await moderator.moderate(input(c), signal), { kind: 'pass' }, c.id);
    const name = 'botsky_botrunner_moderation_rejected_total';
    for (const reason of LOCAL_REASONS) {
      for (const [bot, parity] of [
        ['sunny', 0],
        ['sage', 1],
      ] as const) {
        const want = HARMFUL.filter((c, i) => c.reason === reason && i % 2 === parity).length;
        assert.equal(await metricSum(metrics, name, { bot, reason }), want, `${bot} ${reason}`);
      }
    }
    assert.equal(await metricSum(metrics, name), HARMFUL.length, 'ordinary replies are not counted');
  });

  test('the retry reason names the rule, never the words that matched', async () => {
    const metrics = createMetrics({ service: 'bot-runner', defaultMetrics: false });
    const moderator = createModerator({ provider: undefined, rejected: createBotRunnerMetrics(metrics).moderationRejected });
    const c = HARMFUL.find((x) => x.reason === 'slur') as Case;
    const verdict = await moderator.moderate(input(c), AbortSignal.timeout(10_000));
    assert.ok(verdict.kind === 'rejected');
    assert.equal(verdict.retryReason, explain('slur'));
    assert.match(verdict.retryReason, /^moderation \(slur\): it uses a slur$/);
  });
});

describe('personal data', () => {
  test('an address or number is allowed when the post or the thread had it, in any format', () => {
    assert.equal(bringsPersonalData('Call +44 20 7946 0958', ['Ring us on 020 7946 0958']), false);
    assert.equal(bringsPersonalData('Mail BEN@Example.com', ['', 'my address: ben@example.com']), false);
    assert.equal(bringsPersonalData('Mail ben@example.com', ['no address here']), true);
    assert.equal(bringsPersonalData('Call 020 7946 0958', ['Ring us on 020 7946 0959']), true);
  });

  test('phone numbers are told from other numbers', () => {
    assert.deepEqual([...phonesIn('555-867-5309 or (555) 123-4567')], ['558675309', '551234567']);
    for (const notPhone of [
      '$1,299.99',
      '10:30',
      '3-1',
      '2024-05-01',
      '7 800 000 000',
      '192.168.100.100',
      '3.14159265358979',
      '1-800-273-8255',
      '2021 2022 2023',
    ]) {
      assert.equal(phonesIn(notPhone).size, 0, notPhone);
    }
  });

  test('the thread may be texts or posts with a text', () => {
    const req = { botId: 'sunny', post: { uri: 'at://x', text: 'hi' }, thread: ['one', { author: 'did:plc:a', text: 'two' }, { nope: 1 }] };
    assert.deepEqual(moderationInput(req, 'reply').thread, ['one', 'two']);
  });
});
