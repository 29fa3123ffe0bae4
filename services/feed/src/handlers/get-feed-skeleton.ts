// app.bsky.feed.getFeedSkeleton: one page of the equal-exposure ranking, and its impressions (one
// event per page, an entry per served item). A fresh request ranks the current snapshot with a new
// seed; the cursor carries the seed, the snapshot's time and the offset, so the next page replays
// the same ranking. Plainly valid requests reach serveSkeleton through fast-skeleton.ts instead.
import { randomBytes } from 'node:crypto';
import { InvalidRequestError, type Server } from '@atproto/xrpc-server';
import { decodeCursor, encodeCursor, InvalidCursorError, rankSnapshotPage, type FeedCursor, type Served } from '../ranking/index.ts';
import type { Viewer } from '../auth.ts';
import type { FeedState } from './feed-state.ts';

const NSID = 'app.bsky.feed.getFeedSkeleton';
const MAX_LIMIT = 100;

interface Params {
  feed: string;
  limit?: number;
  cursor?: string;
}

export function addGetFeedSkeleton(server: Server, state: FeedState): void {
  server.method(NSID, {
    auth: async ({ req }) => ({ credentials: await state.auth(req.headers.authorization, NSID) }),
    handler: async ({ params, auth }) => {
      const viewer = (auth as { credentials: Viewer }).credentials;
      return { encoding: 'application/json', body: serveSkeleton(state, params as unknown as Params, viewer.did) };
    },
  });
}

export function serveSkeleton(state: FeedState, params: Params, viewer: string | undefined) {
  if (params.feed !== state.feedUri) throw new InvalidRequestError(`unknown feed ${params.feed}`, 'UnknownFeed');
  const limit = Math.min(MAX_LIMIT, Math.max(1, params.limit ?? 50));
  const cursor = params.cursor ? parseCursor(params.cursor) : undefined;
  const snapshot = cursor ? state.store.at(cursor.snapshotMs) : state.store.current();
  const seed = cursor?.seed ?? seedFor(viewer, snapshot.atMs);
  const offset = cursor?.offset ?? 0;
  const page = rankSnapshotPage(snapshot.ranking, seed, offset, limit, state.store.personalWeights(viewer));
  const reqId = nextRequestId();
  record(state, page, reqId, viewer);
  const end = offset + page.length;
  const more = page.length === limit && end < snapshot.ranking.size;
  return {
    feed: page.map((s) => ({ post: s.uri, feedContext: feedContext(reqId, s.position) })),
    reqId,
    ...(more ? { cursor: encodeCursor({ seed, snapshotMs: snapshot.atMs, offset: end }) } : {}),
  };
}

function parseCursor(raw: string): FeedCursor {
  try {
    const c = decodeCursor(raw);
    if (c.snapshotMs > Date.now()) throw new InvalidCursorError('cursor from the future');
    return c;
  } catch (err) {
    if (err instanceof InvalidCursorError) throw new InvalidRequestError(`invalid cursor: ${err.message}`, undefined, { cause: err });
    throw err;
  }
}

// Request ids: a random per-process prefix and a counter (unique across replicas and restarts,
// and far cheaper than a UUID per request).
const PROCESS_ID = randomBytes(6).toString('base64url');
let requestCounter = 0;

function nextRequestId(): string {
  return `${PROCESS_ID}${(++requestCounter).toString(36)}`;
}

/** A known viewer gets the same order for the same snapshot (a reload replays); anyone else a random one. */
function seedFor(viewer: string | undefined, atMs: number): number {
  if (!viewer) return (Math.random() * 0x1_0000_0000) >>> 0;
  let h = 0x811c9dc5;
  const s = `${viewer}|${atMs}`;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Joins a client's sendInteractions back to the impression: the request id and the position. */
export function feedContext(reqId: string, position: number): string {
  return `${reqId}/${position}`;
}

function record(state: FeedState, page: readonly Served[], reqId: string, viewer: string | undefined): void {
  state.impressions.pushPage({
    requestId: reqId,
    viewerDid: viewer ?? '',
    servedAtUs: Date.now() * 1000,
    feedUri: state.feedUri,
    items: page.map((s) => ({
      itemUri: s.uri,
      botId: s.botId,
      position: s.position,
      probability: s.probability,
      feedContext: feedContext(reqId, s.position),
    })),
  });
}
