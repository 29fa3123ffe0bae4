// The shape every BotSky service has, so one lifecycle runs them all the same way:
// a config spec, a context that owns the clients, and a service with start / drain / stop.
import type { ConfigOf, ConfigSpec } from './config.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import type { ReadinessCheck } from './readiness.ts';

export interface Service {
  /** Connects and joins its work; resolves once the service can do it. Stops early on `signal`. */
  start(signal: AbortSignal): Promise<void>;
  /** Stops taking new work and finishes what is in flight. */
  drain(): Promise<void>;
  /** Releases what `start` took (timers, servers); the context closes the clients afterwards. */
  stop(): Promise<void>;
}

/** What every service's context has; services add their clients (bus, warehouse, ...). */
export interface ServiceContext {
  readonly logger: Logger;
  readonly createLogger: (name: string) => Logger;
  readonly metrics: Metrics;
  /** Component checks behind /readyz, e.g. `{ bus, warehouse }`. */
  readonly checks: Readonly<Record<string, ReadinessCheck>>;
  /** Closes the clients the context created (not the ones it was handed as overrides). */
  close(): Promise<void>;
}

/** What the kit hands every context; a context makes its own when run without the kit. */
export interface KitOverrides {
  logger?: Logger;
  createLogger?: (name: string) => Logger;
  metrics?: Metrics;
}

export interface ServiceDefinition<S extends ConfigSpec, C extends ServiceContext, O extends KitOverrides> {
  readonly name: string;
  /** What the service does today, in a few words, for people (`botsky up` prints it). */
  readonly summary: string;
  readonly configSpec: S;
  createContext(config: ConfigOf<S>, overrides?: O): Promise<C>;
  createService(ctx: C): Service;
}

// Services differ in config, context and overrides; a list of them is held without those types.
// biome-ignore lint/suspicious/noExplicitAny: overrides vary per service; `unknown` would not accept them (parameter variance)
export type AnyServiceDefinition = ServiceDefinition<ConfigSpec, ServiceContext, any>;

/** Runs each closer, last first, even when one fails; then throws what failed. */
export async function closeAll(closers: ReadonlyArray<(() => Promise<void>) | undefined>): Promise<void> {
  const errors: unknown[] = [];
  for (const close of [...closers].reverse()) {
    if (!close) continue;
    await close().catch((err: unknown) => errors.push(err));
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'several clients failed to close');
}
