// web's test helpers: a web service on a test namespace of the real NATS (port 0, the client
// built into a temporary directory), the bus messages it follows, and a reader of its live stream.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBus, parseBusUrl, type Bus } from '@botsky/bus';
import {
  BotOutcomeSchema,
  encode,
  MatchDecisionSchema,
  MatchVerdict,
  matchDecisionId,
  NetworkEventSchema,
  OutcomeStatus,
  RatingMethod,
  RatingSnapshotSchema,
  SUBJECTS,
  toUs,
} from '@botsky/contracts';
import type { Env } from '@botsky/kit';
import { deleteTestNamespace, natsUrl, startInProcess, testNamespace, type InProcess, type TestHooks } from '@botsky/kit/testing';
import { buildClient } from '../src/client-build.ts';
import { createContext, type WebContext } from '../src/context.ts';
import { webConfigSpec } from '../src/config.ts';
import type { LiveEvent } from '../src/live/event-types.ts';
import { createWebService, type WebService } from '../src/service.ts';

export interface TestWeb {
  running: InProcess<WebContext, WebService>;
  url: string;
  /** A second connection to the service's namespace, for the test's own messages. */
  bus: Bus;
}

/** The client, built once per test file into a directory removed when `t` ends. */
export async function builtClient(t: TestHooks): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'botsky-web-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await buildClient(dir);
  return dir;
}

export async function startWeb(t: TestHooks, clientDir: string, env: Env = {}): Promise<TestWeb> {
  const namespace = env.BOTSKY_NAMESPACE ?? testNamespace('web');
  const bus = await createBus({ ...parseBusUrl(natsUrl()), namespace });
  let running: InProcess<WebContext, WebService> | undefined;
  t.after(async () => {
    await running?.stop();
    await bus.close();
    await deleteTestNamespace(namespace);
  });
  const parts = { name: 'web', configSpec: webConfigSpec, createContext, createService: createWebService };
  const own = { BOTSKY_BUS: natsUrl(), BOTSKY_NAMESPACE: namespace, BOTSKY_WEB_PORT: '0', BOTSKY_WEB_HOST: '127.0.0.1' };
  running = await startInProcess(t, parts, { ...own, ...env }, { clientDir });
  const url = running.svc.url;
  if (!url) throw new Error('web did not listen');
  return { running, url, bus };
}

const did = (name: string) => `did:plc:${name.padEnd(24, 'x')}`;

export function postUri(author: string, rkey: string): string {
  return `at://${did(author)}/app.bsky.feed.post/${rkey}`;
}

/** A person's post as ingest publishes it (a synthetic one: see publishRecordPost for a real record). */
export async function publishPost(bus: Bus, author: string, rkey: string, text: string, parentUri = ''): Promise<string> {
  const uri = postUri(author, rkey);
  await publishRecordPost(bus, { did: did(author), uri, cid: 'bafypost', text, parentUri });
  return uri;
}

/** The network event ingest publishes for a post record. */
export async function publishRecordPost(
  bus: Bus,
  p: { did: string; uri: string; cid: string; text: string; parentUri?: string },
): Promise<void> {
  const now = Date.now();
  const parent = p.parentUri ? { uri: p.parentUri, cid: 'bafyparent' } : undefined;
  const data = encode(NetworkEventSchema, {
    did: p.did,
    uri: p.uri,
    cid: p.cid,
    timeUs: toUs(now),
    payload: { case: 'post', value: { text: p.text, createdAtUs: toUs(now), ...(parent ? { reply: { root: parent, parent } } : {}) } },
  });
  await bus.publish(SUBJECTS.networkPost, data, { msgId: p.uri });
}

/** A bot's posted reply as bot-runner publishes it. */
export async function publishReply(
  bus: Bus,
  o: { bot: string; model: string; provider: string; parentUri: string; rkey: string; text: string; mention?: string },
): Promise<string> {
  const uri = postUri(o.bot, o.rkey);
  const data = encode(BotOutcomeSchema, {
    taskId: `task-${o.rkey}`,
    botId: o.bot,
    model: o.model,
    provider: o.provider,
    status: OutcomeStatus.REPLIED,
    reply: { uri, cid: 'bafyreply' },
    replyText: o.text,
    postRef: { uri: o.parentUri, cid: 'bafyparent' },
    authorDid: o.parentUri.slice(5).split('/')[0] ?? '',
    mentionDid: o.mention ? did(o.mention) : '',
    finishedAtUs: toUs(Date.now()),
  });
  await bus.publish(SUBJECTS.botOutcome, data, { msgId: `task-${o.rkey}` });
  return uri;
}

/** matchmaker's decision about a post as it publishes it: dispatched to `bots` (introducing `chosen`) or skipped. */
export async function publishDecision(
  bus: Bus,
  d: {
    postUri: string;
    authorDid: string;
    reason: string;
    bots?: string[];
    candidates?: Array<{ did: string; handle: string; interests: string[] }>;
    chosen?: number;
  },
): Promise<void> {
  const candidates = d.candidates ?? [];
  const chosen = d.chosen === undefined ? undefined : candidates[d.chosen];
  const data = encode(MatchDecisionSchema, {
    decisionId: matchDecisionId(d.postUri),
    postRef: { uri: d.postUri, cid: 'bafypost' },
    authorDid: d.authorDid,
    verdict: d.bots?.length ? MatchVerdict.DISPATCHED : MatchVerdict.SKIPPED,
    reason: d.reason,
    botIds: d.bots ?? [],
    candidates: candidates.map((c) => ({ ...c, eligible: true, similarity: 0.5, reason: 'shares interests' })),
    ...(chosen ? { chosen: { ...chosen, eligible: true, similarity: 0.5, reason: 'shares interests' } } : {}),
    decidedAtUs: toUs(Date.now()),
  });
  await bus.publish(SUBJECTS.matchDecision, data, { msgId: matchDecisionId(d.postUri) });
}

/** A rating snapshot as scoring publishes it (style-controlled unless told). */
export async function publishRating(
  bus: Bus,
  bot: string,
  rating: number,
  atMs: number,
  method: RatingMethod = RatingMethod.BRADLEY_TERRY_STYLE,
): Promise<void> {
  const data = encode(RatingSnapshotSchema, {
    botId: bot,
    method,
    rating,
    ci95Lo: rating - 20,
    ci95Hi: rating + 20,
    rank: 1,
    battles: 10,
    computedAtUs: toUs(atMs),
  });
  await bus.publish(SUBJECTS.ratingSnapshot, data, { msgId: `rating:${bot}:${method}:${atMs}` });
}

export interface LiveReader {
  events: LiveEvent[];
  /** Frames of other kinds (`full`), by name. */
  others: string[];
  close(): void;
}

/** Reads /api/live in the background, parsing its frames as a browser's EventSource would. */
export async function readLive(url: string): Promise<LiveReader> {
  const abort = new AbortController();
  const res = await fetch(`${url}/api/live`, { signal: abort.signal });
  if (!res.ok || !res.body) throw new Error(`live stream: HTTP ${res.status}`);
  const out: LiveReader = { events: [], others: [], close: () => abort.abort() };
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = /^event: (.+)$/m.exec(frame)?.[1];
          const data = /^data: (.+)$/m.exec(frame)?.[1];
          if (name === 'post' || name === 'reply') out.events.push(JSON.parse(data ?? '{}') as LiveEvent);
          else if (name) out.others.push(name);
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted by close(), or the server ended the stream
    }
  })();
  return out;
}
