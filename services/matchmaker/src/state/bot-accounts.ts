// Which accounts are bots, so that BotSky never answers or introduces one (no loops between bots,
// its own or anyone else's): its own (the roster), accounts the operator lists
// (BOTSKY_KNOWN_BOTS), and accounts whose profile carries the `bot` self-label. Labels are learned
// from the profile events the stream carries and, for an account not seen updating its profile
// since the look-back, read once from the profile record on its own PDS (cached for an hour; a
// read that fails counts as "not labelled" and is retried after a minute).
import type { Identities } from '@botsky/identity';

export const BOT_LABEL = 'bot';
const READ_TTL_MS = 60 * 60_000;
const RETRY_MS = 60_000;
const TIMEOUT_MS = 3000;

export class BotAccounts {
  readonly #known: ReadonlySet<string>;
  readonly #identities: Identities;
  readonly #now: () => number;
  /** From the stream: the labels of the latest profile seen. */
  readonly #seen = new Map<string, boolean>();
  readonly #read = new Map<string, { at: number; ttl: number; bot: Promise<boolean> }>();
  readonly #max: number;

  constructor(known: readonly string[], identities: Identities, opts: { now?: () => number; max?: number } = {}) {
    this.#known = new Set(known);
    this.#identities = identities;
    this.#now = opts.now ?? Date.now;
    this.#max = opts.max ?? 100_000;
  }

  /** A profile event: its self-labels are the account's now. */
  observeProfile(did: string, selfLabels: readonly string[]): void {
    this.#seen.delete(did);
    this.#seen.set(did, selfLabels.includes(BOT_LABEL));
    this.#read.delete(did);
    if (this.#seen.size > this.#max) this.#seen.delete(this.#seen.keys().next().value as string);
  }

  /** What is known without I/O: true only for a known bot or a `bot`-labelled profile seen. */
  knownBot(did: string): boolean {
    return this.#known.has(did) || this.#seen.get(did) === true;
  }

  /** Known, seen, or read from the account's own profile record. */
  async isBot(did: string): Promise<boolean> {
    if (this.#known.has(did)) return true;
    const seen = this.#seen.get(did);
    if (seen !== undefined) return seen;
    const hit = this.#read.get(did);
    if (hit && this.#now() - hit.at < hit.ttl) return hit.bot;
    const entry = { at: this.#now(), ttl: READ_TTL_MS, bot: Promise.resolve(false) };
    entry.bot = this.#readLabels(did).then((labels) => {
      if (labels === undefined) entry.ttl = RETRY_MS;
      return labels?.includes(BOT_LABEL) ?? false;
    });
    this.#read.set(did, entry);
    if (this.#read.size > this.#max) this.#read.delete(this.#read.keys().next().value as string);
    return entry.bot;
  }

  /** The profile record's self-labels ([] when it has none or there is no profile), undefined when it cannot be read. */
  async #readLabels(did: string): Promise<string[] | undefined> {
    const pds = await this.#identities.pdsOf(did);
    if (!pds) return undefined;
    const url = new URL('/xrpc/com.atproto.repo.getRecord', pds);
    url.search = new URLSearchParams({ repo: did, collection: 'app.bsky.actor.profile', rkey: 'self' }).toString();
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (res.status === 400) return [];
      if (!res.ok) return undefined;
      const body = (await res.json()) as { value?: { labels?: { $type?: string; values?: { val?: unknown }[] } } };
      const labels = body.value?.labels;
      if (labels?.$type !== 'com.atproto.label.defs#selfLabels') return [];
      return (labels.values ?? []).map((v) => String(v.val ?? ''));
    } catch {
      return undefined;
    }
  }
}
