// Every client scoring uses, made (or handed in) in one place: the bus, the warehouse, the metrics.
import { createWarehouse, type Warehouse } from '@botsky/warehouse';
import { closeAll, createBusContext, type BusContext, type BusOverrides, type ReadinessCheck } from '@botsky/kit';
import type { ScoringConfig } from './config.ts';
import { createScoringMetrics, type ScoringMetrics } from './metrics.ts';

export interface ScoringContext extends BusContext {
  readonly config: ScoringConfig;
  readonly warehouse: Warehouse;
  readonly scoringMetrics: ScoringMetrics;
}

export interface ScoringOverrides extends BusOverrides {
  warehouse?: Warehouse;
}

export async function createContext(config: ScoringConfig, overrides: ScoringOverrides = {}): Promise<ScoringContext> {
  const base = await createBusContext('scoring', config, overrides);
  let warehouse: Warehouse;
  try {
    warehouse = overrides.warehouse ?? openWarehouse(config);
  } catch (err) {
    // The bus is already open: close it before giving up, or it would keep the process alive.
    await base.close().catch(() => {});
    throw err;
  }
  const owned = [base.close, overrides.warehouse ? undefined : () => warehouse.close()];
  return {
    ...base,
    config,
    warehouse,
    scoringMetrics: createScoringMetrics(base.metrics),
    checks: { ...base.checks, warehouse: warehouseCheck(warehouse) },
    close: () => closeAll(owned),
  };
}

function openWarehouse(config: ScoringConfig): Warehouse {
  const { warehouse: where, clickhouseDatabase: database } = config;
  if (where.kind === 'embedded') return createWarehouse({ kind: 'embedded', path: where.path, database });
  return createWarehouse({
    kind: 'http',
    url: where.url,
    username: config.clickhouseUser,
    password: config.clickhousePassword?.reveal(),
    database,
  });
}

/** Ready while the warehouse answers a trivial query. */
export function warehouseCheck(warehouse: Warehouse): ReadinessCheck {
  return async () => {
    await warehouse.query('SELECT 1');
  };
}
