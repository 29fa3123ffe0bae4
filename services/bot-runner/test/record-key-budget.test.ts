// The reply's record key (a valid TID, derived from the task) and the write budget shared through
// NATS KV by compare-and-set: many reservations at once never grant more than the budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBus, parseBusUrl } from '@botsky/bus';
import { natsUrl, testNamespace } from '@botsky/kit/testing';
import { SharedBudget } from '../src/budget/shared.ts';
import { replyRecordKey } from '../src/tasks/record-key.ts';
import { TID_PATTERN } from '../src/tasks/record-key.ts';
import { deleteNamespace } from './helpers/world.ts';

const ALPHABET = '234567abcdefghijklmnopqrstuvwxyz';
const decode = (tid: string) => [...tid].reduce((v, c) => (v << 5n) | BigInt(ALPHABET.indexOf(c)), 0n);

test('the record key is a valid TID, the same for the same task, near the task time, different per task', () => {
  const created = 1_764_000_000_000_000n;
  const a = replyRecordKey('rt_1', created);
  assert.match(a, TID_PATTERN);
  assert.equal(replyRecordKey('rt_1', created), a);
  const keys = new Set(Array.from({ length: 2000 }, (_, i) => replyRecordKey(`rt_${i}`, created)));
  assert.equal(keys.size, 2000, 'no collisions among 2000 tasks of the same microsecond');
  const micros = decode(a) >> 10n;
  assert.ok(micros - created < 1n << 20n && created - micros < 1n << 20n, 'within about a second of the task');
  assert.match(replyRecordKey('rt_2', 0n), TID_PATTERN);
});

test('two budget clients racing on one account through NATS KV never grant more than the budget', async (t) => {
  const namespace = testNamespace('brb');
  const buses = [await createBus(parseBusUrl(natsUrl(), namespace)), await createBus(parseBusUrl(natsUrl(), namespace))];
  t.after(async () => {
    for (const b of buses) await b.close();
    await deleteNamespace(namespace);
  });
  const budgets = await Promise.all(buses.map(async (b) => new SharedBudget(await b.kv('botsky_budgets'), { hour: 30, day: 1000 })));
  const grants = await Promise.all(Array.from({ length: 24 }, (_, i) => budgets[i % 2]!.reserve('did:plc:bot', 3)));
  assert.equal(grants.filter((g) => g.ok).length, 10);
  const denied = grants.find((g) => !g.ok);
  assert.ok(denied && !denied.ok && denied.retryAfterMs > 59 * 60_000);
  assert.equal((await budgets[0]!.usage('did:plc:bot')).hour, 30);
});
