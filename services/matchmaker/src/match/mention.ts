// The person a bot pulls in. Candidates come from this replica's view (online people it knows,
// whose cached consent is "in"); the one drawn is then checked against the shared state (a fresh
// consent read, and the daily counter taken with compare-and-set) before it is used, so a stale
// cache can cost a good candidate but never break a rule. A failed check excludes the person and
// draws again, a few times at most. Nobody is a candidate across a block or a list block, either
// way (this replica's view of them: state/person-blocks.ts, state/list-blocks.ts).
import { create, MentionCandidateSchema, type MentionCandidate } from '@botsky/contracts';
import type { MatchmakerContext } from '../context.ts';
import { chooseCandidate, terms, type Candidate, type InterestProfile, type Scored } from '../selection/index.ts';
import { blockedBots, introducible } from '@botsky/contracts';
import { mentionKey } from '../state/mentions.ts';
import type { MatchState } from './state.ts';

const MAX_DRAWS = 4;
/** How long a drawn person's check waits for reads of either side's blocked lists still in flight. */
const LIST_READ_WAIT_MS = 2000;

export interface MentionRequest {
  botId: string;
  botDid: string;
  authorDid: string;
  postText: string;
  /** The post's time (ms); a pipeline running behind still sees who was online then. */
  postAt: number;
  post: InterestProfile;
  author: InterestProfile;
  /** People already mentioned on this post (the other side of a battle). */
  exclude: ReadonlySet<string>;
}

export interface MentionResult {
  chosen: MentionCandidate | undefined;
  candidates: MentionCandidate[];
  reason: string;
}

function pool(ctx: MatchmakerContext, st: MatchState, req: MentionRequest, rejected: ReadonlySet<string>): Candidate[] {
  const now = ctx.now();
  const out: Candidate[] = [];
  for (const p of st.people.onlineSince(Math.min(now, req.postAt) - ctx.config.onlineWindowMs)) {
    if (req.exclude.has(p.did) || rejected.has(p.did) || ctx.roster.isBot(p.did) || ctx.botAccounts.knownBot(p.did)) continue;
    if (st.blocks.between(p.did, req.authorDid)) continue;
    if (st.lists.between(p.did, req.authorDid)) {
      // Counted once per post: later draws rebuild the same pool.
      if (rejected.size === 0) ctx.matchmakerMetrics.listBlockExclusions.inc();
      continue;
    }
    // Known not to verify: not a candidate. Not looked up yet: verify() asks before using them.
    const identity = ctx.identities.peek(p.did);
    if (identity && !identity.handle) continue;
    const consent = ctx.consent.peek(p.did);
    const atLimit = st.atLimit.has(mentionKey(p.did, now));
    const blocks = blockedBots(consent);
    out.push({
      did: p.did,
      handle: identity?.handle ?? '',
      profile: p.profile,
      online: true,
      optedIn: introducible(consent),
      mentionsToday: atLimit ? ctx.config.mentionDailyLimit : 0,
      blocks: blocks.has(req.botDid) ? new Set([req.botId]) : new Set(),
    });
  }
  return out;
}

function shared(c: InterestProfile, req: MentionRequest, idf: (t: string) => number): string {
  const mine = new Set(c.top(30));
  // The most telling shared words first; a word in every post is no interest.
  const words = [...new Set([...terms(req.postText), ...req.author.top(10)])]
    .filter((t) => mine.has(t) && idf(t) > 0)
    .sort((a, b) => idf(b) - idf(a));
  return words.length > 0 ? `shares: ${words.slice(0, 3).join(', ')}` : 'closest interests among those online';
}

/** How many interest terms a task tells the model about a person. */
export const INTERESTS_TOLD = 8;

/** A profile's heaviest terms that say something (a word in every post is no interest). */
export function interestsOf(profile: InterestProfile, idf: (t: string) => number): string[] {
  return profile
    .top(INTERESTS_TOLD * 3)
    .filter((t) => idf(t) > 0)
    .slice(0, INTERESTS_TOLD);
}

function toCandidate(
  s: Scored,
  reason: string,
  eligible: boolean,
  extra: { interests?: string[]; lastActiveUs?: bigint } = {},
): MentionCandidate {
  return create(MentionCandidateSchema, {
    did: s.did,
    handle: s.handle,
    similarity: Math.max(0, Math.min(1, s.score)),
    reason,
    eligible,
    ...extra,
  });
}

/**
 * Why a drawn person fails the shared checks, or their verified handle when they pass (and are
 * counted). The handle is checked first: a person BotSky cannot name under a verified handle
 * costs no mention from their daily allowance.
 */
async function verify(
  ctx: MatchmakerContext,
  st: MatchState,
  req: MentionRequest,
  did: string,
): Promise<{ why: string } | { handle: string }> {
  const handle = await ctx.identities.verifiedHandle(did);
  if (!handle) return { why: 'handle does not verify' };
  const consent = await ctx.consent.read(did);
  if (!introducible(consent)) return { why: consent?.state === 'in' ? 'not opted in to introductions' : 'opted out' };
  if (await ctx.botAccounts.isBot(did)) return { why: 'a bot account' };
  if (blockedBots(consent).has(req.botDid)) return { why: 'blocks the bot' };
  // A list read that had not answered when the pool was drawn may have answered by now.
  if (await st.lists.betweenSettled(did, req.authorDid, LIST_READ_WAIT_MS)) {
    ctx.matchmakerMetrics.listBlockExclusions.inc();
    return { why: 'list block' };
  }
  const now = ctx.now();
  if (!(await ctx.mentions.take(did, now, ctx.config.mentionDailyLimit))) {
    st.atLimit.add(mentionKey(did, now));
    return { why: 'mention limit reached' };
  }
  return { handle };
}

export async function pickMention(ctx: MatchmakerContext, st: MatchState, req: MentionRequest): Promise<MentionResult> {
  const rejected = new Map<string, MentionCandidate>();
  let last: ReturnType<typeof chooseCandidate> | undefined;
  for (let draw = 0; draw < MAX_DRAWS; draw++) {
    last = chooseCandidate(pool(ctx, st, req, new Set(rejected.keys())), {
      botId: req.botId,
      authorDid: req.authorDid,
      post: req.post,
      author: req.author,
      dailyLimit: ctx.config.mentionDailyLimit,
      topK: ctx.config.topK,
      strategy: ctx.config.mentionStrategy,
      termWeight: (t) => st.terms.idf(t),
      rand: ctx.random,
    });
    const c = last.chosen;
    if (!c) break;
    const verdict = await verify(ctx, st, req, c.did);
    if ('handle' in verdict) {
      const person = st.people.get(c.did);
      const idf = (t: string) => st.terms.idf(t);
      const extra = person
        ? { interests: interestsOf(person.profile, idf), lastActiveUs: BigInt(Math.round(person.lastActive)) * 1000n }
        : {};
      const chosen = toCandidate({ ...c, handle: verdict.handle }, person ? shared(person.profile, req, idf) : last.reason, true, extra);
      const others = last.considered.filter((s) => s.did !== c.did).map((s) => toCandidate(s, 'not drawn', true));
      return { chosen, candidates: [chosen, ...others, ...rejected.values()], reason: last.reason };
    }
    rejected.set(c.did, toCandidate(c, verdict.why, false));
  }
  const reason = rejected.size > 0 && last?.chosen ? 'no candidate passed the shared checks' : (last?.reason ?? 'no eligible person');
  const considered = (last?.considered ?? []).filter((s) => !rejected.has(s.did)).map((s) => toCandidate(s, 'not drawn', true));
  return { chosen: undefined, candidates: [...considered, ...rejected.values()], reason };
}
