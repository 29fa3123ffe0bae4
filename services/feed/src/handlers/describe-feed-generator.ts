// app.bsky.feed.describeFeedGenerator: which DID serves which feeds (one, here).
import type { Server } from '@atproto/xrpc-server';
import type { FeedState } from './feed-state.ts';

export function addDescribeFeedGenerator(server: Server, state: FeedState): void {
  server.method('app.bsky.feed.describeFeedGenerator', async () => ({
    encoding: 'application/json',
    body: { did: state.serviceDid, feeds: [{ uri: state.feedUri }] },
  }));
}
