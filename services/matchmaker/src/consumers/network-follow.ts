// botsky.network.follow: following the project's account opts a person in (again, after an
// opt-out too: it is an explicit choice), to replies and to being introduced to strangers. The
// follow's URI is kept to recognise an unfollow, which takes both back.
import type { NetworkEvent } from '@botsky/contracts';
import type { Deps } from './activity.ts';

export async function onFollow({ ctx }: Deps, ev: NetworkEvent, subjectDid: string): Promise<void> {
  if (ctx.config.projectDid !== undefined && subjectDid === ctx.config.projectDid && !ctx.roster.isBot(ev.did)) {
    await ctx.consent.mutate(ev.did, (cur) => ({
      state: 'in',
      reason: 'follow',
      at: ctx.now(),
      followUri: ev.uri,
      blocks: cur?.blocks ?? {},
      introductions: true,
    }));
  }
}
