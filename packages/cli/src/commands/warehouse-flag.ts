// The `--warehouse WHERE` flag of `botsky rescore` and `botsky export`: embedded:<path> or a
// ClickHouse server URL, opened with the scoring settings (user, password, database).
import { parseWarehouseLocation, type scoringConfigSpec } from '@botsky/scoring';
import { createWarehouse, type Warehouse } from '@botsky/warehouse';
import { type loadConfigOrUsage, UsageError } from '../command.ts';

type ScoringConfig = ReturnType<typeof loadConfigOrUsage<typeof scoringConfigSpec>>;

/** Opens the warehouse `--warehouse` names; a malformed value is a usage error. */
export function openWarehouseFlag(raw: string, config: ScoringConfig): Warehouse {
  let where: ReturnType<typeof parseWarehouseLocation>;
  try {
    where = parseWarehouseLocation(raw);
  } catch (err) {
    throw new UsageError(`--warehouse must be embedded:<path> or http(s)://host:port (got "${raw}")`, { cause: err });
  }
  return where.kind === 'embedded'
    ? createWarehouse({ kind: 'embedded', path: where.path, database: config.clickhouseDatabase })
    : createWarehouse({
        kind: 'http',
        url: where.url,
        username: config.clickhouseUser,
        password: config.clickhousePassword?.reveal(),
        database: config.clickhouseDatabase,
      });
}
