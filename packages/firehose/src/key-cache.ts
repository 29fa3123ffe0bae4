// Signing keys by DID, resolved through a caller-supplied callback and cached, so that the hot
// path of signature checking does no I/O. Misses and failures are cached too (for less time),
// and forced refreshes are rate-limited per DID: a flood of badly signed frames must not turn
// into a flood of DID resolutions.
import { KeyResolutionError } from './errors.ts';
import { type PublicKey, parsePublicKey } from './keys.ts';

/**
 * Returns the account's current atproto signing key as 'did:key:z...' or a multikey 'z...', or
 * null when the DID has none. `forceRefresh` asks the resolver to bypass its own caches.
 */
export type KeyResolver = (did: string, opts: { forceRefresh: boolean }) => Promise<string | null | undefined> | string | null | undefined;

export interface KeyCacheOptions {
  /** Most DIDs kept; the least recently resolved go first. Default 100,000. */
  maxEntries?: number;
  /** How long a key is trusted before it is resolved again. Default 1 hour. */
  ttlMs?: number;
  /** How long "no key" is remembered. Default 1 minute. */
  negativeTtlMs?: number;
  /** Least time between two forced refreshes of one DID. Default 1 minute. */
  minRefreshIntervalMs?: number;
  /** A clock, for tests. */
  now?: () => number;
}

export interface KeyCache {
  /** The cached key, or a resolution of it. */
  get(did: string): PublicKey | null | Promise<PublicKey | null>;
  /** A fresh resolution, or the cached key when this DID was refreshed too recently. */
  refresh(did: string): PublicKey | null | Promise<PublicKey | null>;
}

interface Entry {
  key: PublicKey | null;
  expiresAt: number;
  refreshedAt: number;
}

export function createKeyCache(resolve: KeyResolver, opts: KeyCacheOptions = {}): KeyCache {
  const maxEntries = opts.maxEntries ?? 100_000;
  const ttlMs = opts.ttlMs ?? 3_600_000;
  const negativeTtlMs = opts.negativeTtlMs ?? 60_000;
  const minRefreshIntervalMs = opts.minRefreshIntervalMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const pending = new Map<string, Promise<PublicKey | null>>();

  const remember = (did: string, key: PublicKey | null): void => {
    const t = now();
    entries.delete(did);
    entries.set(did, { key, expiresAt: t + (key ? ttlMs : negativeTtlMs), refreshedAt: t });
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
  };

  const load = (did: string, forceRefresh: boolean): Promise<PublicKey | null> => {
    const inFlight = pending.get(did);
    if (inFlight) return inFlight;
    const promise = resolveKey(resolve, did, forceRefresh).then(
      (key) => {
        remember(did, key);
        return key;
      },
      (err: unknown) => {
        // A failing resolver is remembered like a miss, so it is not asked again for every frame.
        remember(did, null);
        throw err;
      },
    );
    pending.set(did, promise);
    return promise.finally(() => pending.delete(did));
  };

  return {
    get(did) {
      const entry = entries.get(did);
      if (entry === undefined || entry.expiresAt <= now()) return load(did, false);
      return entry.key;
    },
    refresh(did) {
      const entry = entries.get(did);
      if (entry !== undefined && now() - entry.refreshedAt < minRefreshIntervalMs) return entry.key;
      return load(did, true);
    },
  };
}

async function resolveKey(resolve: KeyResolver, did: string, forceRefresh: boolean): Promise<PublicKey | null> {
  let text: string | null | undefined;
  try {
    text = await resolve(did, { forceRefresh });
  } catch (err) {
    throw new KeyResolutionError(did, { cause: err });
  }
  // A key that does not parse is as good as none: the frames it signs cannot be trusted.
  if (!text) return null;
  try {
    return parsePublicKey(text);
  } catch {
    return null;
  }
}
