// A bot's Bluesky account: one session per bot for the process's lifetime. Logins are rate
// limited (createSession: 30 per 5 minutes, 300 a day), so bot-runner logs in once at start-up and
// the agent refreshes its access token when the PDS says it expired or cannot verify it (AtpAgent
// does this on ExpiredToken, session-fetch.ts adds InvalidToken, and the call is repeated); it
// never logs in per post.
import { AtpAgent, type AtpSessionData, type AtpSessionEvent } from '@atproto/api';
import type { BotEntry } from '../registry/load.ts';
import { refreshOnInvalidToken } from './session-fetch.ts';

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

export async function loginBot(bot: BotEntry, pdsUrl: string, onSession: SessionListener = () => {}): Promise<BotAccount> {
  let saved: AtpSessionData | undefined;
  const agent = new AtpAgent({
    service: bot.service ?? pdsUrl,
    fetch: refreshOnInvalidToken(),
    persistSession: (event, session) => {
      onSession(bot, event);
      if (session) saved = session;
    },
  });
  try {
    await agent.login({ identifier: bot.handle, password: bot.appPassword.reveal() });
  } catch (err) {
    throw new BotAccountError(`bot "${bot.id}": cannot log in as ${bot.handle}: ${(err as Error).message}`, { cause: err });
  }
  const did = saved?.did ?? agent.session?.did;
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
