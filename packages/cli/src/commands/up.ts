// `botsky up`: the embedded default. Every service in this one process, sharing one bus (in
// memory unless --bus names a NATS server), scoring on embedded ClickHouse under --data, and
// one ops server. Runs until SIGINT/SIGTERM or --duration, then drains and stops like any service.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseBusUrl } from '@botsky/bus';
import { botRunnerDefinition } from '@botsky/bot-runner';
import { feedDefinition } from '@botsky/feed';
import { gatewayConfigSpec, gatewayDefinition } from '@botsky/gateway';
import { ingestDefinition } from '@botsky/ingest';
import {
  commonConfigSpec,
  loadConfig,
  openBus,
  runServices,
  type AnyServiceDefinition,
  type Env,
  type Logger,
  type SharedResources,
} from '@botsky/kit';
import { matchmakerDefinition } from '@botsky/matchmaker';
import { scoringDefinition } from '@botsky/scoring';
import { ensureClient, webConfigSpec, webDefinition } from '@botsky/web';
import { UsageError, type CliIo, type Command, type FlagValues } from '../command.ts';
import { serviceLines, settledReport, sourceHint, type ReadyInfo } from './up-ready.ts';

/** The services `up` runs: the gateway too when BOTSKY_GATEWAY_MODELS_FILE names its models. */
export function upServices(env: Env): readonly AnyServiceDefinition[] {
  if (!env.BOTSKY_GATEWAY_MODELS_FILE) return SERVICES;
  const at = SERVICES.indexOf(webDefinition) + 1;
  return [...SERVICES.slice(0, at), gatewayDefinition, ...SERVICES.slice(at)];
}

/**
 * With the gateway, self-service bots work within the one process: the gateway and bot-runner
 * share one BOTSKY_REGISTRY_SECRET (the operator's, else one made for this run: bots registered
 * on a NATS bus open in a later run only under the same one), and bot-runner calls this gateway.
 */
export function selfServiceEnv(env: Env): Record<string, string> {
  if (!env.BOTSKY_GATEWAY_MODELS_FILE) return {};
  const out: Record<string, string> = { BOTSKY_REGISTRY_SECRET: env.BOTSKY_REGISTRY_SECRET || randomBytes(32).toString('base64url') };
  const port = gatewayConfigSpec.port.read(env);
  const host = gatewayConfigSpec.host.read(env);
  // A bad value is for the services' start to report. Port 0 is known only once the gateway
  // listens: bots on a gateway model then have no gateway to call.
  if (port.ok && host.ok && port.value !== 0) out.BOTSKY_GATEWAY_URL = `http://${urlHost(host.value)}:${port.value}`;
  return out;
}

/** A listening address as a URL's host: a wildcard is reached on the loopback address. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Started in this order (consumers before producers), drained and stopped in reverse. */
const SERVICES: readonly AnyServiceDefinition[] = [
  scoringDefinition,
  feedDefinition,
  webDefinition,
  botRunnerDefinition,
  matchmakerDefinition,
  ingestDefinition,
];

interface UpOptions {
  dataDir: string;
  busUrl: string;
  durationMs: number | undefined;
}

export const up: Command = {
  name: 'up',
  summary: 'run every service (and the web app) in one process on the embedded adapters',
  usage: '[--data DIR] [--duration SECONDS] [--bus nats://host:port[,...]]',
  details: [
    '--data DIR          where embedded ClickHouse keeps its data (default .data/botsky)',
    '--duration SECONDS  drain and stop after this long (default: run until Ctrl-C or SIGTERM)',
    '--bus URL           use NATS JetStream instead of the in-process bus',
    'The ops server (/healthz, /readyz, /metrics) listens on BOTSKY_OPS_HOST:BOTSKY_OPS_PORT',
    '(default 0.0.0.0:9464); logs go to stderr at LOG_LEVEL (default warn for up). The flags, not',
    'BOTSKY_BUS or BOTSKY_WAREHOUSE, choose the bus and the warehouse; see docs/configuration.md.',
    'ingest reads BOTSKY_INGEST_SOURCE at BOTSKY_INGEST_URL (default: a PDS on this machine); until',
    'it connects, /readyz answers 503 and up says how to point it at a network.',
    'With BOTSKY_GATEWAY_MODELS_FILE set, the LLM gateway runs too (services/gateway/README.md), with',
    'self-service bots (botsky bots add): BOTSKY_REGISTRY_SECRET, or one made for this run.',
  ],
  options: {
    data: { type: 'string' },
    duration: { type: 'string' },
    bus: { type: 'string' },
  },
  async run(flags, _positionals, io) {
    const opts = readFlags(flags, io.cwd);
    await mkdir(opts.dataDir, { recursive: true });
    await ensureClient();
    // Flags win over the environment: `up` is the embedded default unless told otherwise.
    const given = {
      LOG_LEVEL: 'warn',
      // The web app reads the leaderboard from scoring in this same process.
      BOTSKY_WEB_LEADERBOARD_URL: `http://127.0.0.1:${io.env.BOTSKY_LEADERBOARD_PORT || '8080'}`,
      BOTSKY_WEB_FEED_URL: `http://127.0.0.1:${io.env.BOTSKY_FEED_PORT || '3000'}`,
      // served over plain HTTP on this machine
      BOTSKY_WEB_SECURE_COOKIES: 'false',
      ...io.env,
      BOTSKY_BUS: opts.busUrl,
      BOTSKY_WAREHOUSE: `embedded:${join(opts.dataDir, 'clickhouse')}`,
    };
    const env = { ...given, ...selfServiceEnv(given) };
    // Set once ready; the lines it prints come before the last one.
    const ready: { announced?: Promise<void> } = {};
    const code = await runServices({
      name: 'botsky',
      services: upServices(env),
      env,
      logTo: 'stderr',
      stopAfterMs: opts.durationMs,
      shared: async (kit) => sharedBus(env, kit.createLogger('botsky:bus')),
      onReady: (info) => {
        ready.announced = announceReady(info, opts, env, io);
      },
    });
    if (ready.announced === undefined) return code;
    await ready.announced;
    io.out(code === 0 ? 'botsky up: stopped' : `botsky up: stopped with errors (exit ${code}; see the log)`);
    return code;
  },
};

function readFlags(flags: FlagValues, cwd: string): UpOptions {
  const busUrl = typeof flags.bus === 'string' ? flags.bus : 'memory';
  try {
    parseBusUrl(busUrl);
  } catch (err) {
    throw new UsageError(`--bus must be 'memory' or nats://host:port[,host:port...] (got "${busUrl}")`, { cause: err });
  }
  const data = typeof flags.data === 'string' ? flags.data : join('.data', 'botsky');
  return { dataDir: resolve(cwd, data), busUrl, durationMs: readDuration(flags.duration) };
}

function readDuration(raw: FlagValues[string]): number | undefined {
  if (typeof raw !== 'string') return undefined;
  const seconds = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--duration must be a number of seconds > 0 (got "${raw}")`);
  }
  return Math.round(seconds * 1000);
}

/** One bus for every service; the kit closes it after every service has stopped. */
async function sharedBus(env: Record<string, string | undefined>, logger: Logger): Promise<SharedResources> {
  const bus = await openBus(loadConfig(commonConfigSpec, env), logger, 'botsky');
  return { overrides: { bus }, close: () => bus.close() };
}

async function announceReady(info: ReadyInfo, opts: UpOptions, env: Env, io: CliIo): Promise<void> {
  const report = await settledReport(info);
  const bus = opts.busUrl === 'memory' ? 'in-process bus' : `NATS at ${opts.busUrl}`;
  const services = upServices(env);
  io.out(`botsky up: ${services.length} services in one process (${bus}, embedded ClickHouse in ${opts.dataDir})`);
  for (const line of [...serviceLines(services, report), ...sourceHint(report, env)]) io.out(line);
  const web = loadConfig(webConfigSpec, env);
  if (web.port !== 0) io.out(`web: http://${urlHost(web.host)}:${web.port}`);
  if (services.includes(gatewayDefinition)) {
    const gw = loadConfig(gatewayConfigSpec, env);
    if (gw.port !== 0) io.out(`gateway: http://${urlHost(gw.host)}:${gw.port}/v1`);
  }
  io.out(`ops: ${info.opsUrl}  (/healthz /readyz /metrics)`);
  io.out(opts.durationMs === undefined ? 'running; Ctrl-C to stop' : `running for ${opts.durationMs / 1000} s`);
}
