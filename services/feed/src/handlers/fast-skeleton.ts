// getFeedSkeleton without express: the feed's one hot method. xrpc-server's generic pipeline
// (express routing, lexicon checks that build and discard Error objects, an error-result check
// of every output, lexToJson, an ETag hash of every body) cost about as much as the feed's own
// work. A request whose parameters are plainly valid (only `feed`, `limit`, `cursor`, once each;
// our feed; a limit of 1-100 in canonical form) is served here with the same handler, auth and
// error classes; anything else goes to the xrpc-server route, whose lexicon checks and errors
// then apply unchanged.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { XRPCError } from '@atproto/xrpc-server';
import type { FeedState } from './feed-state.ts';
import { serveSkeleton } from './get-feed-skeleton.ts';

export const SKELETON_NSID = 'app.bsky.feed.getFeedSkeleton';
const LIMIT = /^(?:[1-9][0-9]?|100)$/;

interface Params {
  feed: string;
  limit?: number;
  cursor?: string;
}

/** The parameters when the request can take the fast path; undefined otherwise. */
export function plainParams(url: string, feedUri: string): Params | undefined {
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  let feed: string | undefined;
  let limit: string | undefined;
  let cursor: string | undefined;
  for (const [key, value] of new URLSearchParams(url.slice(q + 1))) {
    if (key === 'feed' && feed === undefined) feed = value;
    else if (key === 'limit' && limit === undefined) limit = value;
    else if (key === 'cursor' && cursor === undefined) cursor = value;
    else return undefined;
  }
  if (feed !== feedUri || (limit !== undefined && !LIMIT.test(limit))) return undefined;
  return { feed, ...(limit === undefined ? {} : { limit: Number(limit) }), ...(cursor === undefined ? {} : { cursor }) };
}

/** Serves the request when it can take the fast path; false when xrpc-server should. */
export function serveSkeletonFast(state: FeedState, req: IncomingMessage, res: ServerResponse): boolean {
  const params = plainParams(req.url ?? '', state.feedUri);
  if (params === undefined) return false;
  state
    .auth(req.headers.authorization, SKELETON_NSID)
    .then((viewer) => send(res, 200, serveSkeleton(state, params, viewer.did)))
    .catch((err: unknown) => {
      const xrpc = XRPCError.fromError(err);
      if (xrpc.statusCode >= 500) state.logger.error({ err }, 'getFeedSkeleton failed');
      // A failure while the answer was being written cannot be answered again.
      if (res.headersSent) res.destroy();
      else send(res, xrpc.statusCode, xrpc.payload);
    });
  return true;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}
