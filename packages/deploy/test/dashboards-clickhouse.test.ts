// Every ClickHouse query in grafana/dashboards runs, with Grafana's macros expanded as the
// datasource plugin expands them, against the real schema (embedded ClickHouse, every
// migration applied) holding a short simulated run, and returns rows.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createWarehouse, type Warehouse } from '@botsky/warehouse';
import { CLICKHOUSE_UID, expandClickHouseMacros, loadDashboards, queriesOf } from '../src/index.ts';
import { BOTS, BUILDERS, MINUTES, seedSimulatedRun } from './support/simulated-run.ts';

const START = new Date('2025-03-10T12:00:00Z');

describe('dashboards: ClickHouse queries', async () => {
  const queries = queriesOf(await loadDashboards(), CLICKHOUSE_UID);
  let dir: string;
  let wh: Warehouse;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'botsky-dashboards-'));
    wh = createWarehouse({ kind: 'embedded', path: dir });
    await wh.migrate();
    const written = await seedSimulatedRun(wh, START);
    assert.ok(Object.keys(written).length >= 9, `rows written to ${Object.keys(written).join(', ')}`);
    // The datasource's defaultDatabase: the dashboards name tables without a database.
    await wh.command(`USE ${wh.database}`);
  });

  after(async () => {
    await wh?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the dashboards have ClickHouse queries', () => {
    assert.ok(queries.length >= 15, `${queries.length} queries`);
  });

  for (const q of queries) {
    test(`${q.dashboard}: ${q.source}`, async () => {
      const sql = expandClickHouseMacros(q.text, {
        from: new Date(START.getTime() - 60_000),
        to: new Date(START.getTime() + (MINUTES + 5) * 60_000),
        intervalSeconds: 60,
        variables: { bot: BOTS.map((b) => b.id), method: 'bt', builder: BUILDERS },
      });
      const rows = await wh.query(sql);
      assert.ok(rows.length > 0, `no rows from:\n${sql}`);
    });
  }
});
