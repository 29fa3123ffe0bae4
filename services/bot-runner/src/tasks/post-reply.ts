// Posting the reply, at most once per task: the record key comes from the task id, so a second
// attempt (a redelivery, another replica) finds the first reply, or the PDS refuses the duplicate
// key and the existing reply is the answer.
import type { AtpAgent, Facet } from '@atproto/api';
import { isNotFound } from '../accounts/bot-account.ts';

export interface StrongRef {
  uri: string;
  cid: string;
}

export interface ReplyRefs {
  root: StrongRef;
  parent: StrongRef;
}

export interface ReplyRecord {
  text: string;
  facets: Facet[];
  reply: ReplyRefs;
  langs?: string[];
}

export class PostError extends Error {
  override readonly name = 'PostError';
  /** Worth trying again later (the PDS was unreachable or answered 5xx). */
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.retryable = retryable;
  }
}

const POST = 'app.bsky.feed.post';

/** The reply already posted under this key, if any. */
export async function existingReply(
  agent: AtpAgent,
  repo: string,
  rkey: string,
): Promise<(StrongRef & { text: string; parentUri: string; facets: Facet[] }) | undefined> {
  try {
    const res = await agent.com.atproto.repo.getRecord({ repo, collection: POST, rkey });
    const value = res.data.value as { text?: unknown; reply?: { parent?: { uri?: unknown } }; facets?: unknown };
    const facets = Array.isArray(value.facets) ? (value.facets as Facet[]) : [];
    return {
      uri: res.data.uri,
      cid: res.data.cid ?? '',
      text: String(value.text ?? ''),
      parentUri: String(value.reply?.parent?.uri ?? ''),
      facets,
    };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw new PostError(`cannot read ${repo}/${rkey}: ${(err as Error).message}`, true, { cause: err });
  }
}

export async function createReply(
  agent: AtpAgent,
  repo: string,
  rkey: string,
  reply: ReplyRecord,
): Promise<StrongRef & { existed: boolean }> {
  const record = {
    $type: POST,
    text: reply.text,
    facets: reply.facets,
    reply: reply.reply,
    ...(reply.langs?.length ? { langs: reply.langs.slice(0, 3) } : {}),
    createdAt: new Date().toISOString(),
  };
  try {
    const res = await agent.com.atproto.repo.createRecord({ repo, collection: POST, rkey, record, validate: true });
    return { uri: res.data.uri, cid: res.data.cid, existed: false };
  } catch (err) {
    // Another replica posted this task's reply between our check and our write.
    const existing = await existingReply(agent, repo, rkey).catch(() => undefined);
    if (existing) return { uri: existing.uri, cid: existing.cid, existed: true };
    throw new PostError(`the PDS refused the reply: ${(err as Error).message}`, isTransient(err), { cause: err });
  }
}

function isTransient(err: unknown): boolean {
  const status = (err as { status?: number }).status;
  return status === undefined || status >= 500 || status === 429 || status === 1;
}
