// The one lifecycle of a BotSky process: load config → start → ready → (SIGTERM/SIGINT) → drain
// → stop → exit. A service's main.ts is `process.exitCode = await runService(definition)`.
//
// Exit codes: 0 after a clean stop; 2 for bad config (one line on stderr, no stack); 1 when
// start-up fails, a shutdown step fails, the shutdown deadline passes, or a second signal comes.
import { once } from 'node:events';
import { pino } from 'pino';
import { ConfigError, loadConfig, mergeConfigErrors, type Env } from './config.ts';
import { runtimeConfigSpec, type RuntimeConfig } from './runtime-config.ts';
import type { ReadinessReport } from './readiness.ts';
import { ServiceRuntime, type PreparedService, type SharedResources } from './runtime.ts';
import type { AnyServiceDefinition, KitOverrides } from './service.ts';

export interface RunOptions {
  /** The process's name, used in logs, metrics and error lines. */
  name: string;
  /** Started in this order; drained and stopped in reverse. */
  services: readonly AnyServiceDefinition[];
  /** The environment to read config from; `process.env` by default. */
  env?: Env;
  /** Clients every service shares (the CLI's one in-process bus), made once config is valid. */
  shared?: (kit: Required<KitOverrides>) => Promise<SharedResources>;
  /** Stop by itself this long after being ready, as if signalled (the CLI's `--duration`). */
  stopAfterMs?: number;
  /** Log lines go to stdout unless told otherwise (the CLI keeps stdout for people). */
  logTo?: 'stdout' | 'stderr';
  /** Stops like a signal when aborted (the CLI's `demo` ends the run when its population is done). */
  signal?: AbortSignal;
  /** Called once every service is started and the process is ready. */
  onReady?: (info: { opsUrl: string; report: ReadinessReport }) => void;
  /**
   * What follows a clean stop. 'exit' (the default; a service's main, `botsky up`): the process is
   * about to end, so the shutdown deadline stays armed and ends it if a handle left open keeps it
   * alive. 'continue' (the CLI's demo reads the warehouse afterwards): the deadline is cleared.
   */
  afterStop?: 'exit' | 'continue';
}

export function runService(definition: AnyServiceDefinition, opts: { env?: Env } = {}): Promise<number> {
  return runServices({ name: definition.name, services: [definition], env: opts.env });
}

export async function runServices(opts: RunOptions): Promise<number> {
  const loaded = loadAll(opts);
  if (loaded instanceof ConfigError) {
    process.stderr.write(`${opts.name}: ${loaded.message}\n`);
    return 2;
  }
  const runtime = new ServiceRuntime({
    name: opts.name,
    config: loaded.runtime,
    services: loaded.services,
    ...(opts.shared ? { shared: opts.shared } : {}),
    ...(opts.env ? { env: opts.env } : {}),
    logging: { destination: pino.destination({ dest: opts.logTo === 'stderr' ? 2 : 1, sync: true }) },
  });
  runtime.logger.info({ config: describeConfig(loaded) }, 'config loaded');
  const stop = new AbortController();
  if (opts.signal?.aborted) stop.abort();
  opts.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  const watch = watchProcess(runtime, stop);
  const deadline = new Deadline(runtime, loaded.runtime.drainTimeoutMs);
  // The deadline runs from the signal, so a start-up stuck on a dependency cannot outlive it.
  stop.signal.addEventListener('abort', () => deadline.arm(), { once: true });
  const started = await startUntil(runtime, opts, stop.signal);
  if (started) await stopRequested(stop.signal, opts.stopAfterMs);
  deadline.arm();
  const clean = await runtime.shutdown();
  // After an unclean stop, handles may be left open: the deadline stays, whatever follows.
  if (clean && opts.afterStop === 'continue') deadline.cancel();
  else deadline.finished = true;
  watch.detach();
  return started && clean && !watch.crashed() ? 0 : 1;
}

function loadAll(opts: RunOptions): ConfigError | { runtime: RuntimeConfig; services: PreparedService[] } {
  const errors: ConfigError[] = [];
  const read = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      errors.push(err);
      return undefined;
    }
  };
  const runtime = read(() => loadConfig(runtimeConfigSpec, opts.env));
  const services = opts.services.map((definition) => ({
    definition,
    config: read(() => loadConfig(definition.configSpec, opts.env)),
  }));
  if (errors.length > 0 || runtime === undefined) return mergeConfigErrors(errors);
  return { runtime, services };
}

/** Resolves on a signal, or `afterMs` from now when given. */
async function stopRequested(signal: AbortSignal, afterMs: number | undefined): Promise<void> {
  const until = afterMs === undefined ? signal : AbortSignal.any([signal, AbortSignal.timeout(afterMs)]);
  if (!until.aborted) await once(until, 'abort');
}

/** The effective config, for the log; `Secret` values print as [redacted]. */
function describeConfig(loaded: { runtime: RuntimeConfig; services: PreparedService[] }): Record<string, unknown> {
  return { ...loaded.runtime, ...Object.fromEntries(loaded.services.map((s) => [s.definition.name, s.config])) };
}

/** Starts; on failure says why in one line on stderr (the log has the stack) and returns false. */
async function startUntil(runtime: ServiceRuntime, opts: RunOptions, signal: AbortSignal): Promise<boolean> {
  try {
    await runtime.start(signal);
  } catch (err) {
    if (signal.aborted) return true; // stopped during start-up: a normal shutdown
    runtime.logger.fatal({ err }, 'start-up failed');
    process.stderr.write(`${opts.name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return false;
  }
  opts.onReady?.({ opsUrl: runtime.opsUrl ?? '', report: await runtime.readiness.report() });
  return true;
}

/**
 * The shutdown deadline: an unref'd timer that exits the process, so neither a hung drain nor a
 * handle left open after a clean stop keeps it alive past BOTSKY_DRAIN_TIMEOUT_MS.
 */
class Deadline {
  finished = false;
  readonly #runtime: ServiceRuntime;
  readonly #ms: number;
  #timer: NodeJS.Timeout | undefined;
  #cancelled = false;

  constructor(runtime: ServiceRuntime, ms: number) {
    this.#runtime = runtime;
    this.#ms = ms;
  }

  arm(): void {
    if (this.#cancelled) return;
    this.#timer ??= setTimeout(() => {
      const why = this.finished ? 'stopped, but something kept the process alive' : 'shutdown did not finish';
      this.#runtime.logger.fatal(`${why} within ${this.#ms} ms; exiting`);
      process.exit(1);
    }, this.#ms).unref();
  }

  /** The shutdown is over and the caller has more to do: nothing left to cut off. */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#cancelled = true;
  }
}

/**
 * A signal this soon after the first is the same request delivered twice (a terminal's Ctrl-C
 * reaches both `npm run` and its child, and npm forwards it), not a person insisting.
 */
const REPEAT_GRACE_MS = 1000;

/** SIGTERM/SIGINT start the shutdown; a second one, or a crash, ends the process. */
function watchProcess(runtime: ServiceRuntime, stop: AbortController): { detach(): void; crashed(): boolean } {
  let crashed = false;
  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted && Date.now() - firstSignalAt < REPEAT_GRACE_MS) return;
    if (stop.signal.aborted) {
      runtime.logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    firstSignalAt = Date.now();
    runtime.logger.info({ signal }, 'signal: shutting down');
    stop.abort(signal);
  };
  const onCrash = (err: unknown) => {
    runtime.logger.fatal({ err }, 'uncaught error: shutting down');
    crashed = true;
    if (stop.signal.aborted) process.exit(1);
    stop.abort(err);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('uncaughtException', onCrash);
  const detach = () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    process.off('uncaughtException', onCrash);
  };
  return { detach, crashed: () => crashed };
}
