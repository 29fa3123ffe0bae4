// Who a DID is: its handle, verified both ways (the DID document claims the handle, and the handle
// resolves back to the DID), and the PDS that hosts its repository. Through the reference
// resolvers of @atproto/identity (did:plc from the PLC directory, did:web from its domain;
// handles by DNS TXT and https://<handle>/.well-known/atproto-did), or, for handles, a configured
// service's com.atproto.identity.resolveHandle (a PDS or AppView; the local network's PDS).
// Answers are cached for a TTL (a failure for a shorter one), bounded, and concurrent lookups of
// one DID share a request. A DID whose handle does not verify has no handle here: BotSky never
// writes @mentions it cannot stand behind.
import { DidResolver, getHandle, getPds, HandleResolver, type DidDocument } from '@atproto/identity';
import type { IdentityConfig } from './config.ts';
import { resolverFetch } from './fetch.ts';

export interface Identity {
  did: string;
  /** The handle, lower case, only when it verifies both ways. */
  handle: string | undefined;
  /** The handle the DID document claims, verified or not (for logs and reasons). */
  claimedHandle: string | undefined;
  /** The #atproto_pds endpoint of the DID document. */
  pds: string | undefined;
  /** What the lookup found: `verified`, `unverified` (the handle does not resolve back), `no_handle`, `not_found`, `error`. */
  result: LookupResult;
}

export type LookupResult = 'verified' | 'unverified' | 'no_handle' | 'not_found' | 'error';

export interface IdentitiesOptions {
  /** Epoch ms; tests move it. */
  now?: () => number;
  /** Called once per lookup that went to the network, with its result. */
  onLookup?: (result: LookupResult) => void;
  /** Entries kept at most (least recently used dropped first). */
  maxEntries?: number;
}

/** A failed or unverified lookup is retried after this long at most, so a fixed handle is noticed. */
const RETRY_MS = 5 * 60_000;
const DID = /^did:(plc|web):[A-Za-z0-9._:%-]+$/;

export class Identities {
  readonly #dids: DidResolver;
  readonly #handles: { resolve(handle: string): Promise<string | undefined> };
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #onLookup: (result: LookupResult) => void;
  readonly #max: number;
  readonly #cache = new Map<string, { at: number; ttl: number; identity: Promise<Identity> }>();

  constructor(
    config: Pick<IdentityConfig, 'plcUrl' | 'handleResolverUrl' | 'identityTtlMs' | 'identityTimeoutMs'>,
    opts: IdentitiesOptions = {},
  ) {
    const fetchOpt = resolverFetch(config.plcUrl);
    this.#dids = new DidResolver({ plcUrl: config.plcUrl, timeout: config.identityTimeoutMs, ...fetchOpt });
    this.#handles = config.handleResolverUrl
      ? new XrpcHandleResolver(config.handleResolverUrl, config.identityTimeoutMs)
      : new HandleResolver({ timeout: config.identityTimeoutMs, ...fetchOpt });
    this.#ttlMs = config.identityTtlMs;
    this.#now = opts.now ?? Date.now;
    this.#onLookup = opts.onLookup ?? (() => undefined);
    this.#max = opts.maxEntries ?? 100_000;
  }

  /** The DID's identity, from the cache while it is fresh. Never throws. */
  lookup(did: string): Promise<Identity> {
    const now = this.#now();
    const hit = this.#cache.get(did);
    if (hit && now - hit.at < hit.ttl) return hit.identity;
    const entry = { at: now, ttl: this.#ttlMs, identity: undefined as unknown as Promise<Identity> };
    const identity = this.#resolve(did).then((found) => {
      this.#onLookup(found.result);
      if (found.result !== 'verified') entry.ttl = Math.min(this.#ttlMs, RETRY_MS);
      settled.set(identity, found);
      return found;
    });
    entry.identity = identity;
    this.#cache.delete(did);
    this.#cache.set(did, entry);
    if (this.#cache.size > this.#max) this.#cache.delete(this.#cache.keys().next().value as string);
    return entry.identity;
  }

  /** The verified handle, or undefined. */
  async verifiedHandle(did: string): Promise<string | undefined> {
    return (await this.lookup(did)).handle;
  }

  /** The PDS hosting the DID's repository, or undefined. */
  async pdsOf(did: string): Promise<string | undefined> {
    return (await this.lookup(did)).pds;
  }

  /** What the cache holds for the DID right now, without I/O (undefined: not looked up, or still in flight). */
  peek(did: string): Identity | undefined {
    const hit = this.#cache.get(did);
    if (!hit || this.#now() - hit.at >= hit.ttl) return undefined;
    return settled.get(hit.identity);
  }

  /** Drops the DID's entry: its identity changed (an #identity event), the next lookup asks again. */
  forget(did: string): void {
    this.#cache.delete(did);
  }

  async #resolve(did: string): Promise<Identity> {
    if (!DID.test(did)) return empty(did, 'not_found');
    let doc: DidDocument | null;
    try {
      doc = await this.#dids.resolve(did, true);
    } catch {
      return empty(did, 'error');
    }
    if (!doc) return empty(did, 'not_found');
    const claimed = getHandle(doc)?.toLowerCase();
    const pds = getPds(doc);
    if (!claimed) return { did, handle: undefined, claimedHandle: undefined, pds, result: 'no_handle' };
    let back: string | undefined;
    try {
      back = await this.#handles.resolve(claimed);
    } catch {
      return { did, handle: undefined, claimedHandle: claimed, pds, result: 'error' };
    }
    const result = back === did ? 'verified' : 'unverified';
    return { did, handle: result === 'verified' ? claimed : undefined, claimedHandle: claimed, pds, result };
  }
}

/** Settled identities by their promise, so peek() can answer synchronously. */
const settled = new WeakMap<Promise<Identity>, Identity>();

function empty(did: string, result: LookupResult): Identity {
  return { did, handle: undefined, claimedHandle: undefined, pds: undefined, result };
}

/** Handles by com.atproto.identity.resolveHandle on one service. */
class XrpcHandleResolver {
  readonly #base: string;
  readonly #timeoutMs: number;

  constructor(base: string, timeoutMs: number) {
    this.#base = base;
    this.#timeoutMs = timeoutMs;
  }

  async resolve(handle: string): Promise<string | undefined> {
    const url = new URL('/xrpc/com.atproto.identity.resolveHandle', this.#base);
    url.searchParams.set('handle', handle);
    const res = await fetch(url, { signal: AbortSignal.timeout(this.#timeoutMs) });
    // 400 HandleNotFound is a definite "no"; anything else unexpected is an error.
    if (res.status === 400) return undefined;
    if (!res.ok) throw new Error(`resolveHandle answered ${res.status}`);
    const body = (await res.json()) as { did?: unknown };
    return typeof body.did === 'string' ? body.did : undefined;
  }
}
