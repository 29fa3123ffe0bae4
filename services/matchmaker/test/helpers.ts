// A real NATS namespace per test, matchmaker replicas run in-process through their context with
// overrides, synthetic but realistic network events, and a reader of everything matchmaker emits.
import { createBus, CONSUMERS, parseBusUrl, type Bus } from '@botsky/bus';
import {
  BlockSchema,
  create,
  decode,
  DeleteSchema,
  encode,
  FollowSchema,
  IdentitySchema,
  KV_BUCKETS,
  LikeSchema,
  ListBlockSchema,
  ListItemSchema,
  PostSchema,
  MatchDecisionSchema,
  NetworkEventSchema,
  networkSubject,
  nowUs,
  ReplyTaskSchema,
  SUBJECTS,
  type MatchDecision,
  type NetworkEvent,
  type ReplyTask,
} from '@botsky/contracts';
import type { Metrics } from '@botsky/kit';
import { startDirectoryStandIn, type DirectoryStandIn } from '@botsky/identity/testing';
import { deleteTestNamespace, natsUrl, startInProcess, testNamespace, type TestHooks } from '@botsky/kit/testing';
import { createContext, createMatchmakerService, matchmakerConfigSpec, type MatchmakerContext } from '../src/index.ts';

export const PROJECT = 'did:plc:project0000000000000000';
export const BOTS = [
  { id: 'bot-a', did: 'did:plc:botaaaaaaaaaaaaaaaaaaaaa', handle: 'a.bots.test' },
  { id: 'bot-b', did: 'did:plc:botbbbbbbbbbbbbbbbbbbbbb', handle: 'b.bots.test' },
  { id: 'bot-c', did: 'did:plc:botccccccccccccccccccccc', handle: 'c.bots.test' },
];

export interface Harness {
  ns: string;
  bus: Bus;
  out: Emitted;
  /** Stopped before the namespace is deleted. */
  replicas: Replica[];
  /** The PLC directory and handle resolver the replicas ask: every did:plc:<id> is <id>.test, verified. */
  directory: DirectoryStandIn;
  /** The test's hooks: replicas are stopped with them too. */
  hooks: TestHooks;
}

const openBus = (ns: string) => createBus({ ...parseBusUrl(natsUrl()), namespace: ns });

/** A namespace with the topology, the bot roster written as bot-runner does, and a reader. */
export async function harness(t: TestHooks): Promise<Harness> {
  const ns = testNamespace('mm');
  const bus = await openBus(ns);
  const replicas: Replica[] = [];
  const directory = await startDirectoryStandIn();
  t.after(async () => {
    for (const r of replicas) await r.stop();
    await bus.close();
    await directory.close();
    await deleteTestNamespace(ns);
  });
  await bus.ensureTopology();
  const bots = await bus.kv(KV_BUCKETS.bots);
  for (const b of BOTS) await bots.put(b.id, new TextEncoder().encode(JSON.stringify({ ...b, model: 'offline', provider: 'offline' })));
  const out = new Emitted();
  await bus.consume(CONSUMERS.scoringRecorderTasks, async (msg) => out.add(msg.subject, msg.seq, msg.data));
  return { ns, bus, out, replicas, directory, hooks: t };
}

export interface Replica {
  ctx: MatchmakerContext;
  bus: Bus;
  metrics: Metrics;
  stop(): Promise<void>;
}

/** One matchmaker replica on its own connection, as a pod would run it (`startInProcess`); stopped with the harness. */
export async function startReplica(h: Harness, env: Record<string, string> = {}): Promise<Replica> {
  const bus = await openBus(h.ns);
  const parts = { name: 'matchmaker', configSpec: matchmakerConfigSpec, createContext, createService: createMatchmakerService };
  const own = {
    BOTSKY_BUS: natsUrl(),
    BOTSKY_NAMESPACE: h.ns,
    BOTSKY_PROJECT_DID: PROJECT,
    BOTSKY_MATCH_SEED: '7',
    BOTSKY_PLC_URL: h.directory.url,
    BOTSKY_HANDLE_RESOLVER_URL: h.directory.url,
  };
  const { ctx, metrics, stop } = await startInProcess(h.hooks, parts, { ...own, ...env }, { bus }, { closeAfter: () => bus.close() });
  const replica = { ctx, bus, metrics, stop };
  h.replicas.push(replica);
  return replica;
}

/** Everything matchmaker published on botsky.tasks.*, with stream sequences. */
export class Emitted {
  readonly tasks: { seq: number; task: ReplyTask }[] = [];
  readonly decisions: { seq: number; decision: MatchDecision }[] = [];

  add(subject: string, seq: number, data: Uint8Array): void {
    if (subject === SUBJECTS.replyTask) this.tasks.push({ seq, task: decode(ReplyTaskSchema, data) });
    if (subject === SUBJECTS.matchDecision) this.decisions.push({ seq, decision: decode(MatchDecisionSchema, data) });
  }

  tasksFor(uri: string): ReplyTask[] {
    return this.tasks.filter((x) => x.task.postRef?.uri === uri).map((x) => x.task);
  }

  decisionFor(uri: string): MatchDecision | undefined {
    return this.decisions.find((x) => x.decision.postRef?.uri === uri)?.decision;
  }
}

/** Acked network events, summed over replicas: the barrier "everything published was handled". */
export function acked(replicas: readonly Replica[]): number {
  return replicas.reduce((n, r) => n + (r.bus.stats().consumers[CONSUMERS.matchmaker]?.acked ?? 0), 0);
}

let counter = 0;
const rkey = () => `3k${(Date.now() * 1000 + counter++).toString(32)}`;

function event(
  did: string,
  collection: string,
  payload: NetworkEvent['payload'],
  uri = `at://${did}/${collection}/${rkey()}`,
): NetworkEvent {
  return create(NetworkEventSchema, { did, uri, cid: `bafy${rkey()}`, timeUs: nowUs(), payload });
}

export const ev = {
  post: (did: string, text: string, o: { mentions?: string[]; replyTo?: string; labels?: string[] } = {}) => {
    const parent = o.replyTo ? { uri: o.replyTo, cid: 'bafyparent' } : undefined;
    return event(did, 'app.bsky.feed.post', {
      case: 'post',
      value: create(PostSchema, {
        text,
        langs: ['en'],
        mentions: o.mentions ?? [],
        selfLabels: o.labels ?? [],
        facets: (o.mentions ?? []).map((m) => ({ byteStart: 0, byteEnd: 1, feature: { case: 'mentionDid' as const, value: m } })),
        reply: parent ? { root: parent, parent } : undefined,
      }),
    });
  },
  follow: (did: string, subjectDid: string) =>
    event(did, 'app.bsky.graph.follow', { case: 'follow', value: create(FollowSchema, { subjectDid }) }),
  block: (did: string, subjectDid: string) =>
    event(did, 'app.bsky.graph.block', { case: 'block', value: create(BlockSchema, { subjectDid }) }),
  /** `uri`: the list block record's, when it is a real one (on a devnet PDS). */
  listBlock: (did: string, listUri: string, uri?: string) =>
    event(did, 'app.bsky.graph.listblock', { case: 'listBlock', value: create(ListBlockSchema, { listUri }) }, uri),
  listItem: (owner: string, listUri: string, subjectDid: string, uri?: string) =>
    event(owner, 'app.bsky.graph.listitem', { case: 'listItem', value: create(ListItemSchema, { listUri, subjectDid }) }, uri),
  like: (did: string, uri: string) =>
    event(did, 'app.bsky.feed.like', { case: 'like', value: create(LikeSchema, { subject: { uri, cid: 'bafyliked' } }) }),
  identity: (did: string, handle: string) => event(did, '', { case: 'identity', value: create(IdentitySchema, { handle }) }, `at://${did}`),
  delete: (did: string, uri: string, collection: string) =>
    event(did, collection, { case: 'delete', value: create(DeleteSchema, { collection, rkey: uri.split('/').pop() ?? '' }) }, uri),
};

/** The same event, as if it happened `ms` ago. */
export function ago<E extends NetworkEvent>(e: E, ms: number): E {
  e.timeUs = nowUs() - BigInt(ms) * 1000n;
  return e;
}

/** Publishes as ingest does (msgId from URI and CID); `replay` stores the same event again. */
export async function publish(bus: Bus, events: readonly NetworkEvent[], o: { replay?: string } = {}): Promise<void> {
  for (const e of events) {
    await bus.publish(networkSubject(e), encode(NetworkEventSchema, e), { msgId: `${e.uri}#${e.cid}${o.replay ?? ''}` });
  }
}

export const person = (name: string) => `did:plc:${name.padEnd(24, 'x')}`;
