// The part of a context every service shares: logger, metrics and the bus, each either handed in
// (the kit, the CLI's shared bus, a test) or made here. A context closes only what it made.
import { createBus, type Bus, type Topology } from '@botsky/bus';
import type { CommonConfig } from './common-config.ts';
import { exportBusMetrics } from './bus-metrics.ts';
import { createLogging, type Logger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import type { ReadinessCheck } from './readiness.ts';
import { closeAll, type KitOverrides, type ServiceContext } from './service.ts';
import { busTopology } from './stream-config.ts';

export interface BusContext extends ServiceContext {
  readonly bus: Bus;
}

export interface BusOverrides extends KitOverrides {
  bus?: Bus;
}

/** Logger and metrics from the overrides, or new ones when a context is made on its own. */
export function baseContext(name: string, overrides: KitOverrides = {}): Omit<ServiceContext, 'checks' | 'close'> {
  const createLogger = overrides.createLogger ?? createLogging().createLogger;
  return {
    logger: overrides.logger ?? createLogger(name),
    createLogger,
    metrics: overrides.metrics ?? createMetrics({ service: name }),
  };
}

export async function createBusContext(name: string, config: CommonConfig, overrides: BusOverrides = {}): Promise<BusContext> {
  const base = baseContext(name, overrides);
  const bus = overrides.bus ?? (await openBus(config, base.createLogger(`${name}:bus`), name));
  const owned = overrides.bus ? [] : [() => bus.close()];
  exportBusMetrics(base.metrics, bus);
  return { ...base, bus, checks: { bus: busCheck(bus) }, close: () => closeAll(owned) };
}

/**
 * Opens the bus the config names, with the configured stream limits, reporting what the bus
 * handles itself to `logger`. `name` is the connection's name in the NATS server's monitoring;
 * `topology` replaces the shared one's consumer timings (its stream limits come from `config`).
 */
export async function openBus(config: CommonConfig, logger: Logger, name: string, topology?: Topology): Promise<Bus> {
  return createBus({
    ...config.bus,
    ...(config.bus.kind === 'nats' ? { name } : {}),
    namespace: config.namespace,
    topology: busTopology(config, topology),
    hooks: {
      onError: (err) => logger.warn({ err }, 'bus error'),
      onDeadLetter: (event) => logger.warn({ event }, 'message dead-lettered'),
    },
  });
}

/** Ready while the bus answers. */
export function busCheck(bus: Bus): ReadinessCheck {
  return async () => {
    await bus.ping();
  };
}
