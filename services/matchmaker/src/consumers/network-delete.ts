// botsky.network.delete, and botsky.network.account for accounts gone (the consumer group: once
// for all replicas). Deleting the follow of the project's account (an unfollow) opts a person
// out; deleting a block of a bot lifts that bot's block (the person stays out until they opt in
// again). A delete names only the record, so the consent record keeps the URIs it needs.
// Deleting a post, or an account going (deleted, deactivated, taken down, suspended), takes the
// person's words out of the shared decisions (state/decision-scrub.ts); each replica's own memory
// forgets them in network-forget.ts.
import { KV_BUCKETS, matchDecisionId, type Account, type NetworkEvent } from '@botsky/contracts';
import type { Gone } from '../state/decision-scrub.ts';
import type { Deps } from './activity.ts';
import { accountTextsGone } from './forget-rules.ts';
import { scrubDecision } from './scrub-decision.ts';

const FOLLOW = 'app.bsky.graph.follow';
const BLOCK = 'app.bsky.graph.block';
const POST = 'app.bsky.feed.post';

export async function onDelete(deps: Deps, ev: NetworkEvent, collection: string): Promise<void> {
  const { ctx } = deps;
  if (collection === FOLLOW) {
    const { before, after } = await ctx.consent.mutate(ev.did, (cur) => {
      if (!cur || cur.followUri !== ev.uri) return undefined;
      return { state: 'out', reason: 'unfollow', at: ctx.now(), blocks: cur.blocks };
    });
    if (before?.state === 'in' && after?.state === 'out') ctx.matchmakerMetrics.optOuts.inc({ reason: 'unfollow' });
  } else if (collection === BLOCK) {
    await ctx.consent.mutate(ev.did, (cur) => {
      if (!cur?.blocks[ev.uri]) return undefined;
      const { [ev.uri]: _, ...rest } = cur.blocks;
      return { ...cur, blocks: rest };
    });
  } else if (collection === POST && ev.uri.startsWith(`at://${ev.did}/${POST}/`)) {
    await scrubAll(deps, { did: ev.did, postUri: ev.uri });
  }
}

/** An account gone: every decision it is part of loses its words, and its posts with them. */
export async function onAccount(deps: Deps, ev: NetworkEvent, account: Account): Promise<void> {
  if (accountTextsGone(account)) await scrubAll(deps, { did: ev.did, account: true });
}

/**
 * Rewrites every stored decision holding `gone`'s words: the deleted post's own, and the others
 * that carry the author's interest terms or words shared with them. Only people with a consent
 * record are answered or considered, so only their deletions walk the bucket; the rest of the
 * network's cost one read.
 */
async function scrubAll({ ctx }: Deps, gone: Gone): Promise<void> {
  if (!(await ctx.consent.read(gone.did))) return;
  const kv = await ctx.bus.kv(KV_BUCKETS.decisions);
  const ids = gone.postUri !== undefined ? [matchDecisionId(gone.postUri)] : [];
  for (const id of new Set([...ids, ...(await kv.keys())])) await scrubDecision(ctx, id, [gone]);
}
