// What this replica knows of people from the stream: for opted-in people, interest profiles (their
// own posts, and the posts they like) and last activity (who is online); for anyone, account
// status (handles come from the identity resolver, verified). In memory and bounded (least recently active forgotten first); rebuilt from the
// stream after a restart.
import { InterestProfile } from '../selection/index.ts';

export interface Person {
  did: string;
  profile: InterestProfile;
  /** Last activity, epoch ms. */
  lastActive: number;
}

/** A liked post counts less than the person's own words. */
const LIKE_WEIGHT = 0.5;

export class People {
  readonly #people = new Map<string, Person>();
  readonly #maxPeople: number;
  /** Inactive accounts of anyone (account events are rare). */
  readonly #inactive = new Set<string>();

  constructor(maxPeople = 50_000) {
    this.#maxPeople = maxPeople;
  }

  get(did: string): Person | undefined {
    return this.#people.get(did);
  }

  /** Records activity at `at` (ms), moving the person to the most recent end of the LRU. */
  touch(did: string, at: number): Person {
    const p = this.#people.get(did) ?? { did, profile: new InterestProfile(), lastActive: 0 };
    p.lastActive = Math.max(p.lastActive, at);
    this.#people.delete(did);
    this.#people.set(did, p);
    if (this.#people.size > this.#maxPeople) this.#people.delete(this.#people.keys().next().value as string);
    return p;
  }

  observePost(did: string, text: string, at: number): void {
    this.touch(did, at).profile.observe(text);
  }

  observeLike(did: string, likedText: string | undefined, at: number): void {
    const p = this.touch(did, at);
    if (likedText) p.profile.observe(likedText, LIKE_WEIGHT);
  }

  setActive(did: string, active: boolean): void {
    this.#inactive.delete(did);
    if (active) return;
    this.#inactive.add(did);
    if (this.#inactive.size > this.#maxPeople * 4) this.#inactive.delete(this.#inactive.values().next().value as string);
  }

  isActive(did: string): boolean {
    return !this.#inactive.has(did);
  }

  /** People active since `since` (ms), most recent first. */
  onlineSince(since: number): Person[] {
    const out: Person[] = [];
    for (const p of [...this.#people.values()].reverse()) {
      if (p.lastActive >= since && !this.#inactive.has(p.did)) out.push(p);
    }
    return out;
  }

  get size(): number {
    return this.#people.size;
  }

  // ---- Deletions (issue 11, item 6; used by consumers/network-forget.ts) ----
  /** Forgets a person's profile and activity (their texts are gone); account status stays. */
  forget(did: string): boolean {
    return this.#people.delete(did);
  }
  // ---- end of deletions ----
}

/** Recent post texts by URI, so a like can add the liked post's words to the liker's profile. */
/** A popular post's likers beyond this many keep its words (bounded memory); their profiles age out. */
const MAX_LIKERS_PER_POST = 1000;

export class PostTexts {
  readonly #texts = new Map<string, string>();
  /** Who liked each held post (its words joined their profiles): a delete takes them out again. */
  readonly #likers = new Map<string, Set<string>>();
  readonly #max: number;

  constructor(max = 20_000) {
    this.#max = max;
  }

  set(uri: string, text: string): void {
    this.#texts.delete(uri);
    this.#texts.set(uri, text);
    if (this.#texts.size > this.#max) {
      const oldest = this.#texts.keys().next().value as string;
      this.#texts.delete(oldest);
      this.#likers.delete(oldest);
    }
  }

  /** `did` liked the held post `uri`; returns its text (undefined when not held, nothing noted). */
  like(uri: string, did: string): string | undefined {
    const text = this.#texts.get(uri);
    if (text === undefined) return undefined;
    let likers = this.#likers.get(uri);
    if (!likers) {
      likers = new Set();
      this.#likers.set(uri, likers);
    }
    if (likers.size < MAX_LIKERS_PER_POST) likers.add(did);
    return text;
  }

  get(uri: string): string | undefined {
    return this.#texts.get(uri);
  }

  // ---- Deletions (issue 11, item 6; used by consumers/network-forget.ts) ----
  /** Forgets a deleted post's text; returns it when it was held. */
  forget(uri: string): string | undefined {
    const text = this.#texts.get(uri);
    this.#texts.delete(uri);
    return text;
  }

  /** Who liked a post (before it is forgotten): their profiles hold its words too. */
  likersOf(uri: string): string[] {
    const likers = [...(this.#likers.get(uri) ?? [])];
    this.#likers.delete(uri);
    return likers;
  }

  /** Forgets every text of an account (its posts' URIs name its DID); returns how many. */
  forgetAuthor(did: string): number {
    const prefix = `at://${did}/`;
    let n = 0;
    for (const uri of [...this.#texts.keys()]) if (uri.startsWith(prefix) && this.#texts.delete(uri)) n++;
    for (const uri of [...this.#likers.keys()]) if (uri.startsWith(prefix)) this.#likers.delete(uri);
    return n;
  }
  // ---- end of deletions ----
}
