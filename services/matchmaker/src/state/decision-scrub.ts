// A stored decision (KV_BUCKETS.decisions) keeps what it was made from for the bucket's max age:
// the post it answers (ReplyTask.post: the text, facets, link card, alt texts), the interest terms
// of its author and of the people considered (words of their posts), and the words the chosen
// person shares with the post ("shares: ..." reasons). When someone's words go (a post deleted,
// an account gone), every decision they are part of is rewritten without them: the deleted post's
// own decision (or, for an account, every decision on its posts) loses the post too. A rewritten
// decision counts as published: a deleted post is never answered, and a replay of it re-publishes
// nothing.
import { decode, encode, MatchDecisionSchema, ReplyTaskSchema, type MentionCandidate } from '@botsky/contracts';
import type { StoredDecision } from './decisions.ts';

/** Whose words go: `did`'s; with `postUri`, that post of theirs; with `account`, all of theirs. */
export interface Gone {
  did: string;
  postUri?: string;
  account?: boolean;
}

/** A reason keeps that words were shared, not which. */
export function scrubbedReason(reason: string): string {
  return reason.startsWith('shares: ') ? 'shares' : reason;
}

/** Scrubs a candidate's interests (when they are `did`'s) and its shared words (when `shared`). */
function scrubCandidate(c: MentionCandidate | undefined, did: string, shared: boolean): boolean {
  if (!c) return false;
  const interests = c.did === did && c.interests.length > 0;
  const reason = (shared || c.did === did) && scrubbedReason(c.reason) !== c.reason;
  if (interests) c.interests = [];
  if (reason) c.reason = scrubbedReason(c.reason);
  return interests || reason;
}

/** The decision without `gone`'s words; undefined when it holds none of them. */
export function scrubbedDecision(d: StoredDecision, gone: Gone): StoredDecision | undefined {
  const decision = decode(MatchDecisionSchema, d.decision);
  const byAuthor = decision.authorDid === gone.did;
  const whole = byAuthor && (gone.account === true || decision.postRef?.uri === gone.postUri);
  let changed = false;
  const tasks = d.tasks.map((bytes) => {
    const t = decode(ReplyTaskSchema, bytes);
    let touched = scrubCandidate(t.mention, gone.did, byAuthor);
    if (byAuthor && t.authorInterests.length > 0) {
      t.authorInterests = [];
      touched = true;
    }
    if (whole && t.post !== undefined) {
      t.post = undefined;
      touched = true;
    }
    if (!touched) return bytes;
    changed = true;
    return encode(ReplyTaskSchema, t);
  });
  const candidates = [...decision.candidates, decision.chosen].map((c) => scrubCandidate(c, gone.did, byAuthor)).some(Boolean);
  if (!changed && !candidates && !(whole && !d.published)) return undefined;
  return { tasks, decision: candidates ? encode(MatchDecisionSchema, decision) : d.decision, published: d.published || whole };
}

/** Whether `did` wrote the decided post, or was a person it considered. */
export function decisionInvolves(d: StoredDecision, did: string): boolean {
  const decision = decode(MatchDecisionSchema, d.decision);
  if (decision.authorDid === did || decision.chosen?.did === did || decision.candidates.some((c) => c.did === did)) return true;
  return d.tasks.some((bytes) => decode(ReplyTaskSchema, bytes).mention?.did === did);
}
