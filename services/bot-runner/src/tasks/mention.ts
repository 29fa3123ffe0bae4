// The person a reply pulls in is named only under a handle verified both ways, looked up here
// again (from the cache, mostly) rather than taken from the task: the matchmaker's look-up may be
// an hour old and the handle changed since. A changed handle is used; a handle that no longer
// verifies drops the mention (the reply goes out without one, and no introduction is recorded).
import { create, MentionCandidateSchema, type ReplyTask } from '@botsky/contracts';
import type { Identities } from '@botsky/identity';
import type { Facet } from '@atproto/api';

export interface MentionCheck {
  task: ReplyTask;
  /** Set when the task's mention was dropped: why. */
  dropped?: 'handle-unverified';
}

export async function withVerifiedMention(task: ReplyTask, identities: Identities): Promise<MentionCheck> {
  const mention = task.mention;
  if (!mention) return { task };
  const handle = await identities.verifiedHandle(mention.did);
  if (!handle) {
    const rest = { ...task, mention: undefined, noMentionReason: `the handle of ${mention.did} does not verify` };
    return { task: rest, dropped: 'handle-unverified' };
  }
  if (handle === mention.handle.toLowerCase()) return { task };
  return { task: { ...task, mention: create(MentionCandidateSchema, { ...mention, handle }) } };
}

/** The DID the reply's mention facets name, when it is the task's chosen person: the introduction that was made. */
export function introducedDid(task: ReplyTask, facets: readonly Facet[] | undefined): string {
  const want = task.mention?.did;
  if (!want) return '';
  const named = (facets ?? []).some((f) =>
    f.features.some((x) => x.$type === 'app.bsky.richtext.facet#mention' && (x as { did?: unknown }).did === want),
  );
  return named ? want : '';
}
