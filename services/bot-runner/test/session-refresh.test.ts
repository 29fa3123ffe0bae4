// Sessions are reused and refreshed, never re-created per post (logins are rate-limited): against
// the real PDS, an access token that expired, or that the PDS cannot verify, is replaced through
// com.atproto.server.refreshSession and the reply is posted; the bot logged in once.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { loginBot, type BotAccount } from '../src/accounts/bot-account.ts';
import { createReply } from '../src/tasks/post-reply.ts';
import { replyRecordKey } from '../src/tasks/record-key.ts';
import { botEntry, personPosts, startWorld } from './helpers/world.ts';

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** The same claims as `jwt`, issued two hours ago and expired a minute ago, signed with `secret`. */
function expiredCopy(jwt: string, secret: string): string {
  const [header, payload] = jwt.split('.') as [string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const now = Math.floor(Date.now() / 1000);
  const body = b64url(JSON.stringify({ ...claims, iat: now - 7200, exp: now - 60 }));
  // The PDS keys HS256 with the secret's UTF-8 bytes (createSecretKeyObject in @atproto/pds).
  const signature = createHmac('sha256', Buffer.from(secret)).update(`${header}.${body}`).digest();
  return `${header}.${body}.${b64url(signature)}`;
}

function setAccessJwt(account: BotAccount, accessJwt: string): void {
  const session = account.agent.sessionManager.session;
  assert.ok(session, 'logged in');
  account.agent.sessionManager.session = { ...session, accessJwt };
}

test('an expired or unverifiable access token is refreshed, not replaced by a new login', { timeout: 60_000 }, async (t) => {
  const world = await startWorld(t, ['sunny', 'ana']);
  const bot = await botEntry(world, 'sunny', { kind: 'offline', style: 'terse' });
  const events: string[] = [];
  const account = await loginBot(bot, world.net.pdsUrl, (_, event) => events.push(event));
  assert.deepEqual(events, ['create']);
  const post = await personPosts(world, 'ana', 'tomatoes are ripening');
  const reply = (n: number) =>
    createReply(account.agent, account.did, replyRecordKey(`refresh-${n}`, BigInt(Date.now()) * 1000n), {
      text: `Nice. ${n}`,
      facets: [],
      reply: { root: post, parent: post },
    });

  const expired = expiredCopy(account.agent.session?.accessJwt ?? '', world.net.jwtSecret);
  setAccessJwt(account, expired);
  const first = await reply(1);
  assert.equal(first.existed, false);
  assert.deepEqual(events, ['create', 'update'], 'one refresh, no second login');
  const refreshed = account.agent.session?.accessJwt;
  assert.ok(refreshed && refreshed !== expired);

  await reply(2);
  assert.deepEqual(events, ['create', 'update'], 'the refreshed token is reused');

  // A token the PDS cannot verify (signed with another key): refreshed the same way.
  setAccessJwt(account, forged(refreshed));
  await reply(3);
  assert.deepEqual(events, ['create', 'update', 'update']);

  const landed = await world.accounts
    .get('sunny')!
    .agent.com.atproto.repo.listRecords({ repo: account.did, collection: 'app.bsky.feed.post' });
  assert.equal(landed.data.records.length, 3);
});

/** `jwt` with its claims kept and its signature made with a key the PDS does not hold. */
function forged(jwt: string): string {
  const [header, payload] = jwt.split('.') as [string, string];
  const signature = createHmac('sha256', 'not-the-pds-secret').update(`${header}.${payload}`).digest();
  return `${header}.${payload}.${b64url(signature)}`;
}
