// Bot sessions shared across replicas (accounts/shared-sessions.ts) on the real parts: the
// reference PDS and NATS KV. Five replicas connecting one bot at once log in once (the others wait
// for the lock holder's session and resume it); a lock left by a replica that died is taken over;
// a stored session the PDS no longer accepts is forgotten and replaced by one login; a session
// sealed under another secret is not used.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KV_BUCKETS, REGISTRY_SEAL_PURPOSE } from '@botsky/contracts';
import { Sealer } from '@botsky/kit';
import { connectBot, type SharedSessionEvent } from '../src/accounts/bot-account.ts';
import { LOCK_STALE_MS, SharedSessions } from '../src/accounts/shared-sessions.ts';
import { botEntry, startWorld } from './helpers/world.ts';

const sealer = new Sealer('shared-sessions-test', REGISTRY_SEAL_PURPOSE);

test('bot sessions are shared: one login for many replicas, stale locks taken over, dead sessions replaced', {
  timeout: 90_000,
}, async (t) => {
  const world = await startWorld(t, ['sunny']);
  const bot = await botEntry(world, 'sunny', { kind: 'offline', style: 'terse' });
  const kv = await world.bus.kv(KV_BUCKETS.botSessions);
  const logins: string[] = [];
  const shared: SharedSessionEvent[] = [];
  const connect = (replica: string, sessions = new SharedSessions(kv, sealer, replica)) =>
    connectBot(bot, world.net.pdsUrl, {
      beforeLogin: async () => void logins.push(replica),
      sessions,
      onShared: (e) => shared.push(e),
    });

  // Five replicas at once: one logs in, four resume its session.
  const accounts = await Promise.all(['r1', 'r2', 'r3', 'r4', 'r5'].map((r) => connect(r)));
  assert.equal(logins.length, 1, `one login, by ${logins.join(', ')}`);
  assert.equal(shared.filter((e) => e === 'resumed').length, 4);
  assert.equal(new Set(accounts.map((a) => a.did)).size, 1);
  for (const a of accounts) assert.equal((await a.agent.com.atproto.server.getSession()).data.did, a.did, 'every session works');
  assert.equal(await kv.get('l.sunny'), undefined, 'the login lock is released');
  const stored = await kv.get('s.sunny');
  assert.ok(stored && !new TextDecoder().decode(stored.value).includes('eyJ'), 'the stored session is sealed, no token in the clear');

  // A stored session the PDS no longer accepts (the builder revoked the app password and made a
  // new one): forgotten, and one login with the new password replaces it.
  const owner = world.accounts.get('sunny')?.agent;
  const { data } = await owner!.com.atproto.server.listAppPasswords();
  for (const p of data.passwords) await owner!.com.atproto.server.revokeAppPassword({ name: p.name });
  const rotated = await botEntry(world, 'sunny', { kind: 'offline', style: 'terse' });
  logins.length = 0;
  await connectBot(rotated, world.net.pdsUrl, {
    beforeLogin: async () => void logins.push('r6'),
    sessions: new SharedSessions(kv, sealer, 'r6'),
    onShared: (e) => shared.push(e),
  });
  assert.deepEqual(logins, ['r6']);
  assert.ok(shared.includes('resume_failed'));
  bot.appPassword = rotated.appPassword;

  // A lock left by a replica that died (older than LOCK_STALE_MS) is taken over; a fresh one is not.
  await kv.delete('s.sunny');
  let clock = Date.now();
  const dead = new SharedSessions(kv, sealer, 'dead', () => clock);
  assert.equal(await dead.lock('sunny'), true);
  const later = new SharedSessions(kv, sealer, 'r7', () => clock + 1000);
  assert.equal(await later.lock('sunny'), false, 'a fresh lock holds');
  clock -= LOCK_STALE_MS + 1000;
  await dead.touch('sunny');
  logins.length = 0;
  await connect('r7');
  assert.deepEqual(logins, ['r7'], 'the stale lock was taken over and r7 logged in');

  // Sealed under another secret: not a session this replica can use, so it logs in.
  const other = new SharedSessions(kv, new Sealer('another-secret', REGISTRY_SEAL_PURPOSE), 'r8');
  logins.length = 0;
  await connect('r8', other);
  assert.deepEqual(logins, ['r8']);
});
