// The feed's candidates: bot replies from the last BOTSKY_FEED_WINDOW, at most
// BOTSKY_FEED_MAX_CANDIDATES of them (the oldest go first). Ranking reads snapshots: a snapshot
// holds the candidates the feed had received by its time (`indexedAtMs`), grouped once, so a
// request only walks its page. A cursor names its snapshot's time, so paging replays the same
// set even as new replies arrive; snapshots are cached and rebuilt from the store when evicted.
// Deleted post URIs are remembered for the window (at most maxCandidates of them): a restarted
// feed replays outcomes and deletes from two readers, and a delete read before its reply's
// outcome must still keep the reply out.
import { buildSnapshot, type Candidate, type PersonalWeights, type RankSnapshot } from '../ranking/index.ts';

export interface StoredCandidate extends Candidate {
  /** When this feed received it: snapshot membership is by arrival, so late replies never shift a page. */
  indexedAtMs: number;
  /** The person whose post the bot answered, and the person it introduced (personalisation). */
  authorDid: string;
  mentionDid: string;
}

export interface Snapshot {
  readonly atMs: number;
  readonly ranking: RankSnapshot;
}

export interface CandidateStoreOptions {
  windowMs: number;
  maxCandidates: number;
  now?: () => number;
  /** Fresh requests share one snapshot for this long while candidates keep changing. */
  refreshMs?: number;
  cachedSnapshots?: number;
}

/** A thread the viewer is part of weighs this much more within its bot's slots (never more slots). */
export const PERSONAL_WEIGHT = 4;

export class CandidateStore {
  readonly #byUri = new Map<string, StoredCandidate>();
  readonly #byViewer = new Map<string, Set<string>>();
  readonly #snapshots = new Map<number, Snapshot>();
  /** Deleted post URIs → when the delete was read; insertion order is time order. */
  readonly #deleted = new Map<string, number>();
  readonly #opts: Required<CandidateStoreOptions>;
  #latest: Snapshot | undefined;
  #dirty = true;

  constructor(opts: CandidateStoreOptions) {
    this.#opts = { now: Date.now, refreshMs: 250, cachedSnapshots: 64, ...opts };
  }

  get size(): number {
    return this.#byUri.size;
  }

  /** Adds a reply; false when it is already known or outside the window. Idempotent. */
  add(c: Omit<StoredCandidate, 'indexedAtMs'>): boolean {
    const now = this.#opts.now();
    if (this.#byUri.has(c.uri) || this.#deleted.has(c.uri) || c.createdAtMs < now - this.#opts.windowMs) return false;
    const stored: StoredCandidate = { ...c, indexedAtMs: now };
    this.#byUri.set(c.uri, stored);
    for (const did of [c.authorDid, c.mentionDid]) if (did) this.#index(did, c.uri);
    // Map order is arrival order, so the first key is the oldest arrival.
    while (this.#byUri.size > this.#opts.maxCandidates) this.remove(this.#byUri.keys().next().value as string);
    this.#dirty = true;
    return true;
  }

  /** A post was deleted on the network: it leaves the feed (true if it was here) and stays out. */
  delete(uri: string): boolean {
    if (uri.includes('/app.bsky.feed.post/') && !this.#deleted.has(uri)) {
      this.#deleted.set(uri, this.#opts.now());
      if (this.#deleted.size > this.#opts.maxCandidates) this.#deleted.delete(this.#deleted.keys().next().value as string);
    }
    return this.remove(uri);
  }

  /** Removes a reply; cached snapshots are dropped so it is not served again. */
  remove(uri: string): boolean {
    const c = this.#byUri.get(uri);
    if (!c) return false;
    this.#byUri.delete(uri);
    for (const did of [c.authorDid, c.mentionDid]) this.#byViewer.get(did)?.delete(uri);
    this.#snapshots.clear();
    this.#latest = undefined;
    this.#dirty = true;
    return true;
  }

  /** Drops replies older than the window; returns how many went. */
  expire(): number {
    const cutoff = this.#opts.now() - this.#opts.windowMs;
    for (const [uri, atMs] of this.#deleted) {
      if (atMs >= cutoff) break;
      this.#deleted.delete(uri);
    }
    const old = [...this.#byUri.values()].filter((c) => c.createdAtMs < cutoff);
    for (const c of old) this.remove(c.uri);
    return old.length;
  }

  /** The snapshot a fresh request ranks: shared while recent, rebuilt when candidates changed. */
  current(): Snapshot {
    const now = this.#opts.now();
    const latest = this.#latest;
    if (latest && (!this.#dirty || now - latest.atMs < this.#opts.refreshMs)) return latest;
    // One ms back: a reply arriving in this very ms is left to the next snapshot, both here and
    // when the snapshot is rebuilt from a cursor.
    const snap = this.#build(now - 1);
    this.#latest = snap;
    this.#dirty = false;
    return snap;
  }

  /** The snapshot a cursor names. */
  at(atMs: number): Snapshot {
    if (this.#latest?.atMs === atMs) return this.#latest;
    return this.#snapshots.get(atMs) ?? this.#build(atMs);
  }

  /** This viewer's personal weights: threads they started or were introduced in. */
  personalWeights(viewer: string | undefined): PersonalWeights | undefined {
    const uris = viewer ? this.#byViewer.get(viewer) : undefined;
    if (!uris || uris.size === 0) return undefined;
    return new Map([...uris].map((u) => [u, PERSONAL_WEIGHT]));
  }

  get(uri: string): StoredCandidate | undefined {
    return this.#byUri.get(uri);
  }

  #build(atMs: number): Snapshot {
    const members: Candidate[] = [];
    for (const c of this.#byUri.values()) if (c.indexedAtMs <= atMs) members.push(c);
    const snap = { atMs, ranking: buildSnapshot(members) };
    this.#snapshots.set(atMs, snap);
    if (this.#snapshots.size > this.#opts.cachedSnapshots) this.#snapshots.delete(this.#snapshots.keys().next().value as number);
    return snap;
  }

  #index(did: string, uri: string): void {
    const set = this.#byViewer.get(did);
    if (set) set.add(uri);
    else this.#byViewer.set(did, new Set([uri]));
  }
}
