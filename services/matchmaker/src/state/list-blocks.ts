// List blocks, as the network shows them: a person's app.bsky.graph.listblock record blocks every
// account on a list, and the list's members are the owner's app.bsky.graph.listitem records. Kept
// per list block record (a deletion names only the record) and, for the lists blocked, per item
// record. A list's members are read once from its owner's PDS when a block of it is first seen
// (`read`, injected: list-reader.ts), then kept current by the item events and deletions in the
// stream; items deleted while a read is in flight stay deleted when its answer comes.
// In memory and bounded like PersonBlocks (oldest list blocks forgotten first; past the member
// budget the members of the list first read longest ago are forgotten, and read again when next
// needed), rebuilt from the stream after a restart like the rest of a replica's view.
import { backoffDelay, settlesWithin, type Backoff } from '@botsky/async';

/** One app.bsky.graph.listitem record: its URI and the account it puts on the list. */
export interface ListItemRecord {
  uri: string;
  subject: string;
}

/** Reads a list's current items from its owner's repository; throws when it cannot. */
export type ReadList = (listUri: string) => Promise<ListItemRecord[]>;

export class ListUnreadableError extends Error {
  override readonly name = 'ListUnreadableError';
  constructor(listUri: string, options?: { cause?: unknown }) {
    super(`the members of ${listUri} could not be read`, options);
  }
}

export interface ListBlocksOptions {
  /** List blocks kept at most. */
  maxBlocks?: number;
  /** Members kept at most, over every list. */
  maxMembers?: number;
  /** Called with a list whose members were forgotten to stay under maxMembers. */
  onEvict?: (listUri: string) => void;
  /** Called after every change (for the gauges). */
  onChange?: (lists: ListBlocks) => void;
  now?: () => number;
}

interface Members {
  /** Item URI → member DID. */
  items: Map<string, string>;
  /** Member DID → items naming them. */
  count: Map<string, number>;
  state: 'reading' | 'read' | 'failed';
  pending: Promise<void>;
  /** Items deleted while the read was in flight. */
  deleted: Set<string>;
  failures: number;
  retryAt: number;
  /** Why the last read failed. */
  error?: unknown;
}

/** The repository (DID) of an at:// URI. */
function ownerOf(uri: string): string {
  const end = uri.indexOf('/', 'at://'.length);
  return uri.slice('at://'.length, end === -1 ? undefined : end);
}

/** A list that could not be read is read again after 1 s, doubling, at most 5 min. */
const RETRY: Backoff = { initialMs: 1000, maxMs: 5 * 60_000, jitter: 0 };
const MAX_REMOVED = 10_000;

export class ListBlocks {
  readonly #read: ReadList;
  /** List block URI → who blocks which list. */
  readonly #blocks = new Map<string, { did: string; list: string }>();
  /** Person → lists they block → how many of their list block records name it. */
  readonly #byPerson = new Map<string, Map<string, number>>();
  /** List → its list blocks (URI → person). */
  readonly #blockers = new Map<string, Map<string, string>>();
  readonly #lists = new Map<string, Members>();
  /** Lists whose read is in flight. */
  readonly #reading = new Set<string>();
  /** Item URI → its list, for deletions. */
  readonly #itemList = new Map<string, string>();
  /** Items deleted lately, so the consumer group can tell whom a deletion took off which list. */
  readonly #removed = new Map<string, { list: string; subject: string }>();
  readonly #maxBlocks: number;
  readonly #maxMembers: number;
  readonly #onEvict: (listUri: string) => void;
  readonly #onChange: (lists: ListBlocks) => void;
  readonly #now: () => number;
  #members = 0;

  constructor(read: ReadList, opts: ListBlocksOptions = {}) {
    this.#read = read;
    this.#maxBlocks = opts.maxBlocks ?? 200_000;
    this.#maxMembers = opts.maxMembers ?? 500_000;
    this.#onEvict = opts.onEvict ?? (() => undefined);
    this.#onChange = opts.onChange ?? (() => undefined);
    this.#now = opts.now ?? Date.now;
  }

  /** List blocks held. */
  get size(): number {
    return this.#blocks.size;
  }

  /** Members held, over every list. */
  get memberCount(): number {
    return this.#members;
  }

  /** A list block record: `did` blocks `list`. Its members are read unless known. */
  add(uri: string, did: string, list: string): void {
    if (this.#blocks.has(uri)) return;
    this.#blocks.set(uri, { did, list });
    const mine = this.#byPerson.get(did) ?? new Map<string, number>();
    mine.set(list, (mine.get(list) ?? 0) + 1);
    this.#byPerson.set(did, mine);
    const blockers = this.#blockers.get(list) ?? new Map<string, string>();
    blockers.set(uri, did);
    this.#blockers.set(list, blockers);
    void this.#ensure(list);
    if (this.#blocks.size > this.#maxBlocks) this.remove(this.#blocks.keys().next().value as string);
    this.#onChange(this);
  }

  /** The list block record was deleted. A list nobody blocks any more is forgotten. */
  remove(uri: string): { did: string; list: string } | undefined {
    const block = this.#blocks.get(uri);
    if (!block) return undefined;
    this.#blocks.delete(uri);
    const mine = this.#byPerson.get(block.did);
    const n = (mine?.get(block.list) ?? 1) - 1;
    if (n > 0) mine?.set(block.list, n);
    else mine?.delete(block.list);
    if (mine?.size === 0) this.#byPerson.delete(block.did);
    const blockers = this.#blockers.get(block.list);
    blockers?.delete(uri);
    if (blockers?.size === 0) {
      this.#blockers.delete(block.list);
      this.#forgetMembers(block.list);
    }
    this.#onChange(this);
    return block;
  }

  /** Whether the list block record is held (seen, and not deleted nor forgotten since). */
  has(uri: string): boolean {
    return this.#blocks.has(uri);
  }

  /** The list blocks of `list`: who blocks it, under which record. */
  blocksOf(list: string): { uri: string; did: string }[] {
    return [...(this.#blockers.get(list) ?? [])].map(([uri, did]) => ({ uri, did }));
  }

  /** A list item record. Kept only for lists someone blocks. */
  addItem(uri: string, list: string, subject: string): void {
    if (!this.#blockers.has(list)) return;
    const m = this.#lists.get(list);
    // Members forgotten (or never read): the read brings this item too.
    if (!m) return void this.#ensure(list);
    this.#put(m, list, uri, subject);
    this.#evictOverBudget(list);
    this.#onChange(this);
  }

  /** A list item record was deleted; what it said, if it was held. */
  removeItem(uri: string): { list: string; subject: string } | undefined {
    // Not known yet, it may be in the answer of a read in flight of a list of the same owner's.
    for (const reading of this.#reading) if (ownerOf(reading) === ownerOf(uri)) this.#lists.get(reading)?.deleted.add(uri);
    const list = this.#itemList.get(uri);
    const m = list === undefined ? undefined : this.#lists.get(list);
    const subject = m?.items.get(uri);
    if (list === undefined || !m || subject === undefined) return undefined;
    this.#take(m, uri, subject);
    this.#itemList.delete(uri);
    this.#removed.set(uri, { list, subject });
    if (this.#removed.size > MAX_REMOVED) this.#removed.delete(this.#removed.keys().next().value as string);
    this.#onChange(this);
    return { list, subject };
  }

  /** An item held or lately deleted. */
  item(uri: string): { list: string; subject: string } | undefined {
    const list = this.#itemList.get(uri);
    const subject = list === undefined ? undefined : this.#lists.get(list)?.items.get(uri);
    return list !== undefined && subject !== undefined ? { list, subject } : this.#removed.get(uri);
  }

  /** Whether an item other than `exceptUri` puts `did` on `list`. */
  onListBesides(list: string, did: string, exceptUri: string): boolean {
    const m = this.#lists.get(list);
    if (!m) return false;
    return (m.count.get(did) ?? 0) - (m.items.get(exceptUri) === did ? 1 : 0) > 0;
  }

  /** Whether either of the two blocks a list the other is on (as far as this replica knows now). */
  between(a: string, b: string): boolean {
    return this.#blocksListWith(a, b) || this.#blocksListWith(b, a);
  }

  /** As between(), once the reads in flight of both people's lists have answered (or `waitMs` passed). */
  async betweenSettled(a: string, b: string, waitMs: number): Promise<boolean> {
    const lists = [...(this.#byPerson.get(a)?.keys() ?? []), ...(this.#byPerson.get(b)?.keys() ?? [])];
    const pending = lists.map((l) => this.#ensure(l));
    await settlesWithin(Promise.all(pending), waitMs);
    return this.between(a, b);
  }

  /** The list's members, read first when not known; throws ListUnreadableError when it cannot be. */
  async members(list: string): Promise<ReadonlySet<string>> {
    await this.#ensure(list);
    const m = this.#lists.get(list);
    if (!m || m.state === 'failed') throw new ListUnreadableError(list, { cause: m?.error });
    return new Set(m.count.keys());
  }

  #blocksListWith(blocker: string, member: string): boolean {
    for (const list of this.#byPerson.get(blocker)?.keys() ?? []) {
      if (this.#lists.get(list)?.count.has(member)) return true;
    }
    return false;
  }

  /** Starts the read of a list's members unless they are known, being read, or failed lately. */
  #ensure(list: string): Promise<void> {
    const known = this.#lists.get(list);
    if (known && (known.state !== 'failed' || this.#now() < known.retryAt)) return known.pending;
    const m: Members = known ?? {
      items: new Map(),
      count: new Map(),
      state: 'reading',
      pending: Promise.resolve(),
      deleted: new Set(),
      failures: 0,
      retryAt: 0,
    };
    m.state = 'reading';
    this.#lists.set(list, m);
    this.#reading.add(list);
    m.pending = this.#read(list)
      .then(
        (records) => {
          // Forgotten meanwhile (nobody blocks the list any more): the answer goes nowhere.
          if (this.#lists.get(list) !== m) return;
          for (const r of records) if (!m.deleted.has(r.uri)) this.#put(m, list, r.uri, r.subject);
          m.state = 'read';
          m.failures = 0;
          m.error = undefined;
        },
        (err: unknown) => {
          m.state = 'failed';
          m.error = err;
          m.failures++;
          m.retryAt = this.#now() + backoffDelay(m.failures, RETRY);
        },
      )
      .finally(() => {
        m.deleted.clear();
        if (this.#lists.get(list) === m) {
          this.#reading.delete(list);
          this.#evictOverBudget(list);
        }
        this.#onChange(this);
      });
    return m.pending;
  }

  #put(m: Members, list: string, uri: string, subject: string): void {
    if (m.items.has(uri)) return;
    m.items.set(uri, subject);
    m.count.set(subject, (m.count.get(subject) ?? 0) + 1);
    this.#itemList.set(uri, list);
    this.#members++;
  }

  #take(m: Members, uri: string, subject: string): void {
    m.items.delete(uri);
    const n = (m.count.get(subject) ?? 1) - 1;
    if (n > 0) m.count.set(subject, n);
    else m.count.delete(subject);
    this.#members--;
  }

  #forgetMembers(list: string): void {
    const m = this.#lists.get(list);
    if (!m) return;
    for (const uri of m.items.keys()) this.#itemList.delete(uri);
    this.#members -= m.items.size;
    this.#lists.delete(list);
    this.#reading.delete(list);
  }

  /** Forgets the members of the lists read longest ago (never `keep`'s) until under budget. */
  #evictOverBudget(keep: string): void {
    for (const list of this.#lists.keys()) {
      if (this.#members <= this.#maxMembers) return;
      if (list === keep || this.#lists.get(list)?.state === 'reading') continue;
      this.#forgetMembers(list);
      this.#onEvict(list);
    }
  }
}
