// After the services have stopped: open the embedded ClickHouse folder they wrote, compute the
// leaderboard as `botsky rescore` does, count rows, print the table and write the report.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadConfig } from '@botsky/kit';
import { computeLeaderboard, scoringConfigSpec, scoringParams } from '@botsky/scoring';
import { WarehouseError, createWarehouse } from '@botsky/warehouse';
import type { CliIo } from '../command.ts';
import type { DemoBot } from './network.ts';
import type { DemoOptions } from './options.ts';
import { buildReport, leaderboardTable, tableRows, warehouseCounts, type DemoReport } from './report.ts';

/** The scoring variables the demo sets (windows, rounds, caps, flags, the project account): a rescore needs the same. */
const SCORING_VARIABLES = [
  'BOTSKY_BATTLE_WINDOW',
  'BOTSKY_RECOMMENDATION_WINDOW',
  'BOTSKY_BOOTSTRAP_ROUNDS',
  'BOTSKY_BATTLE_RULE',
  'BOTSKY_BATTLE_WEIGHTING',
  'BOTSKY_RANK_BY',
  'BOTSKY_INFLUENCE_DAILY_CAP',
  'BOTSKY_ANOMALY_BURST_ACTIONS',
  'BOTSKY_ANOMALY_BURST_WINDOW',
  'BOTSKY_HARM_THRESHOLD',
  'BOTSKY_PROJECT_DID',
];

function rescoreEnv(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(SCORING_VARIABLES.flatMap((k) => (env[k] !== undefined ? [[k, env[k] as string]] : [])));
}

export async function finishDemo(o: {
  opts: DemoOptions;
  bots: readonly DemoBot[];
  env: Record<string, string | undefined>;
  io: CliIo;
}): Promise<number> {
  const { opts, io } = o;
  const config = loadConfig(scoringConfigSpec, o.env);
  const clickhouse = join(opts.dataDir, 'clickhouse');
  const wh = createWarehouse({ kind: 'embedded', path: clickhouse, database: config.clickhouseDatabase });
  let report: DemoReport;
  try {
    const board = await computeLeaderboard(wh, { asOf: new Date(), config: scoringParams(config) });
    report = buildReport({
      seed: opts.seed,
      durationS: opts.durationMs / 1000,
      board,
      bots: o.bots,
      counts: await warehouseCounts(wh),
      dataDir: clickhouse,
      tables: await tableRows(wh),
      projectDid: config.projectDid ?? '',
      rescoreEnv: rescoreEnv(o.env),
    });
  } catch (err) {
    // The services stopped cleanly but their folder cannot be read: one line, not a stack.
    if (!(err instanceof WarehouseError)) throw err;
    io.err(`botsky demo: cannot read the warehouse in ${clickhouse}: ${err.message.split('\n')[0]}`);
    return 1;
  } finally {
    await wh.close();
  }
  io.out('');
  const rating = report.ranked_by === 'bt_style' ? 'Bradley–Terry with style control' : 'Bradley–Terry';
  io.out(
    `leaderboard (ranked by ${rating} over battles, rule ${report.rule_version}; quality is the planted ground truth, drawn independently of style)`,
  );
  for (const line of leaderboardTable(report)) io.out(line);
  const { drop_to_flip_battles: battles, drop_to_flip_people: people } = report.robustness;
  io.out(
    `robustness: ${battles ?? 'no'} battles or ${people ?? 'no'} people dropped would change the top rank or a confident pair; excluded actions: ${report.excluded.capped_actions} capped, ${report.excluded.flagged_actions} of ${report.excluded.flagged_people} flagged people`,
  );
  io.out('');
  io.out(
    `counts: ${Object.entries(report.counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  await mkdir(dirname(opts.reportPath), { recursive: true });
  await writeFile(opts.reportPath, `${JSON.stringify(report, null, 2)}\n`);
  io.out(`report: ${opts.reportPath}`);
  io.out(`warehouse: ${clickhouse} (botsky rescore --warehouse embedded:${clickhouse})`);
  return 0;
}
