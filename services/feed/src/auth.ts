// Service-auth for the feed's methods. A client's PDS (or the AppView) signs a short-lived JWT
// with the viewer's atproto key; we check it with xrpc-server's verifyJwt: signature against the
// key in the issuer's DID document, audience = our service DID, method (lxm), expiry. Refusals
// are the lexicon errors verifyJwt raises (AuthRequired with BadJwt, BadJwtSignature,
// JwtExpired, BadJwtAudience, ...), counted by reason. A verified token is remembered until it
// expires, so a client paging with one token costs one signature check, not one per page.
import type { IdResolver } from '@atproto/identity';
import { AuthRequiredError, verifyJwt, XRPCError } from '@atproto/xrpc-server';
import type { FeedMetrics } from './metrics.ts';

export interface Viewer {
  /** The viewer's DID, or undefined for an anonymous request. */
  did: string | undefined;
}

export interface AuthOptions {
  serviceDid: string;
  mode: 'optional' | 'required';
  idResolver: IdResolver;
  metrics: FeedMetrics;
  now?: () => number;
  cacheSize?: number;
}

export type AuthFn = (authorization: string | undefined, lxm: string, required?: boolean) => Promise<Viewer>;

const BEARER = /^Bearer\s+(\S+)$/i;

export function createAuth(opts: AuthOptions): AuthFn {
  const now = opts.now ?? Date.now;
  const cacheSize = opts.cacheSize ?? 10_000;
  const verified = new Map<string, { did: string; expMs: number }>();
  const getSigningKey = async (iss: string, forceRefresh: boolean): Promise<string> => {
    // A labeler-style issuer ("did#service") signs with the DID's own atproto key.
    const [did] = iss.split('#') as [string];
    return opts.idResolver.did.resolveAtprotoKey(did, forceRefresh);
  };
  const refuse = (err: unknown): never => {
    const reason = err instanceof XRPCError ? (err.customErrorName ?? err.error ?? 'unknown') : 'unresolvable';
    opts.metrics.authFailures.inc({ reason });
    if (err instanceof XRPCError) throw err;
    throw new AuthRequiredError('could not verify jwt: issuer not resolvable', 'BadJwt', { cause: err });
  };
  return async (authorization, lxm, required = opts.mode === 'required') => {
    if (!authorization) {
      if (!required) return { did: undefined };
      return refuse(new AuthRequiredError('service-auth token required', 'AuthMissing'));
    }
    const m = BEARER.exec(authorization);
    if (!m) return refuse(new AuthRequiredError('authorization must be a Bearer token', 'BadJwt'));
    const jwt = m[1] as string;
    const key = `${lxm} ${jwt}`;
    const hit = verified.get(key);
    if (hit && hit.expMs > now()) return { did: hit.did };
    if (hit) verified.delete(key);
    try {
      const payload = await verifyJwt(jwt, opts.serviceDid, lxm, getSigningKey);
      const did = payload.iss.split('#')[0] as string;
      if (verified.size >= cacheSize) verified.delete(verified.keys().next().value as string);
      verified.set(key, { did, expMs: payload.exp * 1000 });
      return { did };
    } catch (err) {
      return refuse(err);
    }
  };
}
