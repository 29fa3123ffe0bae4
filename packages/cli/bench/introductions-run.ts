// One arm of the introductions experiment: the demo's local network (devnet PDS and PLC, the
// project account, built-in offline bots), ingest -> matchmaker -> bot-runner in this process over
// one bus, and the simulated population posting, reading its bot replies and deciding whether to
// answer the people the bots introduce. The arm is the matchmaker's mention strategy: `similar`
// (its ranking) or `random` (a uniform draw among the same eligible people).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { botRunnerDefinition } from '@botsky/bot-runner';
import { deleteNamespace, type Bus } from '@botsky/bus';
import { ingestDefinition } from '@botsky/ingest';
import { commonConfigSpec, loadConfig, openBus, runtimeConfigSpec, ServiceRuntime, type AnyServiceDefinition } from '@botsky/kit';
import { generatePopulation } from '@botsky/population';
import { Simulation } from '@botsky/population/driver';
import { matchmakerDefinition, type MatchmakerConfig } from '@botsky/matchmaker';
import { waitForOptIns, type Agent } from './opt-ins.ts';
// The demo's network set-up, reused as it is.
import { networkEnv, startDemoNetwork } from '../src/demo/network.ts';

const EXTRA_STEP_MS = 5000;

export interface ArmOptions {
  strategy: MatchmakerConfig['mentionStrategy'];
  seed: number;
  users: number;
  /** Real time the population acts, after set-up. */
  durationMs: number;
  /**
   * Keep acting past durationMs, in 5 s steps up to maxDurationMs in all, until this many
   * introductions have been made: on a loaded machine the pipeline gets through fewer in the same
   * time, and a test needs the count, not the seconds.
   */
  minMentions?: number;
  maxDurationMs?: number;
  /** Simulated minutes per real second. */
  simMinutesPerSecond: number;
  /** `memory` (default) or a nats:// URL. */
  busUrl?: string;
  log?: (line: string) => void;
  /** The services' one bus, for a caller that wants to watch it. */
  onBus?: (bus: Bus) => void;
}

export interface ArmResult {
  strategy: string;
  /** Mentions of a person that person reacted to (they were online to see it). */
  mentionsDecided: number;
  mentionsAnswered: number;
  rate: number;
  /** Bot replies seen on the firehose, and introductions still waiting for their reader. */
  botReplies: number;
  pending: number;
  posts: number;
  errors: number;
  /** Opt-in follows written again because the first never reached matchmaker (see waitForOptIns). */
  optInsRewritten: number;
}

type Net = Awaited<ReturnType<typeof startDemoNetwork>>;

/** The bots carry the post's topic in their reply (the demo's first two manners). */
const BOTS = 2;
const SERVICES: readonly AnyServiceDefinition[] = [botRunnerDefinition, matchmakerDefinition, ingestDefinition];
/** After the population stops: the last tasks become replies and reach their readers. */
const SETTLE_MS = 3000;

export async function runArm(o: ArmOptions): Promise<ArmResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'botsky-intro-'));
  const net = await startDemoNetwork({ bots: BOTS, seed: o.seed, dataDir });
  // The kit's runtime without runServices' process hooks (signals, exit deadline): a bench or test
  // runs several arms in one process.
  const env = armEnv(o, net);
  let bus: Bus | undefined;
  const runtime = new ServiceRuntime({
    name: `introductions-${o.strategy}`,
    config: loadConfig(runtimeConfigSpec, env),
    services: SERVICES.map((definition) => ({ definition, config: loadConfig(definition.configSpec, env) })),
    env,
    logging: { destination: process.stderr },
    defaultMetrics: false,
    shared: async (kit) => {
      bus = await openBus(loadConfig(commonConfigSpec, env), kit.createLogger('bench:bus'), 'introductions-bench');
      o.onBus?.(bus);
      const opened = bus;
      return { overrides: { bus: opened }, close: () => opened.close() };
    },
  });
  try {
    await runtime.start(new AbortController().signal);
    return await drive(o, net, bus as Bus);
  } finally {
    await runtime.shutdown();
    if (env.BOTSKY_NAMESPACE !== undefined) await deleteNamespace(env.BOTSKY_BUS as string, env.BOTSKY_NAMESPACE);
    await net.devnet.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function drive(o: ArmOptions, net: Net, bus: Bus): Promise<ArmResult> {
  const agents = new Map<string, Agent>();
  const sim = new Simulation({
    pdsUrl: net.devnet.pdsUrl,
    people: generatePopulation({ size: o.users, seed: o.seed }),
    seed: o.seed,
    projectDid: net.projectDid,
    // Equal planted quality: only whom the bot introduces differs between the arms.
    botQuality: new Map(net.bots.map((b) => [b.did, 0.5])),
    simMinutesPerSecond: o.simMinutesPerSecond,
    // The devnet's own account factory, as the population's tests use.
    accounts: async (req) => {
      const account = await net.devnet.createAccount(req);
      agents.set(account.did, account.agent);
      return account;
    },
    onError: (err) => o.log?.(`population: ${err.message}`),
  });
  try {
    await sim.setup();
    const optInsRewritten = await waitForOptIns(bus, sim, agents, net.projectDid);
    o.log?.(`${o.strategy}: ${sim.stats.accounts} people set up; running ${o.durationMs / 1000} s`);
    await sim.run({ durationMs: o.durationMs });
    const mentions = () => sim.decisions.filter((d) => d.role === 'mentioned').length;
    for (
      let ran = o.durationMs;
      o.minMentions !== undefined && mentions() < o.minMentions && ran < (o.maxDurationMs ?? ran);
      ran += EXTRA_STEP_MS
    ) {
      o.log?.(`${o.strategy}: ${mentions()} introductions after ${ran / 1000} s; running on`);
      await sim.run({ durationMs: EXTRA_STEP_MS });
    }
    await sleep(SETTLE_MS);
    // One more simulated hour without new posts read back: people who come online see their mentions.
    await sim.tick(60);
    const mentioned = sim.decisions.filter((d) => d.role === 'mentioned');
    const answered = mentioned.filter((d) => d.reply).length;
    return {
      strategy: o.strategy,
      mentionsDecided: mentioned.length,
      mentionsAnswered: answered,
      rate: mentioned.length > 0 ? answered / mentioned.length : 0,
      botReplies: sim.stats.botPostsSeen,
      pending: sim.pendingReactions,
      posts: sim.stats.posts + sim.stats.conversationReplies,
      errors: sim.stats.errors,
      optInsRewritten,
    };
  } finally {
    await sim.close();
  }
}

function armEnv(o: ArmOptions, net: Net): Record<string, string> {
  const busUrl = o.busUrl ?? 'memory';
  // A simulated hour of "online" at the compression used: the matchmaker's clock is real time.
  const onlineWindowS = Math.max(1, Math.round(60 / o.simMinutesPerSecond));
  return {
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    BOTSKY_BUS: busUrl,
    // Over NATS, a namespace of the arm's own, deleted when it ends.
    ...(busUrl === 'memory' ? {} : { BOTSKY_NAMESPACE: `intro${o.strategy}${Date.now().toString(36)}` }),
    BOTSKY_MATCH_MENTION_STRATEGY: o.strategy,
    BOTSKY_MATCH_SEED: String(o.seed),
    BOTSKY_MATCH_ONLINE_WINDOW: `${onlineWindowS}s`,
    BOTSKY_MATCH_ROSTER_REFRESH: '1s',
    // One mention per post, and a limit that the run does not reach: the ranking is measured.
    BOTSKY_BATTLE_RATE: '0',
    BOTSKY_MENTION_DAILY_LIMIT: '1000',
    BOTSKY_REPLY_DAILY_LIMIT: '100000',
    BOTSKY_REPLY_THREAD_LIMIT: '1000',
    BOTSKY_RUNNER_CONCURRENCY: '32',
    ...networkEnv(net),
    BOTSKY_OPS_HOST: '127.0.0.1',
    BOTSKY_OPS_PORT: '0',
  };
}
