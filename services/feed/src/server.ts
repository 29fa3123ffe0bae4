// The feed generator's HTTP server: @atproto/xrpc-server (lexicon-checked params, inputs and
// lexicon errors) for the three app.bsky methods, the did:web document beside it, and a metric
// per request. node:http underneath, so listening and closing stay ours.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { schemas } from '@atproto/api';
import { createServer, type Server } from '@atproto/xrpc-server';
import { addDescribeFeedGenerator } from './handlers/describe-feed-generator.ts';
import { serveDidDocument } from './handlers/did-document.ts';
import { SKELETON_NSID, serveSkeletonFast } from './handlers/fast-skeleton.ts';
import type { FeedState } from './handlers/feed-state.ts';
import { addGetFeedSkeleton } from './handlers/get-feed-skeleton.ts';
import { addSendInteractions } from './handlers/send-interactions.ts';

export interface FeedHttpServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const CLOSE_GRACE_MS = 2_000;

type Lexicons = NonNullable<Parameters<typeof createServer>[0]>;

const METHODS = new Set(['app.bsky.feed.describeFeedGenerator', 'app.bsky.feed.getFeedSkeleton', 'app.bsky.feed.sendInteractions']);

export function createXrpcServer(state: FeedState): Server {
  // Only the documents our methods use (their params and inputs are checked against them): the
  // whole app.bsky set would take a second to compile at start-up for nothing.
  const docs = (schemas as unknown as Lexicons).filter((d) => METHODS.has(d.id) || d.id === 'app.bsky.feed.defs');
  // Responses are built here from our own data and tested; validating 50 items per page on
  // every request would cost more than ranking them.
  const server = createServer(docs, { validateResponse: false });
  addDescribeFeedGenerator(server, state);
  addGetFeedSkeleton(server, state);
  addSendInteractions(server, state);
  return server;
}

/** The request listener: did.json, then XRPC; every XRPC response is counted and timed. */
export function requestListener(state: FeedState, xrpc: Server) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0] as string;
    if (path === '/.well-known/did.json' && req.method === 'GET') {
      serveDidDocument(res, state.serviceDid, state.hostname);
      return;
    }
    const nsid = path.startsWith('/xrpc/') ? path.slice(6) : '';
    const method = METHODS.has(nsid) ? nsid : 'other';
    const end = state.metrics.requestSeconds.startTimer({ method });
    res.once('finish', () => {
      end();
      state.metrics.requests.inc({ method, status: String(res.statusCode) });
    });
    if (nsid === SKELETON_NSID && req.method === 'GET' && serveSkeletonFast(state, req, res)) return;
    xrpc.router(req as Parameters<Server['router']>[0], res as Parameters<Server['router']>[1]);
  };
}

export async function listen(state: FeedState, host: string, port: number): Promise<FeedHttpServer> {
  const xrpc = createXrpcServer(state);
  const http = createHttpServer({ keepAliveTimeout: 65_000 }, requestListener(state, xrpc));
  http.listen(port, host);
  await once(http, 'listening');
  const actual = (http.address() as AddressInfo).port;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    url: `http://${shown}:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Keep-alive clients would hold close() open: idle connections go now, and whatever is
        // still open after a grace period (a response in flight) is cut.
        const force = setTimeout(() => http.closeAllConnections(), CLOSE_GRACE_MS);
        http.close((err) => {
          clearTimeout(force);
          if (err) reject(err);
          else resolve();
        });
        http.closeIdleConnections();
      }),
  };
}
