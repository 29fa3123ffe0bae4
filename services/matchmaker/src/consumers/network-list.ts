// botsky.network.listblock and botsky.network.listitem, and their deletions, on the consumer group
// (once for all replicas): the consent side of list blocks. A person who list-blocks a list with
// a bot on it is treated as one who blocks that bot (network-block.ts): opted out at once, and the
// bot remembered as blocked, durably, before the event is acked; the project's account on the
// list opts them out too. The blocked bots are kept under `<list block URI>#<bot DID>`, so
// deleting the list block lifts them (the person stays out until they opt in again), and so does
// the bot being taken off the list. A list's members come from this replica's ListBlocks (read
// from the owner's PDS once, then followed); the handlers run once the state follower has read
// up to their event, so it knows who blocks the list and what the event changed.
// Who is introduced to whom is every replica's own business: network-state.ts and match/mention.ts.
import type { NetworkEvent } from '@botsky/contracts';
import type { ConsentRecord } from '@botsky/contracts';
import type { Deps } from './activity.ts';

export const LISTBLOCK = 'app.bsky.graph.listblock';
export const LISTITEM = 'app.bsky.graph.listitem';
/** How stale the roster may be when a list names accounts not known as bots. */
const ROSTER_FRESH_MS = 1_000;

const botKey = (listBlockUri: string, botDid: string) => `${listBlockUri}#${botDid}`;

/**
 * A list block: its list's members are read (once) and any bot on it is blocked. `stateRead`:
 * the state follower has applied the event; when it no longer holds the list block, the block was
 * deleted since (this is a redelivery that came back after the deletion) and blocks nothing.
 */
export async function onListBlock(deps: Deps, ev: NetworkEvent, listUri: string, stateRead: boolean): Promise<void> {
  const { ctx, st } = deps;
  if (stateRead && !st.lists.has(ev.uri)) return;
  // Unreadable: thrown, so the consumer redelivers it later (dead-lettered after the last try).
  const members = await st.lists.members(listUri);
  if (![...members].some((d) => ctx.roster.isBot(d))) await ctx.roster.refreshUnlessFresh(ROSTER_FRESH_MS);
  const bots = [...members].filter((d) => ctx.roster.isBot(d));
  const project = ctx.config.projectDid !== undefined && members.has(ctx.config.projectDid);
  if (bots.length === 0 && !project) return;
  await optOut(deps, ev.did, Object.fromEntries(bots.map((b) => [botKey(ev.uri, b), b])), listUri);
}

/** A list item: a bot (or the project's account) put on a list blocks it for everyone who blocks the list. */
export async function onListItem(deps: Deps, _ev: NetworkEvent, listUri: string, subjectDid: string): Promise<void> {
  const { ctx, st } = deps;
  const blocks = st.lists.blocksOf(listUri);
  if (blocks.length === 0) return;
  if (!ctx.roster.isBot(subjectDid)) await ctx.roster.refreshUnlessFresh(ROSTER_FRESH_MS);
  const isBot = ctx.roster.isBot(subjectDid);
  if (!isBot && subjectDid !== ctx.config.projectDid) return;
  for (const b of blocks) await optOut(deps, b.did, isBot ? { [botKey(b.uri, subjectDid)]: subjectDid } : {}, listUri);
}

/** A list block lifted, or an account taken off a list. */
export async function onListDelete(deps: Deps, ev: NetworkEvent, collection: string): Promise<void> {
  if (collection === LISTBLOCK) {
    await lift(deps, ev.did, (key) => key.startsWith(`${ev.uri}#`));
    return;
  }
  const gone = deps.st.lists.item(ev.uri);
  if (!gone || !deps.ctx.roster.isBot(gone.subject) || deps.st.lists.onListBesides(gone.list, gone.subject, ev.uri)) return;
  for (const b of deps.st.lists.blocksOf(gone.list)) await lift(deps, b.did, (key) => key === botKey(b.uri, gone.subject));
}

async function optOut({ ctx }: Deps, did: string, bots: Record<string, string>, listUri: string): Promise<void> {
  const { before, after } = await ctx.consent.mutate(did, (cur) => {
    if (cur?.state === 'out' && Object.keys(bots).every((k) => cur.blocks[k] !== undefined)) return undefined;
    return { state: 'out', reason: 'listblock', at: ctx.now(), followUri: cur?.followUri, blocks: { ...cur?.blocks, ...bots } };
  });
  if (before?.state !== 'out' && after?.state === 'out') ctx.matchmakerMetrics.optOuts.inc({ reason: 'listblock' });
  if (before !== after) ctx.logger.info({ did, list: listUri, blocked: Object.values(bots) }, 'opted out: list-blocked a bot');
}

async function lift({ ctx }: Deps, did: string, matches: (key: string) => boolean): Promise<void> {
  await ctx.consent.mutate(did, (cur): ConsentRecord | undefined => {
    if (!cur || !Object.keys(cur.blocks).some(matches)) return undefined;
    return { ...cur, blocks: Object.fromEntries(Object.entries(cur.blocks).filter(([k]) => !matches(k))) };
  });
}
