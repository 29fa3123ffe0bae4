import { HandleResolver, IdResolver } from '@atproto/identity';
import { HANDLE_DOMAIN } from './pds.ts';

const RESOLVE_TIMEOUT_MS = 3_000;

/**
 * Handles on the devnet exist only on its PDS: asking DNS or https://<handle>/.well-known for
 * "alice.test" can only fail, slowly. So handles are resolved by asking the PDS, and any other
 * handle is unknown here.
 */
export class DevnetHandleResolver extends HandleResolver {
  readonly pdsUrl: string;

  constructor(pdsUrl: string) {
    super({ timeout: RESOLVE_TIMEOUT_MS });
    this.pdsUrl = pdsUrl;
  }

  override async resolve(handle: string): Promise<string | undefined> {
    if (!handle.endsWith(HANDLE_DOMAIN)) return undefined;
    const url = new URL('/xrpc/com.atproto.identity.resolveHandle', this.pdsUrl);
    url.searchParams.set('handle', handle);
    const res = await fetch(url, { signal: AbortSignal.timeout(this.timeout) });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { did?: unknown };
    return typeof body.did === 'string' ? body.did : undefined;
  }
}

/**
 * An identity resolver for code that reads the devnet (ingest, @atproto/sync's Firehose): DIDs
 * from the local PLC over plain http, which the default SSRF-safe fetch refuses, and handles
 * from the PDS.
 */
export function createDevnetIdResolver(plcUrl: string, pdsUrl: string): IdResolver {
  const resolver = new IdResolver({ plcUrl, fetch: globalThis.fetch, timeout: RESOLVE_TIMEOUT_MS });
  resolver.handle = new DevnetHandleResolver(pdsUrl);
  return resolver;
}
