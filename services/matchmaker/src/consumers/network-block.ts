// botsky.network.block: blocking any bot (or the project's account) opts a person out at once,
// and the block is remembered per bot, durably, before the event is acked.
import type { NetworkEvent } from '@botsky/contracts';
import type { Deps } from './activity.ts';

/** How stale the roster may be when a block names an account not known as a bot. */
const ROSTER_FRESH_MS = 1_000;

export async function onBlock({ ctx }: Deps, ev: NetworkEvent, subjectDid: string): Promise<void> {
  if (!ctx.roster.isBot(subjectDid)) await ctx.roster.refreshUnlessFresh(ROSTER_FRESH_MS);
  const isBot = ctx.roster.isBot(subjectDid);
  if (!isBot && subjectDid !== ctx.config.projectDid) return;
  const { before } = await ctx.consent.mutate(ev.did, (cur) => ({
    state: 'out',
    reason: 'block',
    at: ctx.now(),
    followUri: cur?.followUri,
    blocks: isBot ? { ...cur?.blocks, [ev.uri]: subjectDid } : (cur?.blocks ?? {}),
  }));
  if (before?.state !== 'out') ctx.matchmakerMetrics.optOuts.inc({ reason: 'block' });
  ctx.logger.info({ did: ev.did, blocked: subjectDid }, 'opted out: blocked a bot');
}
