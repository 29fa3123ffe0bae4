// Hydration from an AppView, when BOTSKY_APPVIEW_URL names one (the public network's, or the
// local network's): the feed's posts with app.bsky.feed.getPosts (25 a request), and a thread
// BotSky has not seen go by with app.bsky.feed.getPostThread. Best effort: an AppView that does
// not answer, or answers something malformed, leaves the items out (or the thread unknown),
// never the page failed. Its answers are data: only the fields the page shows are kept.
import { AtpAgent } from '@atproto/api';
import type { ThreadPost, ThreadView } from '../live/thread-view.ts';

const PER_REQUEST = 25;
const TIMEOUT_MS = 5_000;
const THREAD_DEPTH = 6;

export interface HydratedPost {
  uri: string;
  cid: string;
  did: string;
  text: string;
  createdAt: string;
  parentUri: string;
}

type Rec = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A post view's fields the page shows; undefined when it is not a post view. */
function fromPostView(v: unknown): HydratedPost | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const p = v as Rec;
  const record = (p.record ?? {}) as Rec;
  const author = (p.author ?? {}) as Rec;
  const uri = str(p.uri);
  if (!uri.startsWith('at://') || !str(author.did).startsWith('did:')) return undefined;
  const reply = (record.reply ?? {}) as Rec;
  return {
    uri,
    cid: str(p.cid),
    did: str(author.did),
    text: str(record.text),
    createdAt: str(record.createdAt),
    parentUri: str(((reply.parent ?? {}) as Rec).uri),
  };
}

export class AppViewReader {
  readonly #agent: AtpAgent;

  constructor(url: string) {
    this.#agent = new AtpAgent({ service: url });
  }

  /** The posts the AppView knows of `uris`, by URI. */
  async posts(uris: readonly string[]): Promise<Map<string, HydratedPost>> {
    const out = new Map<string, HydratedPost>();
    for (let i = 0; i < uris.length; i += PER_REQUEST) {
      const batch = uris.slice(i, i + PER_REQUEST);
      const res = await this.#agent.app.bsky.feed
        .getPosts({ uris: batch }, { signal: AbortSignal.timeout(TIMEOUT_MS) })
        .catch(() => undefined);
      for (const v of res?.data.posts ?? []) {
        const p = fromPostView(v);
        if (p) out.set(p.uri, p);
      }
    }
    return out;
  }

  /** The thread around `uri` as the AppView has it (its parents, then its replies), or undefined. */
  async thread(uri: string): Promise<ThreadView | undefined> {
    const res = await this.#agent.app.bsky.feed
      .getPostThread({ uri, depth: THREAD_DEPTH, parentHeight: THREAD_DEPTH }, { signal: AbortSignal.timeout(TIMEOUT_MS) })
      .catch(() => undefined);
    const root = res?.data.thread as Rec | undefined;
    if (!root || !fromPostView(root.post)) return undefined;
    const parents: HydratedPost[] = [];
    for (let n = root.parent as Rec | undefined; n && parents.length < THREAD_DEPTH; n = n.parent as Rec | undefined) {
      const p = fromPostView(n.post);
      if (!p) break;
      parents.unshift(p);
    }
    const posts: ThreadPost[] = parents.map((p, depth) => asThreadPost(p, depth));
    const walk = (node: Rec, depth: number) => {
      const p = fromPostView(node.post);
      if (!p) return;
      posts.push(asThreadPost(p, depth));
      const replies = Array.isArray(node.replies) ? (node.replies as Rec[]) : [];
      for (const r of replies) walk(r, depth + 1);
    };
    walk(root, parents.length);
    return { focus: uri, posts };
  }
}

function asThreadPost(p: HydratedPost, depth: number): ThreadPost {
  const createdAtMs = Date.parse(p.createdAt);
  return {
    kind: 'post',
    uri: p.uri,
    cid: p.cid,
    did: p.did,
    text: p.text,
    parentUri: p.parentUri,
    createdAtMs: Number.isFinite(createdAtMs) ? createdAtMs : 0,
    eventAtMs: Number.isFinite(createdAtMs) ? createdAtMs : 0,
    depth,
  };
}
