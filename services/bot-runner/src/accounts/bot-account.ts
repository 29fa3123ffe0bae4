// A bot's Bluesky account: one session per bot for the process's lifetime. Logins are rate
// limited (createSession: 30 per 5 minutes, 300 a day), so bot-runner logs in once per bot (once
// for every replica with shared sessions, shared-sessions.ts) and
// the agent refreshes its access token when the PDS says it expired or cannot verify it (AtpAgent
// does this on ExpiredToken, session-fetch.ts adds InvalidToken, and the call is repeated); it
// never logs in per post.
import { setTimeout as sleep } from 'node:timers/promises';
import { AtpAgent, type AtpSessionData, type AtpSessionEvent } from '@atproto/api';
import type { BotEntry } from '../registry/load.ts';
import { refreshOnInvalidToken } from './session-fetch.ts';
import type { SharedSessions } from './shared-sessions.ts';

export class BotAccountError extends Error {
  override readonly name = 'BotAccountError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface BotAccount {
  readonly bot: BotEntry;
  readonly agent: AtpAgent;
  readonly did: string;
  readonly handle: string;
}

/** Told of every session event: create (a login), update (a refresh), expired, ... */
export type SessionListener = (bot: BotEntry, event: AtpSessionEvent) => void;

export type SharedSessionEvent = 'resumed' | 'saved' | 'resume_failed' | 'save_failed' | 'waited';

export interface ConnectOptions {
  /** Takes a point of the account's login budget (waits for one); called right before each login. */
  beforeLogin: () => Promise<void>;
  onSession?: SessionListener;
  /** The sessions every replica shares; without it each replica logs in by itself. */
  sessions?: SharedSessions;
  onShared?: (event: SharedSessionEvent) => void;
  signal?: AbortSignal;
}

// How often a replica waiting for another's login looks again, and keeps its own lock fresh.
const WAIT_STEP_MS = 500;
const LOCK_TOUCH_MS = 20_000;

/**
 * The bot's session: the one another replica stored, when there is one the PDS still accepts;
 * otherwise this replica logs in (once, holding the login lock, so the others wait for it and
 * resume its session). Without shared sessions: a login.
 */
export async function connectBot(bot: BotEntry, pdsUrl: string, o: ConnectOptions): Promise<BotAccount> {
  const service = bot.service ?? pdsUrl;
  let saved: AtpSessionData | undefined;
  const agent = new AtpAgent({
    service,
    fetch: refreshOnInvalidToken(),
    persistSession: (event, session) => {
      o.onSession?.(bot, event);
      if (session) saved = session;
      // A refresh is shared at once: the others' next refresh would otherwise use an older token.
      if (session && event === 'update' && o.sessions)
        o.sessions.save(bot.id, { handle: bot.handle, service, session }).then(
          () => o.onShared?.('saved'),
          () => o.onShared?.('save_failed'),
        );
      // Our refresh token was spent by another replica longer ago than the PDS's grace period:
      // theirs is in the store.
      if (event === 'expired' && o.sessions) void adoptShared(agent, bot, service, o.sessions, saved?.refreshJwt, o.onShared);
    },
  });
  const shared = o.sessions;
  if (shared) {
    for (;;) {
      o.signal?.throwIfAborted();
      const stored = await shared.load(bot.id, bot.handle, service);
      if (stored) {
        try {
          await agent.resumeSession(stored);
          o.onShared?.('resumed');
          return account(bot, agent, saved ?? stored);
        } catch {
          // Revoked, or its refresh token expired: forget it and log in afresh.
          o.onShared?.('resume_failed');
          await shared.forget(bot.id);
        }
      }
      if (await shared.lock(bot.id)) break;
      o.onShared?.('waited');
      await sleep(WAIT_STEP_MS, undefined, o.signal ? { signal: o.signal } : {});
    }
  }
  const touch = shared ? setInterval(() => void shared.touch(bot.id).catch(() => {}), LOCK_TOUCH_MS) : undefined;
  try {
    await o.beforeLogin();
    try {
      await agent.login({ identifier: bot.handle, password: bot.appPassword.reveal() });
    } catch (err) {
      throw new BotAccountError(`bot "${bot.id}": cannot log in as ${bot.handle}: ${(err as Error).message}`, { cause: err });
    }
    const session = saved ?? agent.session;
    if (shared && session) {
      await shared.save(bot.id, { handle: bot.handle, service, session }).then(
        () => o.onShared?.('saved'),
        () => o.onShared?.('save_failed'),
      );
    }
    return account(bot, agent, session);
  } finally {
    clearInterval(touch);
    await shared?.unlock(bot.id).catch(() => {});
  }
}

/** A login without shared sessions (the tests' and the file registry's simplest case). */
export function loginBot(bot: BotEntry, pdsUrl: string, onSession: SessionListener = () => {}): Promise<BotAccount> {
  return connectBot(bot, pdsUrl, { beforeLogin: async () => {}, onSession });
}

function account(bot: BotEntry, agent: AtpAgent, session: AtpSessionData | undefined): BotAccount {
  const did = session?.did ?? agent.session?.did;
  if (!did) throw new BotAccountError(`bot "${bot.id}": no session after logging in`);
  return { bot, agent, did, handle: agent.session?.handle ?? bot.handle };
}

const PROFILE = 'app.bsky.actor.profile';
const SELF_LABELS = 'com.atproto.label.defs#selfLabels';

/**
 * Puts the `bot` self-label on the account's profile, keeping every other field of it. Replicas
 * starting together race here: the write is a compare-and-swap on the profile, retried after a
 * lost race (by then the winner has usually added the label).
 */
export async function ensureBotLabel(account: BotAccount, attempts = 3): Promise<'added' | 'present'> {
  for (let i = 1; ; i++) {
    try {
      return await putBotLabel(account);
    } catch (err) {
      if (i >= attempts || !isSwapLost(err))
        throw new BotAccountError(`bot "${account.bot.id}": cannot set the bot self-label: ${(err as Error).message}`, { cause: err });
    }
  }
}

async function putBotLabel({ agent, did }: BotAccount): Promise<'added' | 'present'> {
  const current = await getProfileRecord(agent, did);
  const value: Record<string, unknown> = { ...(current?.value ?? {}), $type: PROFILE };
  const labels = value.labels as { $type?: string; values?: Array<{ val: string }> } | undefined;
  const values = labels?.$type === SELF_LABELS && Array.isArray(labels.values) ? labels.values : [];
  if (values.some((l) => l.val === 'bot')) return 'present';
  value.labels = { $type: SELF_LABELS, values: [...values, { val: 'bot' }] };
  // swapRecord (null: must not exist yet): if the profile changed since we read it, the write fails
  // rather than overwrite that change.
  await agent.com.atproto.repo.putRecord({
    repo: did,
    collection: PROFILE,
    rkey: 'self',
    record: value,
    swapRecord: current ? current.cid : null,
  });
  return 'added';
}

function isSwapLost(err: unknown): boolean {
  const e = err as { error?: string; message?: string };
  return e?.error === 'InvalidSwap' || /swap|already exists/i.test(e?.message ?? '');
}

async function getProfileRecord(agent: AtpAgent, did: string): Promise<{ value: Record<string, unknown>; cid: string } | undefined> {
  try {
    const res = await agent.com.atproto.repo.getRecord({ repo: did, collection: PROFILE, rkey: 'self' });
    return { value: res.data.value as Record<string, unknown>, cid: res.data.cid ?? '' };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export function isNotFound(err: unknown): boolean {
  const e = err as { error?: string; status?: number; message?: string };
  return e?.error === 'RecordNotFound' || /could not locate record|not found/i.test(e?.message ?? '');
}

async function adoptShared(
  agent: AtpAgent,
  bot: BotEntry,
  service: string,
  sessions: SharedSessions,
  expiredRefresh: string | undefined,
  onShared: ConnectOptions['onShared'],
): Promise<void> {
  try {
    const stored = await sessions.load(bot.id, bot.handle, service);
    if (!stored || stored.refreshJwt === expiredRefresh) return;
    await agent.resumeSession(stored);
    onShared?.('resumed');
  } catch {
    onShared?.('resume_failed');
  }
}
