// For tests whose people are synthetic DIDs with no account anywhere: a local server that speaks
// the PLC directory's read API (GET /<did> answers the DID document) and
// com.atproto.identity.resolveHandle, so that `Identities` runs its real resolution over HTTP.
// Every did:plc:<id> claims the handle <id>.test and that handle resolves back, unless a test
// says otherwise: claim() changes the handle, disown() makes the claim stop resolving back.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DirectoryStandIn {
  /** Both BOTSKY_PLC_URL and BOTSKY_HANDLE_RESOLVER_URL. */
  readonly url: string;
  /** The handle a DID claims (and that resolves back to it) by default. */
  handleOf(did: string): string;
  claim(did: string, handle: string): void;
  /** The DID keeps claiming its handle, but the handle no longer resolves to it. */
  disown(did: string): void;
  /** Requests answered so far. */
  readonly requests: number;
  close(): Promise<void>;
}

export async function startDirectoryStandIn(opts: { pdsUrl?: string } = {}): Promise<DirectoryStandIn> {
  const claims = new Map<string, string>();
  const disowned = new Set<string>();
  const handleOf = (did: string) => claims.get(did) ?? `${did.split(':').pop()}.test`.toLowerCase();
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/xrpc/com.atproto.identity.resolveHandle') {
      const handle = (url.searchParams.get('handle') ?? '').toLowerCase();
      const owner =
        [...claims.entries()].find(([, h]) => h === handle)?.[0] ??
        (handle.endsWith('.test') ? `did:plc:${handle.slice(0, -'.test'.length)}` : undefined);
      if (!owner || disowned.has(owner) || handleOf(owner) !== handle)
        return json(400, { error: 'InvalidRequest', message: 'Unable to resolve handle' });
      return json(200, { did: owner });
    }
    const did = decodeURIComponent(url.pathname.slice(1));
    if (!did.startsWith('did:plc:')) return json(404, { message: 'DID not registered' });
    return json(200, {
      '@context': ['https://www.w3.org/ns/did/v1'],
      id: did,
      alsoKnownAs: [`at://${handleOf(did)}`],
      verificationMethod: [],
      service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: opts.pdsUrl ?? 'http://127.0.0.1:1' }],
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    handleOf,
    claim: (did, handle) => void claims.set(did, handle.toLowerCase()),
    disown: (did) => void disowned.add(did),
    get requests() {
      return requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
