// The BotSky feed for people: GET /api/feed asks the feed service for its equal-exposure
// skeleton (as the signed-in person, with a service-auth token their own server signs, so the
// impressions name them), and hydrates each post from its author's repository. POST /api/seen
// reports the items the person actually had on screen (the client decides by visibility) to the
// feed's sendInteractions, with the person's token: the ranking's exposure, from a client
// BotSky controls.
import type { FastifyInstance } from 'fastify';
import { resumeAgent } from '../session/agent.ts';
import type { AppViewReader } from './appview.ts';
import type { FeedItemView } from './feed-view.ts';
import { type SessionDeps, sessionOf, setSession } from './session.ts';

export type { FeedItemView } from './feed-view.ts';

const SKELETON = 'app.bsky.feed.getFeedSkeleton';
const INTERACTIONS = 'app.bsky.feed.sendInteractions';
const SEEN = 'app.bsky.feed.defs#interactionSeen';
const TIMEOUT_MS = 5_000;

interface Described {
  did: string;
  feedUri: string;
}

export interface FeedDeps extends SessionDeps {
  feedUrl: string;
  /** Fetch posts from http:// servers too (a local network only: its PLC is http). */
  allowHttpPds: boolean;
  /** When set, the posts come from this AppView instead of their authors' repositories. */
  appview: AppViewReader | undefined;
}

export function addFeed(app: FastifyInstance, deps: FeedDeps): void {
  const base = deps.feedUrl.endsWith('/') ? deps.feedUrl : `${deps.feedUrl}/`;
  let described: Described | undefined;
  const describe = async (): Promise<Described> => {
    if (described) return described;
    const res = await fetch(new URL('xrpc/app.bsky.feed.describeFeedGenerator', base), { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!res.ok) throw new Error(`describeFeedGenerator: HTTP ${res.status}`);
    const body = (await res.json()) as { did: string; feeds: Array<{ uri: string }> };
    described = { did: body.did, feedUri: body.feeds[0]?.uri ?? '' };
    return described;
  };
  /** The person's service-auth token for `lxm` on the feed, and their refreshed session if it changed. */
  const tokenFor = async (req: Parameters<typeof sessionOf>[0], aud: string, lxm: string) => {
    const s = sessionOf(req, deps.seal);
    if (!s) return undefined;
    const { agent, current } = await resumeAgent(s, deps.oauth());
    const token = (await agent.com.atproto.server.getServiceAuth({ aud, lxm })).data.token;
    const now = current();
    return { token, refreshed: now.accessJwt !== s.accessJwt ? now : undefined };
  };

  app.get<{ Querystring: { cursor?: string } }>(
    '/api/feed',
    {
      schema: { querystring: { type: 'object', additionalProperties: false, properties: { cursor: { type: 'string', maxLength: 512 } } } },
    },
    async (req, reply) => {
      let feed: Described;
      try {
        feed = await describe();
      } catch (err) {
        app.log.warn({ err }, 'cannot reach the feed service');
        return reply.code(503).send({ error: 'unavailable', message: 'the feed cannot be read right now' });
      }
      const auth = await tokenFor(req, feed.did, SKELETON).catch(() => undefined);
      if (auth?.refreshed) setSession(reply, deps, auth.refreshed);
      const url = new URL(`xrpc/${SKELETON}`, base);
      url.searchParams.set('feed', feed.feedUri);
      url.searchParams.set('limit', '20');
      if (req.query.cursor) url.searchParams.set('cursor', req.query.cursor);
      let skeleton: { feed: Array<{ post: string; feedContext?: string }>; cursor?: string };
      try {
        const res = await fetch(url, {
          headers: auth ? { authorization: `Bearer ${auth.token}` } : {},
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        if (!res.ok) return reply.code(503).send({ error: 'unavailable', message: `the feed answered ${res.status}` });
        skeleton = (await res.json()) as typeof skeleton;
      } catch (err) {
        app.log.warn({ err }, 'cannot read the feed skeleton');
        return reply.code(503).send({ error: 'unavailable', message: 'the feed cannot be read right now' });
      }
      const items = deps.appview
        ? await fromAppView(deps.appview, skeleton.feed)
        : await Promise.all(skeleton.feed.map((i) => hydrate(deps, i.post, i.feedContext ?? '')));
      return {
        items: items.filter((i): i is FeedItemView => i !== undefined),
        cursor: skeleton.cursor ?? null,
        viewer: auth ? 'signed-in' : 'anonymous',
      };
    },
  );

  app.post<{ Body: { items: Array<{ uri: string; feedContext: string }> } }>(
    '/api/seen',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['items'],
          properties: {
            items: {
              type: 'array',
              minItems: 1,
              maxItems: 100,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['uri', 'feedContext'],
                properties: { uri: { type: 'string', pattern: '^at://' }, feedContext: { type: 'string', maxLength: 2000 } },
              },
            },
          },
        },
      },
    },
    async (req, reply) => {
      const feed = await describe().catch(() => undefined);
      if (!feed) return reply.code(503).send({ error: 'unavailable', message: 'the feed cannot be reached right now' });
      const auth = await tokenFor(req, feed.did, INTERACTIONS).catch(() => undefined);
      if (!auth) return reply.code(401).send({ error: 'signed_out', message: 'sign in first' });
      if (auth.refreshed) setSession(reply, deps, auth.refreshed);
      const interactions = req.body.items.map((i) => ({ item: i.uri, event: SEEN, feedContext: i.feedContext }));
      const res = await fetch(new URL(`xrpc/${INTERACTIONS}`, base), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${auth.token}` },
        body: JSON.stringify({ interactions }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      }).catch(() => undefined);
      if (!res?.ok) return reply.code(503).send({ error: 'unavailable', message: `the feed answered ${res?.status ?? 'nothing'}` });
      return { sent: interactions.length };
    },
  );
}

/** The feed's posts as the AppView has them, in the skeleton's order; posts it does not know are left out. */
async function fromAppView(appview: AppViewReader, feed: Array<{ post: string; feedContext?: string }>): Promise<FeedItemView[]> {
  const found = await appview.posts(feed.map((i) => i.post));
  return feed.flatMap((i) => {
    const p = found.get(i.post);
    return p ? [{ uri: p.uri, cid: p.cid, did: p.did, text: p.text, createdAt: p.createdAt, feedContext: i.feedContext ?? '' }] : [];
  });
}

/** A post of the feed from its author's repository; undefined when it cannot be read (deleted, unreachable, malformed). */
async function hydrate(deps: FeedDeps, uri: string, feedContext: string): Promise<FeedItemView | undefined> {
  const m = /^at:\/\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(uri);
  if (!m) return undefined;
  const [, did, collection, rkey] = m as unknown as [string, string, string, string];
  const pds = await deps.identities.pdsOf(did);
  if (!pds || !safeServer(pds, deps.allowHttpPds)) return undefined;
  const url = new URL('xrpc/com.atproto.repo.getRecord', pds.endsWith('/') ? pds : `${pds}/`);
  url.search = new URLSearchParams({ repo: did, collection, rkey }).toString();
  const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' }).catch(() => undefined);
  if (!res?.ok) return undefined;
  const body = (await res.json().catch(() => undefined)) as { cid?: string; value?: { text?: unknown; createdAt?: unknown } } | undefined;
  if (!body) return undefined;
  return {
    uri,
    cid: body.cid ?? '',
    did,
    text: typeof body.value?.text === 'string' ? body.value.text : '',
    createdAt: typeof body.value?.createdAt === 'string' ? body.value.createdAt : '',
    feedContext,
  };
}

// A DID document is its author's to write: the address it names for the repository is fetched
// only when it is https on a public host (any http(s) host on a local network, whose PLC is http).
const PRIVATE = /^(10\.|127\.|169\.254\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|0\.|\[::1\]$|\[f[cd][0-9a-f]{2}:|localhost$)/i;

function safeServer(address: string, allowLocal: boolean): boolean {
  let u: URL;
  try {
    u = new URL(address);
  } catch {
    return false;
  }
  if (allowLocal) return u.protocol === 'http:' || u.protocol === 'https:';
  return u.protocol === 'https:' && !PRIVATE.test(u.hostname);
}
