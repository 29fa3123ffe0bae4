// `botsky demo`: everything in one process. The local network (PDS + PLC), built-in offline bots
// with planted qualities, every service (the web app too) on the embedded adapters, and the simulated population
// reading the feed and reacting to the bots; at the end the leaderboard from the warehouse, a table
// and a JSON report whose counts are the warehouse's.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { deleteNamespace, parseBusUrl, type Bus } from '@botsky/bus';
import { botRunnerDefinition } from '@botsky/bot-runner';
import { feedConfigSpec, feedDefinition, feedIdentity } from '@botsky/feed';
import { ingestDefinition } from '@botsky/ingest';
import { commonConfigSpec, loadConfig, openBus, runServices, type AnyServiceDefinition } from '@botsky/kit';
import { matchmakerDefinition } from '@botsky/matchmaker';
import { scoringDefinition } from '@botsky/scoring';
import { ensureClient, webDefinition } from '@botsky/web';
import type { CliIo, Command } from '../command.ts';
import { prepareDataDir, readDemoFlags, type DemoOptions } from '../demo/options.ts';
import { freePort, networkEnv, startDemoNetwork, type DemoNetwork } from '../demo/network.ts';
import { createDemoPopulation, progressLine, SIM_MINUTES_PER_SECOND } from '../demo/population.ts';
import { finishDemo } from '../demo/finish.ts';
import { settlePipeline } from '../demo/settle.ts';
import type { Simulation } from '@botsky/population/driver';

const SERVICES: readonly AnyServiceDefinition[] = [
  scoringDefinition,
  feedDefinition,
  webDefinition,
  botRunnerDefinition,
  matchmakerDefinition,
  ingestDefinition,
];

/** After the population stops: the longest wait for the posts and reply tasks still in the pipeline, */
const SETTLE_MAX_MS = 45_000;
/** then time for the last replies, impressions and likes to reach ClickHouse. */
const FLUSH_MS = 6000;
const PROGRESS_EVERY_MS = 5000;

export const demo: Command = {
  name: 'demo',
  summary: 'run the whole system with a simulated population and offline bots, then print the leaderboard',
  usage: '[--duration SECONDS] [--users N] [--bots N] [--bot SPEC]... [--seed N] [--report PATH] [--data DIR] [--bus nats://...]',
  details: [
    '--duration SECONDS  how long the population acts (default 90), plus set-up and a few seconds to settle',
    '--users N           simulated people (default 30)',
    '--bots N            built-in offline bots, at least 2 (default 5: enthusiast, sage, terse, rambler, connector)',
    '--bot SPEC          your own bot beside them (repeatable): grpc://HOST:PORT (a botsky.v1.BotService endpoint,',
    '                    examples/grpc-bot) or openai:BASE_URL:MODEL (an OpenAI-compatible server; BOTSKY_DEMO_BOT_API_KEY',
    '                    is its key if it needs one). It has no planted quality: people judge its replies by their style',
    '                    and fit, as a middling bot; its rank shows the plumbing works and how its manner fares',
    '--seed N            seed of the people, their choices and the matchmaker (default 1)',
    '--report PATH       where the JSON report goes (default DATA/report.json)',
    '--data DIR          embedded ClickHouse keeps its data in DIR/clickhouse, kept for inspection (default .data/demo)',
    '--bus URL           run the same over NATS JetStream instead of the in-process bus',
    'Logs go to stderr at LOG_LEVEL (default warn); progress, the table and a summary go to stdout.',
  ],
  options: {
    duration: { type: 'string' },
    users: { type: 'string' },
    bots: { type: 'string' },
    seed: { type: 'string' },
    report: { type: 'string' },
    data: { type: 'string' },
    bot: { type: 'string', multiple: true },
    bus: { type: 'string' },
  },
  async run(flags, _positionals, io) {
    const opts = readDemoFlags(flags, io.cwd, io.env);
    await prepareDataDir(opts.dataDir);
    io.out(`botsky demo: starting the local network and ${opts.bots} offline bots (seed ${opts.seed})`);
    const net = await startDemoNetwork({ bots: opts.bots, seed: opts.seed, dataDir: opts.dataDir, external: opts.external });
    // Over NATS, a namespace of its own: a run starts with no streams, consumers or ingest cursor
    // left by an earlier one (whose devnet is gone), and deletes it at the end; the warehouse keeps the data.
    const bus = parseBusUrl(opts.busUrl);
    const namespace = bus.kind === 'nats' ? `demo-${randomUUID().slice(0, 8)}` : undefined;
    try {
      await ensureClient();
      const env = demoEnv(opts, net, io, { feed: await freePort(), web: await freePort(), leaderboard: await freePort() }, namespace);
      const code = await runDemo(opts, net, env, io);
      if (code !== 0) return code;
      return await finishDemo({ opts, bots: net.bots, env, io });
    } finally {
      await net.devnet.stop();
      if (bus.kind === 'nats' && namespace) {
        await deleteNamespace(bus.servers, namespace).catch((err: unknown) => {
          io.err(`botsky demo: could not delete NATS namespace ${namespace}: ${err instanceof Error ? err.message : String(err)}`);
        });
      }
    }
  },
};

/** Services and population together; the population's end stops the services. */
async function runDemo(opts: DemoOptions, net: DemoNetwork, env: Record<string, string | undefined>, io: CliIo): Promise<number> {
  const stop = new AbortController();
  let driving: Promise<boolean> = Promise.resolve(false);
  let sharedBus: Bus | undefined;
  const code = await runServices({
    name: 'botsky-demo',
    services: SERVICES,
    env,
    logTo: 'stderr',
    signal: stop.signal,
    // finishing (leaderboard, counts, report) follows the services' stop
    afterStop: 'continue',
    shared: async (kit) => {
      const bus = await openBus(loadConfig(commonConfigSpec, env), kit.createLogger('botsky:bus'), 'botsky-demo');
      sharedBus = bus;
      return { overrides: { bus }, close: () => bus.close() };
    },
    onReady: () => {
      const bus = opts.busUrl === 'memory' ? 'in-process bus' : `NATS at ${opts.busUrl}, namespace ${env.BOTSKY_NAMESPACE}`;
      io.out(`botsky demo: ${SERVICES.length} services ready (${bus}, embedded ClickHouse in ${join(opts.dataDir, 'clickhouse')})`);
      io.out(`botsky demo: web app at http://127.0.0.1:${env.BOTSKY_WEB_PORT} (the conversations live, the leaderboard)`);
      driving = drivePopulation(opts, net, env, io, sharedBus as Bus, stop.signal).finally(() => stop.abort());
    },
  });
  // Ctrl-C stops the services without this controller: the population stops with them.
  stop.abort();
  const drove = await driving;
  if (code !== 0) return code;
  return drove ? 0 : 1;
}

async function drivePopulation(
  opts: DemoOptions,
  net: DemoNetwork,
  env: Record<string, string | undefined>,
  io: CliIo,
  bus: Bus,
  signal: AbortSignal,
): Promise<boolean> {
  const { feedUri } = feedIdentity(loadConfig(feedConfigSpec, env));
  const sim = createDemoPopulation({
    net,
    users: opts.users,
    seed: opts.seed,
    feedUrl: `http://127.0.0.1:${env.BOTSKY_FEED_PORT}`,
    feedUri,
    onError: (message) => io.err(`botsky demo: population: ${message}`),
  });
  const startedAt = performance.now();
  const timer = setInterval(() => io.out(progressLine((performance.now() - startedAt) / 1000, sim.stats)), PROGRESS_EVERY_MS);
  try {
    const setup = await sim.setup();
    io.out(`botsky demo: ${setup.accounts} simulated people joined; running for ${opts.durationMs / 1000} s`);
    for (const line of signInLines(sim, env)) io.out(line);
    await sim.run({ durationMs: opts.durationMs, signal });
    io.out(progressLine((performance.now() - startedAt) / 1000, sim.stats));
    io.out('botsky demo: population stopped; letting the pipeline settle');
    const { left, waitedMs } = await settlePipeline(bus, { maxWaitMs: SETTLE_MAX_MS, flushMs: FLUSH_MS, signal });
    const waited = `${(waitedMs / 1000).toFixed(1)} s`;
    if (left === 0) io.out(`botsky demo: every post decided and every reply task settled after ${waited}`);
    else if (left > 0) io.out(`botsky demo: ${left} posts and reply tasks still in flight after ${waited}; the report leaves them out`);
    return true;
  } catch (err) {
    io.err(`botsky demo: the population failed: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  } finally {
    clearInterval(timer);
    await sim.close();
  }
}

/** How a person joins in: the web app's sign-in as one of the simulated people (opted in, so bots answer). */
function signInLines(sim: Simulation, env: Record<string, string | undefined>): string[] {
  const people = sim
    .accounts()
    .filter((a) => a.consent === 'in')
    .slice(0, 3);
  if (people.length === 0) return [];
  return [
    `botsky demo: sign in at http://127.0.0.1:${env.BOTSKY_WEB_PORT}/signin as one of the simulated people (app password, server ${env.BOTSKY_WEB_SIGNIN_SERVICE}):`,
    ...people.map((p) => `  ${p.handle}  password ${sim.passwordOf(p.handle)}`),
    '  or make an account of your own there (a handle ending in .test), then opt in on the consent page',
  ];
}

/** Windows short enough for battles and mentions to be decided within the run. */
function demoEnv(
  opts: DemoOptions,
  net: DemoNetwork,
  io: CliIo,
  ports: { feed: number; web: number; leaderboard: number },
  namespace: string | undefined,
): Record<string, string | undefined> {
  const window = `${Math.max(5, Math.min(20, Math.round(opts.durationMs / 4000)))}s`;
  return {
    LOG_LEVEL: 'warn',
    BOTSKY_BATTLE_WINDOW: window,
    BOTSKY_RECOMMENDATION_WINDOW: window,
    BOTSKY_SCORING_INTERVAL: '5s',
    // the leaderboard is fitted on battles: half the answered posts get two bots
    BOTSKY_BATTLE_RATE: '0.5',
    BOTSKY_MENTION_DAILY_LIMIT: '10',
    // The caps on bot replies per person are per real day and thread; a demo minute is 144
    // simulated ones, so the caps would stop the demo's people within minutes.
    BOTSKY_REPLY_DAILY_LIMIT: '100000',
    BOTSKY_REPLY_THREAD_LIMIT: '1000',
    BOTSKY_MATCH_ROSTER_REFRESH: '2s',
    BOTSKY_BOOTSTRAP_ROUNDS: '200',
    // The daily influence cap is per simulated day (a real day of the demo is 144 simulated ones),
    // and the demo's people read the feed often: 300 actions a simulated day keep all but outliers.
    BOTSKY_INFLUENCE_DAILY_CAP: String(300 * Math.max(1, Math.ceil(((opts.durationMs / 1000) * SIM_MINUTES_PER_SECOND) / 1440))),
    // Simulated people write a tick's actions in one commit (one applyWrites), which the burst test
    // would read as a person acting twenty times in a second: it is off in the demo.
    BOTSKY_ANOMALY_BURST_ACTIONS: '1000000',
    ...io.env,
    // What the demo wires together, whatever the environment says.
    BOTSKY_BUS: opts.busUrl,
    BOTSKY_NAMESPACE: namespace ?? io.env.BOTSKY_NAMESPACE,
    BOTSKY_WAREHOUSE: `embedded:${join(opts.dataDir, 'clickhouse')}`,
    BOTSKY_MATCH_SEED: String(opts.seed),
    ...networkEnv(net),
    BOTSKY_OPS_HOST: '127.0.0.1',
    BOTSKY_OPS_PORT: '0',
    BOTSKY_FEED_HOST: '127.0.0.1',
    BOTSKY_FEED_PORT: String(ports.feed),
    BOTSKY_FEED_HOSTNAME: 'localhost',
    BOTSKY_FEED_AUTH: 'optional',
    BOTSKY_LEADERBOARD_HOST: '127.0.0.1',
    BOTSKY_LEADERBOARD_PORT: String(ports.leaderboard),
    BOTSKY_LEADERBOARD_GRPC_PORT: '0',
    BOTSKY_WEB_HOST: '127.0.0.1',
    BOTSKY_WEB_PORT: String(ports.web),
    BOTSKY_WEB_LEADERBOARD_URL: `http://127.0.0.1:${ports.leaderboard}`,
    BOTSKY_WEB_FEED_URL: `http://127.0.0.1:${ports.feed}`,
    // people sign in with accounts on the demo's own PDS, over plain HTTP
    BOTSKY_WEB_SIGNIN_SERVICE: net.devnet.pdsUrl,
    // and a visitor can make an account of their own there, from the sign-in page
    BOTSKY_WEB_SIGNUP: 'true',
    BOTSKY_WEB_SECURE_COOKIES: 'false',
  };
}
