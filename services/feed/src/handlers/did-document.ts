// GET /.well-known/did.json: the did:web document that names this host as the #bsky_fg service.
// Served only when the service DID is this host's did:web; a did:plc publishes its own document.
import type { ServerResponse } from 'node:http';

export function didDocument(serviceDid: string, hostname: string): object {
  return {
    '@context': ['https://www.w3.org/ns/did/v1'],
    id: serviceDid,
    service: [{ id: '#bsky_fg', type: 'BskyFeedGenerator', serviceEndpoint: `https://${hostname}` }],
  };
}

export function serveDidDocument(res: ServerResponse, serviceDid: string, hostname: string): void {
  if (!serviceDid.startsWith('did:web:')) {
    res
      .writeHead(404, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: 'NotFound', message: 'the feed service DID is not a did:web' }));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(didDocument(serviceDid, hostname)));
}
