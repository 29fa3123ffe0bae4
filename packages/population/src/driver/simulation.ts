// The simulated population acting on a PDS: set up accounts, then advance simulated time in ticks
// in which online people post, answer each other, react to bot replies and mentions (seen on the
// firehose) and to what BotSky's feed shows them. Decisions are seeded per (person, event), so the
// same seed and the same bot posts give the same choices.
import { setTimeout as sleep } from 'node:timers/promises';
import type { PostEvent } from '@botsky/firehose';
import { groundTruth, type GroundTruth } from '../ground-truth.ts';
import type { Consent, Person } from '../people.ts';
import { pdsAccountFactory, type AccountFactory } from './accounts.ts';
import { SimulationError } from './errors.ts';
import { watchFirehose, type FirehoseWatch } from './firehose-watch.ts';
import { readFeeds } from './feed-reader.ts';
import { flushWrites, emptyStats, type SimulationStats } from './flush.ts';
import { onlineMinutes, planFeed, planInbox, planPosts, type Decision, type FeedPost, type PlanContext } from './planning.ts';
import { decisionRandom, poisson } from './seeds.ts';
import { createAccounts, socialSetup, type SetupContext } from './setup.ts';
import { deliver, readersOf, type PersonState, type RecentPost } from './state.ts';
import type { WriteResult } from './writes.ts';

export interface SimulationOptions {
  pdsUrl: string;
  people: readonly Person[];
  seed: number;
  /** The project's account: opted-in people follow it. */
  projectDid: string;
  /** Bot DID → planted quality (0..1). Read live: bots added to the map later are reacted to. */
  botQuality: ReadonlyMap<string, number>;
  /** Default: create on the PDS, or log in when the handle exists (resumable). */
  accounts?: AccountFactory;
  /** Default ".test". */
  handleDomain?: string;
  /** Each person's password is `<password>-<name>`. Default "population". */
  password?: string;
  /** Time compression for `run`: simulated minutes per real second. Default 1. */
  simMinutesPerSecond?: number;
  /** BotSky's feed for a viewer, as post URIs (getFeedSkeleton). */
  readFeed?: (viewerDid: string) => Promise<string[]>;
  /** How often an online, opted-in person reads the feed. Default 2 per simulated hour. */
  feedReadsPerHour?: number;
  /** Share of posts that answer another person's recent post. Default 0.25. */
  replyShare?: number;
  followsPerPerson?: number;
  /** People writing at once. Default 16. */
  concurrency?: number;
  /** Accounts created at once. Default 8. */
  setupConcurrency?: number;
  /** Decisions kept for reading back (oldest dropped). Default 100,000. */
  maxDecisions?: number;
  onError?: (err: SimulationError) => void;
  /** Every record the population wrote (setup and ticks), as the PDS answered: a load test checks them against ingest. */
  onWritten?: (records: readonly WriteResult[]) => void;
}

export interface RunOptions {
  durationMs: number;
  signal?: AbortSignal;
  /** Real time between ticks. Default 1,000 ms. */
  tickMs?: number;
}

const RECENT_POSTS = 500;
/** People's post texts kept for reading the thread a bot pulls someone into (oldest dropped). */
const KNOWN_POSTS = 50_000;

export class Simulation {
  readonly stats: SimulationStats = emptyStats();
  private readonly o: SimulationOptions;
  private readonly states: PersonState[];
  private readonly byDid = new Map<string, PersonState>();
  private readonly decisionLog: Decision[] = [];
  private recent: RecentPost[] = [];
  private readonly peoplesPosts = new Map<string, string>();
  private minute = 0;
  private watch: FirehoseWatch | null = null;
  private ticking = false;
  private readonly feedCache = new Map<string, Promise<FeedPost | null>>();

  constructor(o: SimulationOptions) {
    this.o = o;
    const domain = o.handleDomain ?? '.test';
    this.states = o.people.map((person) => ({
      person,
      handle: `${person.name}${domain}`,
      account: null,
      consent: person.consent,
      socialDone: false,
      inbox: [],
      keyCounts: new Map(),
      feedSeen: new Set(),
      queue: [],
    }));
  }

  /** Accounts, profiles, opt-in follows; then the firehose watch. Call again to finish a failed setup. */
  async setup(): Promise<{ accounts: number; accountsPerSecond: number }> {
    const ctx: SetupContext = {
      seed: this.o.seed,
      projectDid: this.o.projectDid,
      followsPerPerson: this.o.followsPerPerson ?? 3,
      concurrency: this.o.setupConcurrency ?? 8,
      accounts: this.o.accounts ?? pdsAccountFactory(this.o.pdsUrl),
      passwordOf: (s) => this.#password(s),
      onWritten: this.o.onWritten,
    };
    const before = this.states.filter((s) => s.account).length;
    const startedAt = performance.now();
    const failures = await createAccounts(this.states, ctx);
    const seconds = (performance.now() - startedAt) / 1000;
    for (const s of this.states) if (s.account) this.byDid.set(s.account.did, s);
    const social = await socialSetup(this.states, ctx);
    this.stats.setupWrites += social.writes;
    failures.push(...social.failures);
    this.stats.accounts = this.byDid.size;
    if (failures.length > 0) {
      throw new SimulationError(`setup: ${failures.length} step(s) failed; call setup() again to resume`, { cause: failures[0] });
    }
    this.watch ??= await watchFirehose({ pdsUrl: this.o.pdsUrl, onPost: (p) => this.onPost(p), onError: (e) => this.fail(e) });
    const made = this.byDid.size - before;
    return { accounts: made, accountsPerSecond: seconds > 0 ? made / seconds : 0 };
  }

  /** Advances simulated time by `minutes` and writes what people did. */
  async tick(minutes = 1): Promise<void> {
    if (!this.watch) throw new SimulationError('tick() before setup()');
    if (this.ticking) throw new SimulationError('tick() while another tick is running');
    this.ticking = true;
    try {
      await this.step(minutes);
    } finally {
      this.ticking = false;
    }
  }

  private async step(minutes: number): Promise<void> {
    const from = this.minute;
    const to = from + Math.max(1, Math.floor(minutes));
    this.minute = to;
    const ctx: PlanContext = {
      seed: this.o.seed,
      replyShare: this.o.replyShare ?? 0.25,
      recent: this.recent,
      qualityOf: (did) => this.o.botQuality.get(did) ?? 0.5,
      decisions: this.decisionLog,
    };
    const feeds = await this.readFeedsFor(from, to);
    for (const s of this.states) {
      if (!s.account) continue;
      planPosts(s, from, to, ctx);
      if (onlineMinutes(s, from, to) === 0) continue;
      planInbox(s, ctx);
      const seen = feeds.get(s);
      if (seen) planFeed(s, seen, ctx);
    }
    this.trimDecisions();
    const posted = await flushWrites(this.states, this.stats, {
      concurrency: this.o.concurrency ?? 16,
      onError: (e) => this.fail(e),
      onWritten: this.o.onWritten,
    });
    this.recent = [...this.recent, ...posted].slice(-RECENT_POSTS);
  }

  /** Ticks in real time, `simMinutesPerSecond` simulated minutes per second, until the duration or the signal. */
  async run(r: RunOptions): Promise<void> {
    const rate = this.o.simMinutesPerSecond ?? 1;
    const startedAt = performance.now();
    const startMinute = this.minute;
    while (!r.signal?.aborted && performance.now() - startedAt < r.durationMs) {
      const target = startMinute + Math.floor(((performance.now() - startedAt) / 1000) * rate);
      if (target > this.minute) await this.tick(target - this.minute);
      try {
        await sleep(r.tickMs ?? 1000, undefined, { signal: r.signal });
      } catch {
        break;
      }
    }
  }

  async close(): Promise<void> {
    await this.watch?.close();
    this.watch = null;
  }

  get simMinute(): number {
    return this.minute;
  }

  get decisions(): readonly Decision[] {
    return this.decisionLog;
  }

  #password(s: PersonState): string {
    return `${this.o.password ?? 'population'}-${s.person.name}`;
  }

  /** Bot posts seen but not yet reacted to (their readers were offline). */
  get pendingReactions(): number {
    return this.states.reduce((n, s) => n + s.inbox.length, 0);
  }

  /** The password a simulated person's account was made with (a person can sign in as them), by handle. */
  passwordOf(handle: string): string | undefined {
    const s = this.states.find((x) => x.handle === handle);
    return s ? this.#password(s) : undefined;
  }

  accounts(): { index: number; handle: string; did: string; consent: Consent }[] {
    return this.states.flatMap((s) =>
      s.account ? [{ index: s.person.index, handle: s.handle, did: s.account.did, consent: s.consent }] : [],
    );
  }

  consentOf(handleOrDid: string): Consent | undefined {
    return (this.byDid.get(handleOrDid) ?? this.states.find((s) => s.handle === handleOrDid))?.consent;
  }

  groundTruth(): GroundTruth {
    const handles = new Map(this.states.map((s) => [s.person, s.handle]));
    return groundTruth(this.o.people, (p) => handles.get(p) ?? p.name, this.o.botQuality);
  }

  private onPost(post: PostEvent): void {
    if (this.byDid.has(post.did)) {
      this.peoplesPosts.set(post.uri, post.text);
      if (this.peoplesPosts.size > KNOWN_POSTS) this.peoplesPosts.delete(this.peoplesPosts.keys().next().value as string);
      return;
    }
    const quality = this.o.botQuality.get(post.did);
    if (quality === undefined) return;
    this.stats.botPostsSeen++;
    const answered = post.reply ? this.peoplesPosts.get(post.reply.parent.uri) : undefined;
    for (const { state, role } of readersOf(post, this.byDid)) deliver(state, role, post, quality, answered);
  }

  private async readFeedsFor(from: number, to: number) {
    const readFeed = this.o.readFeed;
    if (!readFeed) return new Map();
    const perMinute = (this.o.feedReadsPerHour ?? 2) / 60;
    const readers = this.states.filter((s) => {
      if (!s.account || s.consent === 'out') return false;
      const online = onlineMinutes(s, from, to);
      return online > 0 && poisson(perMinute * online, decisionRandom(this.o.seed, 'feed-read', s.person.index, from)) > 0;
    });
    this.stats.feedReads += readers.length;
    return readFeeds(readers, {
      readFeed,
      isBot: (did) => this.o.botQuality.has(did),
      concurrency: this.o.concurrency ?? 16,
      cache: this.feedCache,
      onError: (e) => this.fail(e),
    });
  }

  private trimDecisions(): void {
    const max = this.o.maxDecisions ?? 100_000;
    if (this.decisionLog.length > max) this.decisionLog.splice(0, this.decisionLog.length - max);
  }

  private fail(err: SimulationError): void {
    this.stats.errors++;
    this.o.onError?.(err);
  }
}
