// `botsky export`: the research dataset (docs/research-data.md): the ranking's tables as Parquet
// files written by ClickHouse, people's identities replaced by a keyed hash made for this export,
// text only on request and only for people who opted in, and a datasheet (README.md,
// schema.json) with row counts and checksums. `botsky rescore --dataset DIR` rebuilds the
// leaderboard from it.
import { BOOTSTRAP_SEED, scoringConfigSpec, scoringParams } from '@botsky/scoring';
import { type ParquetCompression, type Warehouse, WarehouseError, exportDataset } from '@botsky/warehouse';

const COMPRESSIONS: readonly ParquetCompression[] = ['zstd', 'lz4', 'snappy', 'gzip', 'none'];
import { type Command, type FlagValues, loadConfigOrUsage, UsageError } from '../command.ts';
import { openWarehouseFlag } from './warehouse-flag.ts';

export const exportCommand: Command = {
  name: 'export',
  summary: 'write the anonymised research dataset (Parquet, with a datasheet) that rebuilds the leaderboard',
  usage: '--warehouse embedded:<path>|http(s)://host:port --out DIR [--season NAME] [--from T] [--to T] [--with-text] [--compression C]',
  details: [
    '--warehouse WHERE  embedded:<path> (an embedded ClickHouse folder) or a ClickHouse server URL',
    '--out DIR          where the files go (made if missing; files of an earlier export there are replaced)',
    '--to TIME          the export’s end: everything held from before it, the leaderboard as of it (default now)',
    '--from TIME        the leaderboard’s window starts here (bot replies posted from then on; rows are not cut)',
    '--season NAME      a season’s window and, once frozen, its end (season_snapshots in the warehouse)',
    '--with-text        include post text: opted-in people’s (they follow BOTSKY_PROJECT_DID) and the bots’,',
    '                   with handles in it written @person',
    '--compression C    the Parquet files’ compression: zstd (default), lz4, snappy, gzip or none',
    "People's DIDs and handles become a keyed hash; the key is made for this export and written nowhere.",
    'The scoring settings come from the environment as for `botsky rescore`, and go in the datasheet.',
  ],
  options: {
    warehouse: { type: 'string' },
    out: { type: 'string' },
    season: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    'with-text': { type: 'boolean' },
    compression: { type: 'string' },
  },
  async run(flags, _positionals, io) {
    if (typeof flags.warehouse !== 'string') throw new UsageError('export needs --warehouse embedded:<path> or http(s)://host:port');
    if (typeof flags.out !== 'string' || flags.out === '') throw new UsageError('export needs --out DIR');
    const config = loadConfigOrUsage(scoringConfigSpec, io.env);
    const withText = flags['with-text'] === true;
    if (withText && !config.projectDid)
      throw new UsageError('export --with-text needs BOTSKY_PROJECT_DID: the people who follow it are the opted-in ones');
    const compression = (flags.compression ?? 'zstd') as ParquetCompression;
    if (!COMPRESSIONS.includes(compression))
      throw new UsageError(`--compression must be one of ${COMPRESSIONS.join(', ')} (got "${String(flags.compression)}")`);
    const wh = openWarehouseFlag(flags.warehouse, config);
    try {
      const window = await windowOf(wh, flags);
      const params = scoringParams(config);
      const sheet = await exportDataset(wh, {
        out: flags.out,
        ...window,
        withText,
        compression,
        ...(config.projectDid ? { projectDid: config.projectDid } : {}),
        method: { ...params, seed: params.seed ?? BOOTSTRAP_SEED, ruleVersion: params.battleRule ?? 'engagement-v2' },
      });
      for (const f of sheet.files) io.out(`${f.file}\t${f.rows} rows\t${f.bytes} bytes\tsha256 ${f.sha256}`);
      io.out(
        `export as of ${sheet.window.as_of} in ${flags.out} (README.md, schema.json); botsky rescore --dataset ${flags.out} rebuilds its leaderboard`,
      );
      return 0;
    } catch (err) {
      if (!(err instanceof WarehouseError)) throw err;
      io.err(`botsky export: cannot read the warehouse: ${err.message.split('\n')[0]}`);
      return 1;
    } finally {
      await wh.close();
    }
  },
};

function time(raw: unknown, flag: string): Date | undefined {
  if (raw === undefined) return undefined;
  const d = new Date(String(raw));
  if (typeof raw !== 'string' || Number.isNaN(d.getTime())) throw new UsageError(`--${flag} must be an ISO time (got "${String(raw)}")`);
  return d;
}

/** The export's end and the leaderboard's window: the flags', or a season's as the warehouse holds it. */
async function windowOf(wh: Warehouse, flags: FlagValues): Promise<{ asOf: Date; from?: Date; until?: Date; season?: string }> {
  const to = time(flags.to, 'to');
  const from = time(flags.from, 'from');
  if (typeof flags.season !== 'string') {
    if (from && to && from >= to) throw new UsageError('--from must be before --to');
    return { asOf: to ?? new Date(), ...(from ? { from } : {}) };
  }
  if (from) throw new UsageError('--season sets the window: give --from or --season, not both');
  const [s] = await wh.query<{ started: string; ended: string; is_frozen: number; frozen_at: string | null }>(
    `SELECT toString(any(started_at)) AS started, toString(any(ended_at)) AS ended, max(frozen) AS is_frozen,
       toString(maxIf(computed_at, frozen = 1)) AS frozen_at
     FROM ${wh.database}.season_snapshots WHERE season = {season:String}`,
    { season: flags.season },
  );
  if (!s?.started || s.started.startsWith('1970'))
    throw new UsageError(`no season "${flags.season}" in the warehouse (botsky season list names them)`);
  const utc = (x: string) => new Date(`${x.replace(' ', 'T')}Z`);
  const until = s.ended.startsWith('1970') ? undefined : utc(s.ended);
  // A frozen season is reproduced as of its freeze; a running one as of --to (or now).
  const asOf = Number(s.is_frozen) === 1 && s.frozen_at ? utc(s.frozen_at) : (to ?? new Date());
  return { asOf, from: utc(s.started), ...(until ? { until } : {}), season: flags.season };
}
