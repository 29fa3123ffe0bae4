// The one way a test runs a service in its own process (`@botsky/kit/testing`): as the kit runs it,
// config from an environment, its own metrics and logger, started, and always stopped.
import { Writable } from 'node:stream';
import { after } from 'node:test';
import { loadConfig, type ConfigOf, type ConfigSpec, type Env } from '../config.ts';
import { createLogging, type LogLevel } from '../logger.ts';
import { createMetrics, type Metrics } from '../metrics.ts';
import { closeAll, type KitOverrides, type Service, type ServiceContext } from '../service.ts';
import type { TestHooks } from '../test-processes.ts';

/** A service definition, or the same three parts from elsewhere. */
export interface InProcessParts<S extends ConfigSpec, C extends ServiceContext, V extends Service, O extends KitOverrides> {
  readonly name: string;
  readonly configSpec: S;
  createContext(config: ConfigOf<S>, overrides: O): Promise<C>;
  createService(ctx: C): V;
}

export interface InProcessOptions {
  /** The log level; 'silent' unless told. */
  log?: LogLevel;
  /** Where the JSON log lines go, parsed, instead of stdout. */
  logLines?: Array<Record<string, unknown>>;
  /** Closed after the context: clients the test made for this service alone. */
  closeAfter?: () => Promise<void>;
}

export interface InProcess<C extends ServiceContext, V extends Service> {
  ctx: C;
  svc: V;
  metrics: Metrics;
  /** Drains and stops the service, then closes its context. Idempotent; `t.after` calls it too. */
  stop(): Promise<void>;
}

function logDestination(lines: Array<Record<string, unknown>>): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
}

/**
 * Starts `parts` in this process with config from `env` and the test's `overrides` (a bus, a
 * clock, ...); the kit's logger and metrics are made here. The service is stopped when `t` ends
 * (a test's context, or `suiteHooks()` for one that outlives a test), whatever happened.
 */
export async function startInProcess<S extends ConfigSpec, C extends ServiceContext, V extends Service, O extends KitOverrides>(
  t: TestHooks,
  parts: InProcessParts<S, C, V, O>,
  env: Env,
  overrides: Omit<O, keyof KitOverrides> = {} as Omit<O, keyof KitOverrides>,
  opts: InProcessOptions = {},
): Promise<InProcess<C, V>> {
  const config = loadConfig(parts.configSpec, env);
  const destination = opts.logLines ? logDestination(opts.logLines) : undefined;
  const { createLogger } = createLogging({ level: opts.log ?? 'silent', ...(destination ? { destination } : {}) });
  const metrics = createMetrics({ service: parts.name, defaultMetrics: false });
  const ctx = await parts.createContext(config, { ...overrides, createLogger, logger: createLogger(parts.name), metrics } as O);
  let stopping: Promise<void> | undefined;
  let svc: V | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (svc) {
        await svc.drain();
        await svc.stop();
      }
      await ctx.close();
      await opts.closeAfter?.();
    })();
    return stopping;
  };
  t.after(stop);
  svc = parts.createService(ctx);
  await svc.start(new AbortController().signal);
  return { ctx, svc, metrics, stop };
}

/**
 * Hooks for what outlives one test (a file's or a suite's services): every cleanup runs, last
 * registered first and even when one fails, in one `after` of the file or `describe` this is
 * called in (before the `after` hooks registered later there).
 */
export function suiteHooks(): TestHooks {
  const cleanups: Array<() => Promise<void>> = [];
  after(() => closeAll(cleanups));
  return { after: (fn) => void cleanups.push(async () => void (await fn())) };
}
