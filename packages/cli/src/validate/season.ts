// One validation season on simulated time, without the network: simulated people post at their
// rhythms; BotSky's own bot picker (the matchmaker's BotPicker, uniform or active) chooses who
// answers, and sometimes two bots (a battle); the offline bots write the replies; the feed's own
// equal-exposure ranking serves pages to readers; and every reaction comes from the population's
// model (`react`), whose chances depend on the reply's text, its style and the bot's planted
// quality. What comes out is the record scoring would see: replies, actions and impressions.
import { offlineReply, type ReplyRequest } from '@botsky/bot-runner';
import { buildSnapshot, rankSnapshotPage, type RankSnapshot } from '@botsky/feed';
import { loadConfig } from '@botsky/kit';
import { BotPicker, matchmakerConfigSpec, type BattleSampling, type BotRatingView } from '@botsky/matchmaker';
import {
  composePost,
  decisionRandom,
  generatePopulation,
  isOnline,
  poisson,
  react,
  reactionChances,
  topicSimilarity,
  topicsOf,
  TOPICS,
  type Person,
  type ReaderRole,
  type ReplyFeatures,
  type Topic,
} from '@botsky/population';
import { normal, styleOf, type Random, type ReplyStyle } from '@botsky/ratings';
import type { SimBot } from './world.ts';

export const MINUTE_MS = 60_000;

export interface SimReply {
  uri: string;
  botId: string;
  postUri: string;
  postAtMs: number;
  author: number;
  /** The person introduced, or -1. */
  mention: number;
  text: string;
  atMs: number;
  battleId: string;
  slot: number;
  pairProbability: number;
  /** What the style covariates see of it (text and latency), computed once. */
  style: ReplyStyle;
}

export type ActionKind = 'like' | 'reply' | 'block' | 'stop';

export interface SimAction {
  reply: number;
  actor: number;
  kind: ActionKind;
  role: ReaderRole;
  atMs: number;
}

export interface SimImpression {
  reply: number;
  viewer: number;
  probability: number;
  atMs: number;
}

export interface SeasonRecords {
  bots: readonly SimBot[];
  replies: SimReply[];
  actions: SimAction[];
  impressions: SimImpression[];
  /** Per reply, the indices of the actions on it. */
  actionsOf: number[][];
  endMs: number;
}

export interface SeasonOptions {
  bots: readonly SimBot[];
  people: number;
  days: number;
  seed: number;
  sampling: BattleSampling;
  styleEffect: number;
  /** Share of answered posts that get two bots (default: the matchmaker's, BOTSKY_BATTLE_RATE's 0.2). */
  battleRate?: number;
  /** How the matchmaker learns ratings under active sampling: called every simulated hour. */
  ratingsAt?: (records: SeasonRecords, asOfMs: number) => ReadonlyMap<string, BotRatingView>;
}

/**
 * Feed reads per online, opted-in person and hour; items per page; how far back the feed reaches.
 * A read an hour of ten items keeps an ordinary person's actions (about 50 a day) under scoring's
 * daily influence cap (100), as it should be for everyone but the outliers the cap is for.
 */
const FEED_READS_PER_HOUR = 1;
const PAGE = 10;
const FEED_HORIZON_MS = 6 * 60 * MINUTE_MS;
const SNAPSHOT_EVERY_MIN = 10;
const REFIT_EVERY_MIN = 60;
/** The matchmaker's default BOTSKY_BATTLE_RATE, from its config spec. */
const DEFAULT_BATTLE_RATE = loadConfig(matchmakerConfigSpec, {}).battleRate;
const LATENCY_SPREAD = 0.9;

interface Pending {
  reply: number;
  role: ReaderRole;
}

interface PersonRun {
  person: Person;
  handle: string;
  out: boolean;
  inbox: Pending[];
  seen: Set<number>;
  blocked: Set<string>;
}

export function simulateSeason(o: SeasonOptions): SeasonRecords {
  return new SeasonRun(o).run();
}

class SeasonRun {
  readonly #o: SeasonOptions;
  readonly #rand: Random;
  readonly #people: PersonRun[];
  readonly #picker: BotPicker;
  readonly #bots: Map<string, SimBot>;
  readonly #records: SeasonRecords;
  readonly #replyTopics: Map<Topic, number>[] = [];
  readonly #postTopics = new Map<string, Map<Topic, number>>();
  #snapshot: RankSnapshot = buildSnapshot([]);
  #posts = 0;

  constructor(o: SeasonOptions) {
    this.#o = o;
    this.#rand = decisionRandom(o.seed, 'season', o.sampling);
    this.#people = generatePopulation({ size: o.people, seed: o.seed }).map((person) => ({
      person,
      handle: `${person.name}.sim`,
      out: person.consent === 'out',
      inbox: [],
      seen: new Set(),
      blocked: new Set(),
    }));
    this.#bots = new Map(o.bots.map((b) => [b.id, b]));
    this.#picker = new BotPicker(
      o.bots.map((b) => b.id),
      o.battleRate ?? DEFAULT_BATTLE_RATE,
      decisionRandom(o.seed, 'picker', o.sampling),
      { sampling: o.sampling },
    );
    this.#records = {
      bots: o.bots,
      replies: [],
      actions: [],
      impressions: [],
      actionsOf: [],
      endMs: Math.round(o.days * 1440) * MINUTE_MS,
    };
  }

  run(): SeasonRecords {
    const minutes = Math.round(this.#o.days * 1440);
    for (let m = 0; m < minutes; m++) {
      const now = m * MINUTE_MS;
      if (m % SNAPSHOT_EVERY_MIN === 0) this.#refreshFeed(now);
      if (this.#o.sampling === 'active' && this.#o.ratingsAt && m > 0 && m % REFIT_EVERY_MIN === 0) {
        this.#picker.setRatings(this.#o.ratingsAt(this.#records, now));
      }
      for (const p of this.#people) {
        if (!isOnline(p.person, m)) continue;
        this.#post(p, now);
        this.#readInbox(p, now);
        if (!p.out && poisson(FEED_READS_PER_HOUR / 60, this.#rand) > 0) this.#readFeed(p, now);
      }
    }
    return this.#records;
  }

  #post(p: PersonRun, now: number): void {
    const count = poisson(p.person.postsPerHour / 60, this.#rand);
    for (let k = 0; k < count; k++) {
      const { text } = composePost(p.person, this.#rand);
      const uri = `at://did:sim:${p.person.index}/app.bsky.feed.post/${this.#posts++}`;
      this.#postTopics.set(uri, topicsOf(text));
      if (!p.out) this.#answer(p, uri, text, now + Math.floor(this.#rand() * MINUTE_MS));
    }
  }

  /** The matchmaker's part: which bots answer, whom each introduces; the bots' part: the replies. */
  #answer(author: PersonRun, postUri: string, text: string, postAtMs: number): void {
    const pick = this.#picker.pick(author.blocked);
    const battleId = pick.battle ? `battle:${postUri}` : '';
    const introduced = new Set<number>([author.person.index]);
    pick.bots.forEach((botId, slot) => {
      const bot = this.#bots.get(botId) as SimBot;
      const mention = this.#chooseMention(author, introduced, postAtMs);
      if (mention >= 0) introduced.add(mention);
      const req = this.#request(`${postUri}#${botId}`, text, mention);
      // a model's latency varies from call to call (queueing, output length): log-normal around the bot's median
      const latencyMs = Math.round(bot.latencyS * 1000 * Math.exp(LATENCY_SPREAD * normal(this.#rand)));
      const replyText = offlineReply(bot.style, req);
      const reply: SimReply = {
        uri: `at://did:bot:${botId}/app.bsky.feed.post/${this.#records.replies.length}`,
        botId,
        postUri,
        postAtMs,
        author: author.person.index,
        mention,
        text: replyText,
        atMs: postAtMs + latencyMs,
        battleId,
        slot,
        pairProbability: pick.battle ? pick.pairProbability : 0,
        style: styleOf(replyText, latencyMs / 1000),
      };
      const index = this.#records.replies.push(reply) - 1;
      this.#records.actionsOf.push([]);
      this.#replyTopics.push(topicsOf(replyText));
      author.inbox.push({ reply: index, role: 'author' });
      if (mention >= 0) (this.#people[mention] as PersonRun).inbox.push({ reply: index, role: 'mentioned' });
    });
  }

  /** An opted-in person online at the post's time, the most similar of a few drawn at random. */
  #chooseMention(author: PersonRun, exclude: ReadonlySet<number>, atMs: number): number {
    let best = -1;
    let bestFit = -1;
    const minute = Math.floor(atMs / MINUTE_MS);
    for (let k = 0; k < 12; k++) {
      const c = this.#people[Math.floor(this.#rand() * this.#people.length)] as PersonRun;
      if (c.out || exclude.has(c.person.index) || !isOnline(c.person, minute)) continue;
      const fit = topicSimilarity(c.person.interests, author.person.interests);
      if (fit > bestFit) [best, bestFit] = [c.person.index, fit];
    }
    return best;
  }

  #request(taskId: string, text: string, mention: number): ReplyRequest {
    const m = mention >= 0 ? (this.#people[mention] as PersonRun) : undefined;
    const interests = m ? [...m.person.interests.keys()].map((t) => TOPICS[t][0] as string) : [];
    const person = (handle: string) => ({ handle, did: '', recentPosts: [], interests });
    return {
      taskId,
      botId: '',
      model: '',
      systemPrompt: '',
      post: { uri: '', text },
      thread: [],
      author: person(''),
      mention: m ? { ...person(m.handle), reason: '' } : undefined,
      maxGraphemes: 300,
      allowLinks: false,
    };
  }

  /** Notifications: the author and the introduced person react once the reply is there and they are online. */
  #readInbox(p: PersonRun, now: number): void {
    if (p.inbox.length === 0) return;
    const later: Pending[] = [];
    for (const item of p.inbox) {
      const reply = this.#records.replies[item.reply] as SimReply;
      if (reply.atMs > now + MINUTE_MS) later.push(item);
      else if (!p.out) this.#react(p, item.reply, item.role, Math.max(reply.atMs, now) + Math.floor(this.#rand() * 3 * MINUTE_MS));
    }
    p.inbox = later;
  }

  #readFeed(p: PersonRun, now: number): void {
    const served = rankSnapshotPage(this.#snapshot, Math.floor(this.#rand() * 2 ** 31), 0, PAGE);
    for (const s of served) {
      const index = Number(s.uri);
      const reply = this.#records.replies[index] as SimReply;
      if (reply.atMs > now) continue;
      this.#records.impressions.push({ reply: index, viewer: p.person.index, probability: s.probability, atMs: now });
      if (p.seen.has(index) || reply.author === p.person.index || reply.mention === p.person.index) continue;
      p.seen.add(index);
      this.#react(p, index, 'viewer', now + Math.floor(this.#rand() * MINUTE_MS));
    }
  }

  /**
   * A person's reaction, from the population's model. Feed readers like or reply but do not opt
   * out over a stranger's thread (as in the population's driver); the people a bot answered or
   * introduced may block it or say "stop", and are then out.
   */
  #react(p: PersonRun, index: number, role: ReaderRole, atMs: number): void {
    const reply = this.#records.replies[index] as SimReply;
    const bot = this.#bots.get(reply.botId) as SimBot;
    const features = this.#features(p, index, role);
    const act = (kind: ActionKind) => {
      const i = this.#records.actions.push({ reply: index, actor: p.person.index, kind, role, atMs }) - 1;
      (this.#records.actionsOf[index] as number[]).push(i);
    };
    if (role === 'viewer') {
      const c = reactionChances(features, bot.quality, role, p.person, this.#o.styleEffect);
      if (this.#rand() < c.like) act('like');
      if (this.#rand() < c.reply) act('reply');
      return;
    }
    const r = react(features, bot.quality, role, p.person, this.#rand, this.#o.styleEffect);
    if (r.like) act('like');
    if (r.reply) act('reply');
    if (r.block) act('block');
    if (r.stop) act('stop');
    if (r.block) p.blocked.add(reply.botId);
    if (r.block || r.stop) p.out = true;
  }

  #features(p: PersonRun, index: number, role: ReaderRole): ReplyFeatures {
    const reply = this.#records.replies[index] as SimReply;
    const fit = topicSimilarity(this.#replyTopics[index] as Map<Topic, number>, p.person.interests);
    const answered = role === 'viewer' ? undefined : this.#postTopics.get(reply.postUri);
    return {
      fit,
      threadFit: answered === undefined ? fit : topicSimilarity(answered, p.person.interests),
      asksQuestion: reply.style.questions > 0,
      graphemes: reply.style.graphemes,
      mentionsReader: reply.mention === p.person.index,
      emoji: reply.style.emoji,
      links: reply.style.links,
    };
  }

  /** The feed's candidates: replies of the last hours, as the feed service snapshots them. */
  #refreshFeed(now: number): void {
    const candidates = [];
    const replies = this.#records.replies;
    for (let i = replies.length - 1; i >= 0; i--) {
      const r = replies[i] as SimReply;
      if (r.postAtMs < now - FEED_HORIZON_MS) break;
      if (r.atMs <= now) candidates.push({ uri: String(i), botId: r.botId, createdAtMs: r.atMs });
    }
    this.#snapshot = buildSnapshot(candidates);
  }
}
