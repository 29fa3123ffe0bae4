// What each person does in a tick, decided without touching the network: posts at their rate
// while online, answers to each other's recent posts, and reactions to bot posts. Every draw
// comes from a generator seeded by (run seed, person, what is decided).
import { isOnline, topicSimilarity, type Person } from '../people.ts';
import { react, reactionChances, replyFeatures, type ReaderRole, type Reaction } from '../reactions.ts';
import { composePost, composeReply } from '../text.ts';
import { decisionRandom, poisson } from './seeds.ts';
import { reactionKey, type InboxItem, type PersonState, type RecentPost } from './state.ts';

export interface Decision {
  person: string;
  role: ReaderRole;
  key: string;
  like: boolean;
  reply: boolean;
  block: boolean;
  stop: boolean;
}

export interface PlanContext {
  seed: number;
  replyShare: number;
  recent: readonly RecentPost[];
  qualityOf: (botDid: string) => number;
  decisions: Decision[];
}

/** Minutes of [from, to) the person is online. */
export function onlineMinutes(s: PersonState, from: number, to: number): number {
  let n = 0;
  for (let m = from; m < to; m++) if (isOnline(s.person, m)) n++;
  return n;
}

function pickTarget(s: PersonState, recent: readonly RecentPost[], rand: () => number): RecentPost | null {
  let best: RecentPost | null = null;
  let bestFit = -1;
  for (let i = 0; i < Math.min(8, recent.length); i++) {
    const c = recent[Math.floor(rand() * recent.length)] as RecentPost;
    if (c.author === s.person.index) continue;
    const fit = topicSimilarity(c.topics, s.person.interests);
    if (fit > bestFit) [best, bestFit] = [c, fit];
  }
  return best;
}

/** Posts for the minutes [from, to): a Poisson count per online minute, some of them replies. */
export function planPosts(s: PersonState, from: number, to: number, ctx: PlanContext): void {
  const idx = s.person.index;
  for (let m = from; m < to; m++) {
    if (!isOnline(s.person, m)) continue;
    const rand = decisionRandom(ctx.seed, 'post', idx, m);
    const count = poisson(s.person.postsPerHour / 60, rand);
    for (let k = 0; k < count; k++) {
      const target = rand() < ctx.replyShare ? pickTarget(s, ctx.recent, rand) : null;
      if (target) {
        const text = composeReply(s.person, rand);
        s.queue.push({ write: { kind: 'reply', text, parent: target.ref, root: target.root }, attempts: 0, tag: 'conversation' });
      } else {
        s.queue.push({ write: { kind: 'post', text: composePost(s.person, rand).text }, attempts: 0, tag: 'post' });
      }
    }
  }
}

/** Reactions to the bot posts in the person's inbox, in key order so arrival order does not matter. */
export function planInbox(s: PersonState, ctx: PlanContext): void {
  const items = s.inbox.splice(0).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const item of items) planReaction(s, item, ctx);
}

/**
 * The decision the simulation makes for one bot post, without the network: what `tick` does for
 * the `occurrence`-th post of this text in this role to this person. For tests and offline studies.
 */
export function decideReaction(
  seed: number,
  reader: Person,
  handle: string,
  role: ReaderRole,
  quality: number,
  text: string,
  occurrence = 1,
  answered?: string,
): Reaction {
  const rand = decisionRandom(seed, 'react', reader.index, reactionKey(role, quality, text, occurrence));
  return react(replyFeatures(text, reader, handle, answered), quality, role, reader, rand);
}

function planReaction(s: PersonState, item: InboxItem, ctx: PlanContext): void {
  if (s.consent === 'out') return;
  const rand = decisionRandom(ctx.seed, 'react', s.person.index, item.key);
  const r = react(
    replyFeatures(item.post.text, s.person, s.handle, item.post.answered),
    ctx.qualityOf(item.post.did),
    item.role,
    s.person,
    rand,
  );
  ctx.decisions.push({ person: s.handle, role: item.role, key: item.key, ...r });
  const parent = item.post.ref;
  const root = item.post.root;
  if (r.like) s.queue.push({ write: { kind: 'like', subject: parent }, attempts: 0, tag: 'like' });
  if (r.reply) {
    const text = composeReply(s.person, rand);
    const tag = item.role === 'mentioned' ? 'mention-reply' : 'bot-reply';
    s.queue.push({ write: { kind: 'reply', text, parent, root }, attempts: 0, tag });
  }
  if (r.block) s.queue.push({ write: { kind: 'block', subject: item.post.did }, attempts: 0, tag: 'block' });
  if (r.stop) s.queue.push({ write: { kind: 'reply', text: 'stop', parent, root }, attempts: 0, tag: 'stop' });
  if (r.block || r.stop) s.consent = 'out';
}

export interface FeedPost {
  ref: { uri: string; cid: string };
  root: { uri: string; cid: string };
  did: string;
  text: string;
}

/** A viewer's likes and replies to bot posts seen in the feed for the first time. */
export function planFeed(s: PersonState, posts: readonly FeedPost[], ctx: PlanContext): void {
  for (const post of posts) {
    if (s.consent === 'out' || s.feedSeen.has(post.ref.uri)) continue;
    s.feedSeen.add(post.ref.uri);
    const key = `viewer|${post.text}`;
    const rand = decisionRandom(ctx.seed, 'feed', s.person.index, key);
    const c = reactionChances(replyFeatures(post.text, s.person, s.handle), ctx.qualityOf(post.did), 'viewer', s.person);
    const like = rand() < c.like;
    const reply = rand() < c.reply;
    ctx.decisions.push({ person: s.handle, role: 'viewer', key, like, reply, block: false, stop: false });
    if (like) s.queue.push({ write: { kind: 'like', subject: post.ref }, attempts: 0, tag: 'feed-like' });
    if (reply) {
      const write = { kind: 'reply' as const, text: composeReply(s.person, rand), parent: post.ref, root: post.root };
      s.queue.push({ write, attempts: 0, tag: 'feed-reply' });
    }
  }
}
