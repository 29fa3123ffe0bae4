// Shared by the feed tests: a feed service on the real NATS (own namespace) with its identity
// resolver pointed at a devnet's PLC, bot outcomes to feed it, and the events it publishes.
import { CONSUMERS, createBus, parseBusUrl, type Bus } from '@botsky/bus';
import {
  BotOutcomeSchema,
  ClientInteractionSchema,
  create,
  decode,
  encode,
  ImpressionPageSchema,
  ImpressionSchema,
  OutcomeStatus,
  SUBJECTS,
  toUs,
  type ClientInteraction,
  type Impression,
} from '@botsky/contracts';
import type { Env } from '@botsky/kit';
import {
  deleteTestNamespace,
  eventually,
  natsUrl,
  startInProcess,
  testNamespace,
  type InProcess,
  type TestHooks,
} from '@botsky/kit/testing';
import type { IdResolver } from '@atproto/identity';
import { createContext, createFeedService, feedConfigSpec, type FeedContext, type FeedService } from '../src/index.ts';

export interface TestFeed {
  service: FeedService;
  url: string;
  bus: Bus;
  namespace: string;
  feedUri: string;
  serviceDid: string;
  /** Drains and stops the service (as a replica going away); the namespace stays. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a feed service (port 0) and a second bus on the same namespace for the test's own use.
 * With `BOTSKY_NAMESPACE` in `env`, it joins that namespace (another replica, or a restart).
 */
export async function startFeed(t: TestHooks, idResolver: IdResolver, env: Env = {}): Promise<TestFeed> {
  const namespace = env.BOTSKY_NAMESPACE ?? testNamespace('feed');
  const bus = await createBus({ ...parseBusUrl(natsUrl()), namespace });
  let running: InProcess<FeedContext, FeedService> | undefined;
  // One hook, registered first, so the service stops before the namespace goes.
  t.after(async () => {
    await running?.stop();
    await bus.close();
    await deleteTestNamespace(namespace);
  });
  const parts = { name: 'feed', configSpec: feedConfigSpec, createContext, createService: createFeedService };
  const own = {
    BOTSKY_BUS: natsUrl(),
    BOTSKY_NAMESPACE: namespace,
    BOTSKY_FEED_PORT: '0',
    BOTSKY_FEED_HOST: '127.0.0.1',
    BOTSKY_FEED_HOSTNAME: 'feed.test',
  };
  running = await startInProcess(t, parts, { ...own, ...env }, { idResolver });
  const service = running.svc;
  const http = service.http;
  if (!http) throw new Error('feed did not listen');
  return {
    service,
    url: http.url,
    bus,
    namespace,
    feedUri: service.state.feedUri,
    serviceDid: service.state.serviceDid,
    stop: running.stop,
  };
}

/** Publishes `perBot[bot]` REPLIED outcomes per bot, and waits until the feed holds them all. */
export async function publishReplies(
  feed: TestFeed,
  perBot: Record<string, number>,
  extra: { authorDid?: string } = {},
): Promise<string[]> {
  const uris: string[] = [];
  const messages = Object.entries(perBot).flatMap(([bot, n]) =>
    Array.from({ length: n }, (_, i) => {
      const uri = `at://did:plc:${bot}/app.bsky.feed.post/${i.toString().padStart(4, '0')}`;
      uris.push(uri);
      const data = encode(BotOutcomeSchema, {
        taskId: `${bot}-${i}`,
        botId: bot,
        status: OutcomeStatus.REPLIED,
        reply: { uri, cid: 'bafy' },
        authorDid: extra.authorDid ?? '',
        finishedAtUs: toUs(Date.now() - 1000),
      });
      return { subject: SUBJECTS.botOutcome, data, msgId: `${bot}-${i}` };
    }),
  );
  await feed.bus.publishMany(messages);
  await eventually('outcomes consumed', () => uris.every((u) => feed.service.state.store.get(u)), { timeoutMs: 10_000 });
  // Let the snapshot time pass the last arrival, so a fresh request sees every reply.
  await new Promise((r) => setTimeout(r, 300));
  return uris;
}

export interface Collected {
  /** One per served item: pages expanded (as scoring records them). */
  impressions: Impression[];
  /** Message ids of the pages, in arrival order. */
  pageIds: string[];
  interactions: ClientInteraction[];
}

/** Collects what the feed publishes on botsky.feed.* (through scoring's recorder consumer, in our namespace). */
export async function collectFeedEvents(feed: TestFeed): Promise<Collected> {
  const out: Collected = { impressions: [], pageIds: [], interactions: [] };
  await feed.bus.consume(CONSUMERS.scoringRecorderFeed, async (msg) => {
    if (msg.subject === SUBJECTS.feedImpressionPage) {
      const { items, $typeName: _, ...shared } = decode(ImpressionPageSchema, msg.data);
      out.pageIds.push(msg.msgId ?? '');
      for (const { $typeName: _t, ...item } of items) out.impressions.push(create(ImpressionSchema, { ...shared, ...item }));
    }
    if (msg.subject === SUBJECTS.feedInteraction) out.interactions.push(decode(ClientInteractionSchema, msg.data));
  });
  return out;
}

export interface XrpcReply {
  status: number;
  body: Record<string, unknown>;
}

export async function xrpcGet(url: string, nsid: string, params: Record<string, string | number>, token?: string): Promise<XrpcReply> {
  const u = new URL(`/xrpc/${nsid}`, url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, String(v));
  const res = await fetch(u, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function xrpcPost(url: string, nsid: string, body: unknown, token?: string): Promise<XrpcReply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(new URL(`/xrpc/${nsid}`, url), { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
