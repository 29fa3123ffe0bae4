// Reading BotSky's feed as a viewer: the feed gives post URIs (a skeleton); the posts themselves
// are read from their authors' repos on the PDS, once each, and only bot posts are kept.
import { mapBounded } from '@botsky/async';
import { SimulationError } from './errors.ts';
import type { FeedPost } from './planning.ts';
import { didOfUri, type PersonState } from './state.ts';

export interface FeedReadOptions {
  readFeed: (viewerDid: string) => Promise<string[]>;
  isBot: (did: string) => boolean;
  concurrency: number;
  /** Posts already read, by URI, shared across ticks so each is fetched once. */
  cache: Map<string, Promise<FeedPost | null>>;
  onError: (err: SimulationError) => void;
}

function parseUri(uri: string): { repo: string; collection: string; rkey: string } | null {
  const m = /^at:\/\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(uri);
  return m ? { repo: m[1] as string, collection: m[2] as string, rkey: m[3] as string } : null;
}

async function fetchPost(s: PersonState, uri: string): Promise<FeedPost | null> {
  const at = parseUri(uri);
  if (at?.collection !== 'app.bsky.feed.post' || !s.account) return null;
  const res = await s.account.agent.com.atproto.repo.getRecord(at);
  const value = res.data.value as { text?: unknown; reply?: { root?: { uri: string; cid: string } } };
  if (typeof value.text !== 'string' || !res.data.cid) return null;
  const ref = { uri, cid: res.data.cid };
  return { ref, root: value.reply?.root ?? ref, did: at.repo, text: value.text };
}

/** Each reader's unseen bot posts from the feed, in feed order. */
export async function readFeeds(readers: readonly PersonState[], o: FeedReadOptions): Promise<Map<PersonState, FeedPost[]>> {
  const known = o.cache;
  const fetchOnce = (s: PersonState, uri: string): Promise<FeedPost | null> =>
    fetchPost(s, uri).catch((err: unknown) => {
      known.delete(uri);
      o.onError(new SimulationError(`reading feed post ${uri} failed`, { cause: err }));
      return null;
    });
  const out = new Map<PersonState, FeedPost[]>();
  await mapBounded(readers, o.concurrency, async (s) => {
    try {
      const uris = (await o.readFeed(s.account!.did)).filter((u) => o.isBot(didOfUri(u)) && !s.feedSeen.has(u));
      const seen: FeedPost[] = [];
      for (const uri of uris) {
        if (!known.has(uri)) known.set(uri, fetchOnce(s, uri));
        const post = await known.get(uri);
        if (post) seen.push(post);
      }
      out.set(s, seen);
    } catch (err) {
      o.onError(new SimulationError(`reading the feed for ${s.handle} failed`, { cause: err }));
    }
  });
  return out;
}
