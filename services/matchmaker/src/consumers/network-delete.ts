// botsky.network.delete: deleting the follow of the project's account (an unfollow) opts a person
// out; deleting a block of a bot lifts that bot's block (the person stays out until they opt in
// again). A delete names only the record, so the consent record keeps the URIs it needs.
import type { NetworkEvent } from '@botsky/contracts';
import type { Deps } from './activity.ts';

const FOLLOW = 'app.bsky.graph.follow';
const BLOCK = 'app.bsky.graph.block';

export async function onDelete({ ctx }: Deps, ev: NetworkEvent, collection: string): Promise<void> {
  if (collection === FOLLOW) {
    const { before, after } = await ctx.consent.mutate(ev.did, (cur) => {
      if (!cur || cur.followUri !== ev.uri) return undefined;
      return { state: 'out', reason: 'unfollow', at: ctx.now(), blocks: cur.blocks };
    });
    if (before?.state === 'in' && after?.state === 'out') ctx.mm.optOuts.inc({ reason: 'unfollow' });
  } else if (collection === BLOCK) {
    await ctx.consent.mutate(ev.did, (cur) => {
      if (!cur?.blocks[ev.uri]) return undefined;
      const { [ev.uri]: _, ...rest } = cur.blocks;
      return { ...cur, blocks: rest };
    });
  }
}
