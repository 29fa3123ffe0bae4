// The five services as five separate processes, wired as in production: the real NATS JetStream
// server between them, the local network (the reference PDS + PLC) as the source and the place bots
// post, scoring on embedded ClickHouse. People who opted in (they follow the project's account)
// post (their accounts made before ingest started, so no #identity event of theirs was seen); bots
// answer on the PDS, introducing one of the others by a mention facet under their verified
// handle; each reply comes back through the firehose and its outcome is published; reading the
// feed records impressions;
// a person likes a bot's reply; the leaderboard counts all three, over HTTP and over gRPC.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { credentials } from '@grpc/grpc-js';
import { createBus, parseBusUrl } from '@botsky/bus';
import {
  BotOutcomeSchema,
  LeaderboardService,
  NetworkEventSchema,
  OutcomeStatus,
  RatingMethod,
  SUBJECTS,
  decode,
  type BotOutcome,
  type Post,
} from '@botsky/contracts';
import { createGrpcClient } from '@botsky/contracts/grpc';
import type { DevnetAccount } from '@botsky/devnet';
import {
  deleteTestNamespace,
  eventually,
  natsUrl,
  startServiceMain,
  suiteHooks,
  testNamespace,
  waitForOutput,
  type RunningChild,
} from '@botsky/kit/testing';
import { networkEnv, startDemoNetwork, type DemoNetwork } from '../src/demo/network.ts';

const SERVICES = ['scoring', 'feed', 'bot-runner', 'matchmaker', 'ingest'] as const;
type Name = (typeof SERVICES)[number];
const mainOf = (name: Name) => fileURLToPath(new URL(`../../../services/${name}/src/main.ts`, import.meta.url));
/** Generous: five Node processes, ClickHouse and the PDS share a loaded 2-core machine. */
const START_MS = 60_000;
const PIPELINE_MS = 45_000;
const PEOPLE = 8;

interface MentionFacet {
  did: string;
  byteStart: number;
  byteEnd: number;
}
interface BotReply {
  uri: string;
  cid: string;
  parent: string;
  bot: string;
  text: string;
  mentions: MentionFacet[];
}
interface RecordFacet {
  index?: { byteStart?: number; byteEnd?: number };
  features?: Array<{ $type?: string; did?: string }>;
}
interface BoardBot {
  id: string;
  replies: number;
  impressions: number;
  likes: number;
}

/** The JSON a service logged with message `msg` (its first such line). */
async function logged(proc: RunningChild, msg: string): Promise<Record<string, unknown>> {
  const [line] = await waitForOutput(proc, new RegExp(`^\\{.*"msg":"${msg}".*$`, 'm'), START_MS);
  return JSON.parse(line) as Record<string, unknown>;
}

function serviceEnv(net: DemoNetwork, ns: string, warehouseDir: string): Record<string, string> {
  return {
    LOG_LEVEL: 'info',
    BOTSKY_BUS: natsUrl(),
    BOTSKY_NAMESPACE: ns,
    BOTSKY_DRAIN_TIMEOUT_MS: '20000',
    ...networkEnv(net),
    BOTSKY_WAREHOUSE: `embedded:${warehouseDir}`,
    BOTSKY_FEED_HOST: '127.0.0.1',
    BOTSKY_FEED_PORT: '0',
    BOTSKY_FEED_AUTH: 'optional',
    BOTSKY_LEADERBOARD_HOST: '127.0.0.1',
    BOTSKY_LEADERBOARD_PORT: '0',
    BOTSKY_LEADERBOARD_GRPC_PORT: '0',
    BOTSKY_SCORING_INTERVAL: '2s',
    BOTSKY_BATTLE_WINDOW: '5s',
    BOTSKY_RECOMMENDATION_WINDOW: '5s',
    BOTSKY_BOOTSTRAP_ROUNDS: '50',
    BOTSKY_MATCH_ROSTER_REFRESH: '2s',
  };
}

/** Every post in the bots' repos that replies to one of `parents`, read from the PDS. */
async function botReplies(reader: DevnetAccount, net: DemoNetwork, parents: ReadonlySet<string>): Promise<BotReply[]> {
  const out: BotReply[] = [];
  for (const bot of net.bots) {
    const res = await reader.agent.com.atproto.repo.listRecords({ repo: bot.did, collection: 'app.bsky.feed.post', limit: 100 });
    for (const r of res.data.records) {
      const value = r.value as { text?: string; reply?: { parent?: { uri?: string } }; facets?: RecordFacet[] };
      const parent = value.reply?.parent?.uri ?? '';
      const mentions = (value.facets ?? []).flatMap((f) =>
        (f.features ?? [])
          .filter((x) => x.$type === 'app.bsky.richtext.facet#mention')
          .map((x) => ({ did: x.did ?? '', byteStart: f.index?.byteStart ?? -1, byteEnd: f.index?.byteEnd ?? -1 })),
      );
      if (parents.has(parent)) out.push({ uri: r.uri, cid: r.cid, parent, bot: bot.id, text: value.text ?? '', mentions });
    }
  }
  return out;
}

describe('five services as five processes over NATS JetStream, the local network and embedded ClickHouse', () => {
  const procs = new Map<Name, RunningChild>();
  const ns = testNamespace('five');
  let dir = '';
  let net: DemoNetwork | undefined;
  let people: DevnetAccount[] = [];
  let feed = { url: '', feedUri: '' };
  let board = { http: 0, grpc: 0 };
  const posts = new Set<string>();

  async function start(name: Name, env: Record<string, string>): Promise<void> {
    const { proc } = await startServiceMain(hooks, mainOf(name), env, START_MS);
    procs.set(name, proc);
  }

  before(
    async () => {
      dir = await mkdtemp(join(tmpdir(), 'botsky-five-'));
      net = await startDemoNetwork({ bots: 3, seed: 7, dataDir: dir });
      const env = serviceEnv(net, ns, join(dir, 'clickhouse'));
      // bot-runner writes the roster the matchmaker reads at start; ingest last, so nothing is missed.
      await Promise.all([start('scoring', env), start('feed', env), start('bot-runner', env)]);
      await start('matchmaker', env);
      // The people exist before ingest starts: their #identity events are never seen, so the
      // handles their introductions are written under come from resolving their DIDs.
      people = await net.devnet.createAccounts(PEOPLE);
      await start('ingest', env);
      const listening = await logged(procs.get('feed') as RunningChild, 'feed generator listening');
      feed = { url: String(listening.url), feedUri: String(listening.feedUri) };
      const lb = await logged(procs.get('scoring') as RunningChild, 'leaderboard listening');
      board = { http: Number(lb.http), grpc: Number(lb.grpc) };
      // ingest starts at the firehose's live tip: people act only once its socket is open.
      await logged(procs.get('ingest') as RunningChild, 'source connected');
    },
    { timeout: 3 * START_MS },
  );

  after(async () => {
    const exits = await Promise.all(
      [...procs.entries()].map(async ([name, proc]) => {
        proc.child.kill('SIGTERM');
        return [name, await proc.exited] as const;
      }),
    );
    await net?.devnet.stop();
    await deleteTestNamespace(ns);
    await rm(dir, { recursive: true, force: true });
    // Exit 0 means each drained within its deadline (past it, the kit ends the process with 1).
    for (const [name, exit] of exits) assert.equal(exit.code, 0, `${name} exited ${exit.code}/${exit.signal}\n${exit.stderr}`);
  });

  // Registered after the `after` above, which ends the processes with SIGTERM first: a backstop (SIGKILL).
  const hooks = suiteHooks();

  it('people who follow the project account post, and bots reply to them on the PDS', async () => {
    const n = net as DemoNetwork;
    for (const p of people) await p.agent.follow(n.projectDid);
    for (const [i, p] of people.entries()) {
      const res = await p.agent.post({ text: `Post ${i}: anyone have tips for growing tomatoes and basil on a small balcony?` });
      posts.add(res.uri);
    }
    const replies = await eventually(
      'bot replies on the PDS',
      async () => {
        const found = await botReplies(people[0] as DevnetAccount, n, posts);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: PIPELINE_MS, intervalMs: 500 },
    );
    assert.ok(
      replies.every((r) => posts.has(r.parent)),
      'each reply answers one of the people’s posts',
    );
  });

  it('a reply introduces one opted-in, online person by a facet that resolves to their DID; it comes back through the firehose and its outcome is published', async () => {
    const n = net as DemoNetwork;
    const handleOf = new Map(people.map((p) => [p.did, p.handle]));
    const authorOf = (uri: string) => uri.slice('at://'.length).split('/')[0];
    const replies = await eventually(
      'a bot reply that mentions someone',
      async () => {
        const found = await botReplies(people[0] as DevnetAccount, n, posts);
        return found.some((r) => r.mentions.length > 0) ? found : undefined;
      },
      { timeoutMs: PIPELINE_MS, intervalMs: 500 },
    );
    const bus = await createBus({ ...parseBusUrl(natsUrl()), namespace: ns });
    try {
      const events = new Map<string, Post>();
      const outcomes = new Map<string, BotOutcome>();
      const readers = [
        await bus.follow(
          SUBJECTS.networkPost,
          async (m) => {
            const ev = decode(NetworkEventSchema, m.data);
            if (ev.payload.case === 'post') events.set(ev.uri, ev.payload.value);
          },
          { sinceMs: 0 },
        ),
        await bus.follow(
          SUBJECTS.botOutcome,
          async (m) => {
            const o = decode(BotOutcomeSchema, m.data);
            if (o.reply?.uri) outcomes.set(o.reply.uri, o);
          },
          { sinceMs: 0 },
        ),
      ];
      for (const r of replies) {
        assert.ok(r.mentions.length <= 1, `one mention at most: ${r.text}`);
        const m = r.mentions[0];
        if (m) {
          assert.ok(handleOf.has(m.did), `the mentioned DID is one of the people who opted in and posted: ${m.did}`);
          assert.notEqual(m.did, authorOf(r.parent), 'not the author of the post answered');
          const handle = handleOf.get(m.did) as string;
          assert.equal(Buffer.from(r.text).subarray(m.byteStart, m.byteEnd).toString(), `@${handle}`, 'the byte range spells their handle');
          const resolved = await (people[0] as DevnetAccount).agent.resolveHandle({ handle });
          assert.equal(resolved.data.did, m.did, "the handle in the text resolves to the facet's DID");
        }
        await eventually(
          `${r.uri} on the firehose (through ingest) and its outcome`,
          async () => (events.has(r.uri) && outcomes.has(r.uri) ? true : undefined),
          { timeoutMs: PIPELINE_MS, intervalMs: 500 },
        );
        assert.deepEqual(
          events.get(r.uri)?.mentions,
          r.mentions.map((x) => x.did),
          'ingest read the same mention',
        );
        const o = outcomes.get(r.uri) as BotOutcome;
        assert.equal(o.status, OutcomeStatus.REPLIED);
        assert.equal(o.postRef?.uri, r.parent);
        assert.equal(o.mentionDid, m?.did ?? '');
        assert.equal(o.botId, r.bot);
      }
      for (const reader of readers) await reader.stop();
    } finally {
      await bus.close();
    }
  });

  it('the feed serves bot replies over HTTP (impressions) and a person likes one', async () => {
    const served = await eventually(
      'a bot reply in getFeedSkeleton',
      async () => {
        const url = `${feed.url}/xrpc/app.bsky.feed.getFeedSkeleton?feed=${encodeURIComponent(feed.feedUri)}&limit=30`;
        const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
        assert.equal(res.status, 200);
        const uris = ((await res.json()) as { feed: { post: string }[] }).feed.map((item) => item.post);
        return uris.length > 0 ? uris : undefined;
      },
      { timeoutMs: PIPELINE_MS, intervalMs: 500 },
    );
    const replies = await botReplies(people[0] as DevnetAccount, net as DemoNetwork, posts);
    const liked = replies.filter((r) => served.includes(r.uri));
    assert.ok(liked.length > 0, `the feed serves bot replies: ${served.join(' ')}`);
    for (const r of liked) await (people[1] as DevnetAccount).agent.like(r.uri, r.cid);
  });

  it('the leaderboard counts replies, impressions and likes over HTTP', async () => {
    const bots = await eventually(
      'a bot with replies, impressions and likes on /v1/leaderboard',
      async () => {
        const res = await fetch(`http://127.0.0.1:${board.http}/v1/leaderboard`, { signal: AbortSignal.timeout(5000) });
        if (res.status !== 200) return undefined;
        const body = (await res.json()) as { bots: BoardBot[] };
        return body.bots.some((b) => b.replies > 0 && b.impressions > 0 && b.likes > 0) ? body.bots : undefined;
      },
      { timeoutMs: PIPELINE_MS, intervalMs: 500 },
    );
    const ids = new Set((net as DemoNetwork).bots.map((b) => b.id));
    assert.ok(
      bots.every((b) => ids.has(b.id)),
      `only registered bots: ${bots.map((b) => b.id).join(' ')}`,
    );
  });

  it('the leaderboard answers the same over gRPC', async () => {
    const client = createGrpcClient(LeaderboardService, `127.0.0.1:${board.grpc}`, credentials.createInsecure());
    try {
      const reply = await client.getLeaderboard({ orderBy: RatingMethod.BRADLEY_TERRY }, { deadline: Date.now() + 10_000 });
      // engagement: likes + reposts + replies received over impressions
      const hit = reply.entries.find((e) => e.replies > 0 && (e.engagement?.denominator ?? 0) > 0 && (e.engagement?.numerator ?? 0) > 0);
      assert.ok(hit, `a bot with replies, impressions and engagement: ${JSON.stringify(reply.entries.map((e) => e.botId))}`);
      const http = (await (await fetch(`http://127.0.0.1:${board.http}/v1/leaderboard`)).json()) as { bots: BoardBot[] };
      const same = http.bots.find((b) => b.id === hit.botId);
      assert.ok(same && same.likes > 0, 'the HTTP leaderboard agrees that bot has likes');
    } finally {
      client.close();
    }
  });
});
