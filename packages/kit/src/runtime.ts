// Runs services inside one process: the ops server, the contexts, the services, and the one
// shutdown order. Knows nothing of signals or exit codes (lifecycle.ts does), so tests drive it.
import type { FastifyInstance } from 'fastify';
import type { ConfigOf, Env } from './config.ts';
import { createLogging, type Logger, type Logging, type LoggingOptions } from './logger.ts';
import { createMetrics, type Gauge, type Metrics } from './metrics.ts';
import { buildOpsApp, listenOps } from './ops-server.ts';
import { Readiness } from './readiness.ts';
import type { RuntimeConfig } from './runtime-config.ts';
import type { AnyServiceDefinition, KitOverrides, Service, ServiceContext } from './service.ts';

/** A definition with its config already loaded and checked. */
export interface PreparedService {
  definition: AnyServiceDefinition;
  config: unknown;
}

/** Clients shared by every service of the process (the CLI's one bus); closed after them. */
export interface SharedResources {
  overrides: Record<string, unknown>;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** The process's name: a service's name, or `botsky` when one process runs several. */
  name: string;
  config: RuntimeConfig;
  services: readonly PreparedService[];
  shared?: (kit: Required<KitOverrides>) => Promise<SharedResources>;
  logging?: Omit<LoggingOptions, 'level'>;
  defaultMetrics?: boolean;
  /**
   * The environment the config was read from, handed to each service's context (as `env`) for
   * settings that name other variables, such as a bot registry's secrets.
   */
  env?: Env;
}

export class StartupError extends Error {
  override name = 'StartupError';
  readonly step: string;
  constructor(step: string, options: { cause: unknown }) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(`${step} failed: ${reason}`, options);
    this.step = step;
  }
}

type ShutdownStep = [label: string, run: () => Promise<unknown>];

interface Started {
  name: string;
  service: Service;
  context: ServiceContext;
}

export class ServiceRuntime {
  readonly logging: Logging;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly readiness = new Readiness();
  readonly app: FastifyInstance;
  opsUrl: string | undefined;
  readonly #opts: RuntimeOptions;
  readonly #started: Started[] = [];
  #shared: SharedResources | undefined;
  #shutdown: Promise<boolean> | undefined;
  readonly #ready: Gauge;

  constructor(opts: RuntimeOptions) {
    this.#opts = opts;
    this.logging = createLogging({ ...opts.logging, level: opts.config.logLevel });
    this.logger = this.logging.createLogger(opts.name);
    this.metrics = createMetrics({ service: opts.name, defaultMetrics: opts.defaultMetrics ?? true });
    this.app = buildOpsApp({
      readiness: this.readiness,
      registry: this.metrics.registry,
      logger: this.logging.createLogger(`${opts.name}:ops`),
    });
    this.#ready = this.metrics.gauge({ name: 'botsky_ready', help: '1 while the process is ready for work, else 0' });
  }

  /** Serves the ops endpoints, starts every service in order, then reports ready. */
  async start(signal: AbortSignal): Promise<void> {
    const { opsHost, opsPort } = this.#opts.config;
    this.opsUrl = await step(`ops server on ${opsHost}:${opsPort}`, () => listenOps(this.app, opsHost, opsPort));
    this.logger.info({ ops: this.opsUrl }, 'ops server listening');
    const kit = { logger: this.logger, createLogger: this.logging.createLogger, metrics: this.metrics };
    if (this.#opts.shared) this.#shared = await step('shared clients', () => this.#opts.shared!(kit));
    for (const prepared of this.#opts.services) {
      signal.throwIfAborted();
      await this.#startOne(prepared, signal);
    }
    signal.throwIfAborted();
    this.readiness.setPhase('ready');
    this.#ready.set(1);
    this.logger.info({ ops: this.opsUrl, services: this.#started.map((s) => s.name) }, 'ready');
  }

  async #startOne({ definition, config }: PreparedService, signal: AbortSignal): Promise<void> {
    const name = definition.name;
    const overrides = {
      ...this.#shared?.overrides,
      logger: this.logging.createLogger(name),
      createLogger: this.logging.createLogger,
      metrics: this.metrics,
      env: this.#opts.env,
    };
    const context = await step(`${name} context`, () => definition.createContext(config as ConfigOf<never>, overrides));
    const service = definition.createService(context);
    // Recorded before start, so a start that fails halfway is still drained, stopped and closed.
    this.#started.push({ name, service, context });
    this.readiness.addChecks(name, context.checks);
    await step(`${name} start`, () => service.start(signal));
    context.logger.info('started');
  }

  /**
   * Not ready, drain (last started first), stop, close the contexts, the shared clients, then the
   * ops server. Every step runs even when one before it failed. Resolves true when all succeeded.
   */
  shutdown(): Promise<boolean> {
    this.#shutdown ??= this.#runShutdown();
    return this.#shutdown;
  }

  async #runShutdown(): Promise<boolean> {
    this.readiness.setPhase('draining');
    this.#ready.set(0);
    this.logger.info('draining');
    const last = [...this.#started].reverse();
    const steps: ShutdownStep[] = [
      ...last.map((s): ShutdownStep => [`${s.name} drain`, () => s.service.drain()]),
      ...last.map((s): ShutdownStep => [`${s.name} stop`, () => s.service.stop()]),
      ...last.map((s): ShutdownStep => [`${s.name} close`, () => s.context.close()]),
      ['shared clients close', async () => this.#shared?.close()],
      ['ops server close', () => this.app.close()],
    ];
    let ok = true;
    for (const [label, run] of steps) {
      await run().catch((err: unknown) => {
        ok = false;
        this.logger.error({ err }, `${label} failed`);
      });
    }
    this.readiness.setPhase('stopped');
    this.logger.info({ clean: ok }, 'stopped');
    return ok;
  }
}

async function step<T>(label: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof StartupError || (err instanceof Error && err.name === 'AbortError')) throw err;
    throw new StartupError(label, { cause: err });
  }
}
