// Signing keys for BOTSKY_INGEST_VERIFY, from DID documents: did:plc from BOTSKY_PLC_URL, did:web
// from the domain, through the reference resolver (@atproto/identity).
import { DidResolver } from '@atproto/identity';
import type { KeyResolver } from '@botsky/firehose';
import { resolverFetch } from '@botsky/identity';

export function createDidKeyResolver(plcUrl: string): KeyResolver {
  const resolver = new DidResolver({ plcUrl, timeout: 5_000, ...resolverFetch(plcUrl) });
  return (did, { forceRefresh }) => resolver.resolveAtprotoKey(did, forceRefresh);
}
