// Every client gateway uses, made (or handed in) in one place: the bus (its KV holds the keys,
// the usage ledgers and the self-service bots), the models and their upstreams (checked at start-up), the metrics.
import { createBusContext, type BusContext, type BusOverrides, Sealer } from '@botsky/kit';
import { KV_BUCKETS, REGISTRY_SEAL_PURPOSE } from '@botsky/contracts';
import { BotStore } from './bots.ts';
import { type GatewayConfig, loadModels } from './config.ts';
import { KeyStore } from './keys.ts';
import { createGatewayMetrics, type GatewayMetrics } from './metrics.ts';
import type { GatewayModel } from './models.ts';
import { createUpstream, type Upstream } from './upstream.ts';
import { UsageLedgers } from './usage.ts';

export interface GatewayContext extends BusContext {
  readonly config: GatewayConfig;
  readonly gatewayMetrics: GatewayMetrics;
  readonly models: ReadonlyMap<string, GatewayModel>;
  readonly upstreams: ReadonlyMap<string, Upstream>;
  readonly keys: KeyStore;
  readonly usage: UsageLedgers;
  /** The self-service bots (BOTSKY_REGISTRY_SECRET set), or undefined: no bot API. */
  readonly bots: BotStore | undefined;
  /** Calls answered whose settlement (ledger, LlmCall) is still under way: drain waits for them. */
  readonly settling: Set<Promise<void>>;
}

export interface GatewayOverrides extends BusOverrides {
  /** The environment the models file's `{ env: NAME }` references are read from (default: process.env). */
  env?: Record<string, string | undefined>;
}

export async function createContext(config: GatewayConfig, overrides: GatewayOverrides = {}): Promise<GatewayContext> {
  // The models file first: a wrong one stops the service before anything is opened.
  const list = loadModels(config, overrides.env);
  const models = new Map(list.map((m) => [m.id, m]));
  const upstreams = new Map(list.map((m) => [m.id, createUpstream(m, config.upstreamTimeoutMs)]));
  const base = await createBusContext('gateway', config, overrides);
  try {
    const keys = new KeyStore(await base.bus.kv(KV_BUCKETS.gatewayKeys));
    const usage = new UsageLedgers(await base.bus.kv(KV_BUCKETS.gatewayUsage), { holdMs: config.upstreamTimeoutMs + 60_000 });
    const secret = config.registrySecret?.reveal();
    const kv = (name: string) => base.bus.kv(name);
    const bots = secret
      ? new BotStore(
          {
            registry: await kv(KV_BUCKETS.registry),
            roster: await kv(KV_BUCKETS.bots),
            controls: await kv(KV_BUCKETS.controls),
            sessions: await kv(KV_BUCKETS.botSessions),
          },
          new Sealer(secret, REGISTRY_SEAL_PURPOSE),
        )
      : undefined;
    return {
      ...base,
      config,
      gatewayMetrics: createGatewayMetrics(base.metrics),
      models,
      upstreams,
      keys,
      usage,
      bots,
      settling: new Set(),
    };
  } catch (err) {
    await base.close().catch(() => {});
    throw err;
  }
}
