// Chooses the person a bot pulls into the conversation: online, opted in, under the daily mention
// limit, not the author, not blocking that bot; ranked by interest similarity to the post and its
// author, and sampled among the top few so that the choice keeps exploring.
import type { Random } from '@botsky/ratings';
import type { InterestProfile } from './interest-profile.ts';

export interface Candidate {
  did: string;
  handle: string;
  profile: InterestProfile;
  online: boolean;
  optedIn: boolean;
  mentionsToday: number;
  blocks: ReadonlySet<string>;
}

export interface Scored {
  did: string;
  handle: string;
  score: number;
}

export type Exclusion = 'offline' | 'opted-out' | 'mention-limit' | 'author' | 'blocks-bot';

export interface CandidateChoice {
  chosen: Scored | undefined;
  considered: Scored[];
  excluded: Partial<Record<Exclusion, number>>;
  reason: string;
}

export interface ChooseOptions {
  botId: string;
  authorDid: string;
  post: InterestProfile;
  author: InterestProfile;
  dailyLimit: number;
  /** Sample among this many of the best-ranked (default 3). */
  topK?: number;
  /** Weight of the post itself against the author's profile (default 0.6). */
  postWeight?: number;
  /** Softmax temperature over similarity scores (default 0.1). */
  temperature?: number;
  /** A term's weight in the similarity (its IDF); plain cosine without it. */
  termWeight?: (term: string) => number;
  /** 'random' ignores the ranking and draws uniformly among every eligible person (default 'similar'). */
  strategy?: MentionStrategy;
  rand: Random;
}

export type MentionStrategy = 'similar' | 'random';

function exclusionOf(c: Candidate, o: ChooseOptions): Exclusion | undefined {
  if (c.did === o.authorDid) return 'author';
  if (!c.optedIn) return 'opted-out';
  if (!c.online) return 'offline';
  if (c.mentionsToday >= o.dailyLimit) return 'mention-limit';
  if (c.blocks.has(o.botId)) return 'blocks-bot';
  return undefined;
}

function sample(top: Scored[], temperature: number, rand: Random): Scored | undefined {
  if (top.length === 0) return undefined;
  const best = top[0]?.score ?? 0;
  const weights = top.map((s) => Math.exp((s.score - best) / temperature));
  let u = rand() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < top.length; i++) {
    u -= weights[i] as number;
    if (u <= 0) return top[i];
  }
  return top[top.length - 1];
}

export function chooseCandidate(pool: Iterable<Candidate>, o: ChooseOptions): CandidateChoice {
  const w = o.postWeight ?? 0.6;
  const excluded: Partial<Record<Exclusion, number>> = {};
  const scored: Scored[] = [];
  for (const c of pool) {
    const why = exclusionOf(c, o);
    if (why) {
      excluded[why] = (excluded[why] ?? 0) + 1;
      continue;
    }
    const score = w * c.profile.similarity(o.post, o.termWeight) + (1 - w) * c.profile.similarity(o.author, o.termWeight);
    scored.push({ did: c.did, handle: c.handle, score });
  }
  scored.sort((a, b) => b.score - a.score || (a.did < b.did ? -1 : 1));
  if (o.strategy === 'random') return drawUniformly(scored, excluded, o.rand);
  const considered = scored.slice(0, o.topK ?? 3);
  const chosen = sample(considered, o.temperature ?? 0.1, o.rand);
  const reason = chosen
    ? `similarity ${chosen.score.toFixed(3)}, sampled among the top ${considered.length} of ${scored.length} eligible`
    : noneReason(excluded);
  return { chosen, considered, excluded, reason };
}

const noneReason = (excluded: CandidateChoice['excluded']) =>
  `no eligible person (${
    Object.entries(excluded)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ') || 'empty pool'
  })`;

function drawUniformly(scored: Scored[], excluded: CandidateChoice['excluded'], rand: Random): CandidateChoice {
  const chosen = scored[Math.floor(rand() * scored.length)];
  const reason = chosen ? `drawn at random among ${scored.length} eligible (similarity ${chosen.score.toFixed(3)})` : noneReason(excluded);
  return { chosen, considered: chosen ? [chosen] : [], excluded, reason };
}
