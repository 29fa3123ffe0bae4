// botsky.network.post: the bot loop's trigger. A bot's post is never answered (BotSky's, a known
// one, or any account with the `bot` self-label); "stop" to a bot opts the author out; tagging a
// bot opts a person in to replies (unless they opted out), not to introductions; a post by an
// opted-in person gets one reply task (two in a battle), within their caps per day and thread. Everything but posts by bots and by
// people who never opted in is also a MatchDecision event, for the warehouse.
import { matchDecisionId, type NetworkEvent, type Post } from '@botsky/contracts';
import { scrubDecision } from './scrub-decision.ts';
import { claimAndPublish, buildDecision, buildTasks, publishSkipped, publishStored, skippedDecision } from '../match/dispatch.ts';
import { planDispatch } from '../match/decide.ts';
import { interestsOf } from '../match/mention.ts';
import { didOfUri, isStopRequest } from '../match/stop.ts';
import type { ConsentRecord } from '@botsky/contracts';
import { eventTime, type Deps } from './activity.ts';

/** A post first seen later than this after it was made is not answered. */
export const MAX_POST_AGE_MS = 60 * 60_000;

type Verdict = { skip?: string; record: boolean; consent: ConsentRecord | undefined };

function touchesBot({ ctx }: Deps, post: Post): { tags: boolean; repliesToBot: boolean } {
  const mentions = new Set([...post.mentions, ...post.facets.flatMap((f) => (f.feature.case === 'mentionDid' ? [f.feature.value] : []))]);
  const tags = [...mentions].some((d) => ctx.roster.isBot(d));
  const parent = didOfUri(post.reply?.parent?.uri ?? '');
  return { tags, repliesToBot: parent !== undefined && ctx.roster.isBot(parent) };
}

async function judge(deps: Deps, ev: NetworkEvent, post: Post): Promise<Verdict> {
  const { ctx, st } = deps;
  const { tags, repliesToBot } = touchesBot(deps, post);
  if ((tags || repliesToBot) && isStopRequest(post.text)) {
    const { before } = await ctx.consent.mutate(ev.did, (cur) => ({
      state: 'out',
      reason: 'stop',
      at: ctx.now(),
      blocks: cur?.blocks ?? {},
    }));
    if (before?.state !== 'out') ctx.matchmakerMetrics.optOuts.inc({ reason: 'stop' });
    return { skip: 'stop', record: true, consent: undefined };
  }
  let consent = await ctx.consent.read(ev.did);
  if (!consent && !tags) return { skip: 'not_opted_in', record: false, consent };
  // Never a bot, BotSky's or anyone's: no loops between bots, whoever tags whom.
  if (await ctx.botAccounts.isBot(ev.did)) return { skip: 'bot_account', record: true, consent };
  // Tagging a bot asks for its answer, not for introductions to strangers (that takes following the project).
  if (!consent && tags)
    consent = (
      await ctx.consent.mutate(
        ev.did,
        (cur) => cur ?? { state: 'in', reason: 'tagged-bot', at: ctx.now(), blocks: {}, introductions: false },
      )
    ).after;
  if (!consent) return { skip: 'not_opted_in', record: false, consent };
  if (consent.state === 'out') return { skip: 'opted_out', record: true, consent };
  if (!st.people.isActive(ev.did)) return { skip: 'inactive', record: true, consent };
  if (post.selfLabels.length > 0) return { skip: 'labelled', record: true, consent };
  if (ctx.now() - eventTime(ctx, ev) > MAX_POST_AGE_MS) return { skip: 'too_old', record: true, consent };
  return { record: true, consent };
}

export async function onPost(deps: Deps, ev: NetworkEvent, post: Post): Promise<void> {
  const { ctx } = deps;
  if (ctx.roster.isBot(ev.did)) return void ctx.matchmakerMetrics.posts.inc({ outcome: 'bot_post' });
  const id = matchDecisionId(ev.uri);
  const verdict = await judge(deps, ev, post);
  // The KV decision is read only for posts that may be answered: the rest of the network costs
  // no read. A skip wins over a stored decision never published (the author opted out since).
  const stored = verdict.record ? await ctx.decisions.get(id) : undefined;
  if (verdict.skip !== undefined) {
    if (verdict.record && !stored) await publishSkipped(ctx, skippedDecision(ev, id, verdict.skip));
    return void ctx.matchmakerMetrics.posts.inc({ outcome: verdict.skip });
  }
  if (stored) {
    await publishStored(ctx, id, stored);
    return void ctx.matchmakerMetrics.posts.inc({ outcome: 'replayed' });
  }
  await dispatch(deps, ev, post, id, verdict.consent);
}

async function dispatch(deps: Deps, ev: NetworkEvent, post: Post, id: string, consent: ConsentRecord | undefined): Promise<void> {
  const { ctx, st } = deps;
  // Room for the post's replies under the author's caps, taken before anything is drawn (shared
  // with any replica deciding the same post); settled to what was published by the decision that won.
  const limits = { daily: ctx.config.replyDailyLimit, perThread: ctx.config.replyThreadLimit };
  const grant = await ctx.replyQuota.take(ev.did, post.reply?.root?.uri || ev.uri, id, ctx.now(), 2, limits);
  if (grant.granted === 0) {
    const reason = grant.limitedBy ?? 'reply_limit';
    await publishSkipped(ctx, skippedDecision(ev, id, reason));
    return void ctx.matchmakerMetrics.posts.inc({ outcome: reason });
  }
  const plan = await planDispatch(
    ctx,
    st,
    { uri: ev.uri, authorDid: ev.did, text: post.text, decisionId: id, at: eventTime(ctx, ev) },
    consent,
    grant.granted >= 2,
  );
  if (!plan) {
    await grant.settle(0);
    await publishSkipped(ctx, skippedDecision(ev, id, 'no_bot'));
    return void ctx.matchmakerMetrics.posts.inc({ outcome: 'no_bot' });
  }
  const handle = (await ctx.identities.verifiedHandle(ev.did)) ?? '';
  const profile = st.people.get(ev.did)?.profile;
  const tasks = buildTasks(ev, post, plan, { handle, interests: profile ? interestsOf(profile, (t) => st.terms.idf(t)) : [] });
  const { won } = await claimAndPublish(ctx, tasks, buildDecision(ev, plan));
  // Made from state read before any deletion that went by since: scrubbed for it (state/recent-deletions.ts).
  st.recent.noteStored(id, ctx.now());
  const gone = st.recent.gone(ctx.now());
  if (gone.length > 0) await scrubDecision(ctx, id, gone);
  if (!won) return void ctx.matchmakerMetrics.posts.inc({ outcome: 'replayed' });
  await grant.settle(tasks.length);
  ctx.matchmakerMetrics.posts.inc({ outcome: 'dispatched' });
  ctx.logger.debug(
    { post: ev.uri, bots: plan.sides.map((x) => x.botId), mentions: tasks.map((x) => x.mention?.did ?? null) },
    'dispatched',
  );
  ctx.matchmakerMetrics.tasks.inc(tasks.length);
  if (plan.sampling !== '') ctx.matchmakerMetrics.battles.inc({ sampling: plan.sampling });
  ctx.matchmakerMetrics.noCandidate.inc(tasks.filter((t) => !t.mention).length);
}
