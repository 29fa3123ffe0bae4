// Signing keys for BOTSKY_INGEST_VERIFY, from DID documents: did:plc from BOTSKY_PLC_URL, did:web
// from the domain, through the reference resolver (@atproto/identity).
import { DidResolver } from '@atproto/identity';
import type { KeyResolver } from '@botsky/firehose';

export function createDidKeyResolver(plcUrl: string): KeyResolver {
  // The reference resolver's default fetch refuses plain http (SSRF protection); a PLC on http
  // is a local one (the devnet), the only case where the operator asks for it.
  const local = new URL(plcUrl).protocol === 'http:';
  const resolver = new DidResolver({ plcUrl, timeout: 5_000, ...(local ? { fetch: globalThis.fetch } : {}) });
  return (did, { forceRefresh }) => resolver.resolveAtprotoKey(did, forceRefresh);
}
