// Shared by the network consumers: the time of an event, and noting a person's activity (which
// makes an opted-in person "online", a candidate to be introduced).
import type { NetworkEvent } from '@botsky/contracts';
import type { MatchmakerContext } from '../context.ts';
import type { MatchState } from '../match/state.ts';

/** Consent of an active person is re-read at most this often for the candidate pre-filter. */
export const CONSENT_CACHE_MS = 60_000;

export interface Deps {
  ctx: MatchmakerContext;
  st: MatchState;
}

/** The event's time in ms, never in the future (clients and sources can be wrong). */
export function eventTime(ctx: MatchmakerContext, ev: NetworkEvent): number {
  const now = ctx.now();
  const t = ev.timeUs > 0n ? Number(ev.timeUs / 1000n) : now;
  return Math.min(t, now);
}

/**
 * Notes activity of an opted-in person and says whether they are in. Only opted-in people are
 * kept: they alone are answered or introduced, and on the real network everyone else would
 * crowd them out of the bounded memory.
 */
export async function noteActivity({ ctx, st }: Deps, ev: NetworkEvent): Promise<boolean> {
  if (ctx.roster.isBot(ev.did)) return false;
  const consent = await ctx.consent.cached(ev.did, CONSENT_CACHE_MS);
  if (consent?.state !== 'in') return false;
  st.people.touch(ev.did, eventTime(ctx, ev));
  return true;
}
