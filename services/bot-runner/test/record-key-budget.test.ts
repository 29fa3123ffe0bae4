// The reply's record key (a valid TID, derived from the task) and the write and login budgets
// shared through NATS KV by compare-and-set: many reservations at once never grant more than the
// budget, and a replica out of logins waits instead of logging in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBus, parseBusUrl } from '@botsky/bus';
import { deleteTestNamespace, natsUrl, testNamespace } from '@botsky/kit/testing';
import { takeLogin } from '../src/accounts/login-budget.ts';
import { loginWindows } from '../src/budget/ledger.ts';
import { SharedBudget } from '../src/budget/shared.ts';
import { replyRecordKey } from '../src/tasks/record-key.ts';
import { TID_PATTERN } from '../src/tasks/record-key.ts';

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
    await deleteTestNamespace(namespace);
  });
  const budgets = await Promise.all(buses.map(async (b) => new SharedBudget(await b.kv('botsky_budgets'), { hour: 30, day: 1000 })));
  const grants = await Promise.all(Array.from({ length: 24 }, (_, i) => budgets[i % 2]!.reserve('did:plc:bot', 3)));
  assert.equal(grants.filter((g) => g.ok).length, 10);
  const denied = grants.find((g) => !g.ok);
  assert.ok(denied && !denied.ok && denied.retryAfterMs > 59 * 60_000);
  assert.equal((await budgets[0]!.usage('did:plc:bot')).used.hour, 30);
});

test('logins are budgeted across replicas: at most the 5-minute and daily budget, then a replica waits', async (t) => {
  const namespace = testNamespace('brl');
  const buses = [await createBus(parseBusUrl(natsUrl(), namespace)), await createBus(parseBusUrl(natsUrl(), namespace))];
  t.after(async () => {
    for (const b of buses) await b.close();
    await deleteTestNamespace(namespace);
  });
  let now = 1_764_000_000_000;
  const clock = () => now;
  const replicas = await Promise.all(
    buses.map(async (b) => new SharedBudget(await b.kv('botsky_budgets'), loginWindows({ fiveMinutes: 4, day: 6 }), clock, 'login')),
  );
  // Twelve replicas' worth of start-ups at once, through two clients: four logins, the rest refused.
  const grants = await Promise.all(Array.from({ length: 12 }, (_, i) => replicas[i % 2]!.reserve('bot.test', 1)));
  assert.equal(grants.filter((g) => g.ok).length, 4);
  const refused = grants.find((g) => !g.ok);
  assert.ok(
    refused && !refused.ok && refused.retryAfterMs > 4 * 60_000 && refused.retryAfterMs <= 6 * 60_000,
    'the next login is about 5 minutes away',
  );
  // The write budget of the same account is a different ledger: logins do not spend it.
  const writes = new SharedBudget(await buses[0]!.kv('botsky_budgets'), { hour: 3, day: 3 }, clock);
  assert.equal((await writes.reserve('bot.test', 3)).ok, true);

  // takeLogin waits (reporting how long) rather than logging in; a stop ends the wait.
  const waits: number[] = [];
  const stop = new AbortController();
  const waiting = takeLogin(replicas[1]!, 'bot.test', stop.signal, (ms) => waits.push(ms));
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(waits.length >= 1 && waits[0]! > 4 * 60_000, `told to wait: ${waits.join(', ')}`);
  stop.abort(new Error('stopping'));
  await assert.rejects(waiting, { name: 'AbortError' });

  // Six minutes on, two more logins fit the daily budget of six; then the day is spent.
  now += 6 * 60_000;
  await takeLogin(replicas[0]!, 'bot.test', new AbortController().signal);
  await takeLogin(replicas[1]!, 'bot.test', new AbortController().signal);
  const dayOver = await replicas[0]!.reserve('bot.test', 1);
  assert.ok(!dayOver.ok && dayOver.retryAfterMs > 60 * 60_000, 'the daily budget holds after the 5-minute window reopens');
  assert.deepEqual((await replicas[0]!.usage('bot.test')).used, { '5m': 2, day: 6 });
});
