// Reads of season_snapshots, the seasons' leaderboards as scoring writes them for the dashboards
// (migrations/011-season-snapshots.ts). Tested on embedded ClickHouse (test/queries.test.ts).

import type { Warehouse } from '../types.ts';

/** How many rows of `season`'s frozen board the warehouse holds: 0 until it has been written. */
export async function frozenSeasonRows(wh: Warehouse, season: string): Promise<number> {
  const rows = await wh.query<{ n: number | string }>(
    `SELECT count() AS n FROM ${wh.database}.season_snapshots WHERE season = {season:String} AND frozen = 1`,
    { season },
  );
  return Number(rows[0]?.n ?? 0);
}
