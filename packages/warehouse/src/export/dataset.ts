// A research export (docs/research-data.md): the ranking's tables as Parquet files written by
// ClickHouse (tables.ts, anonymised as anonymise.ts says), and a datasheet beside them: README.md
// for people, schema.json for programs (each file's columns, types and rules, row counts,
// SHA-256 checksums, the window, the consent rules, the ranking method's version). The files hold
// every row from before the export's end (`asOf`) but what people took back by then (a deleted
// post, an account that is gone); `from` and `until` name the leaderboard's window, which
// `botsky rescore --dataset` reproduces.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ParquetCompression, Warehouse } from '../types.ts';
import { Anonymiser } from './anonymise.ts';
import { datasheetReadme } from './datasheet.ts';
import type { Datasheet, ExportedFile } from './datasheet-types.ts';
import { EXPORT_TABLES, type ExportTable, selectList } from './tables.ts';

export const DATASET_FORMAT = 'botsky-research-export/1';

export interface ExportOptions {
  out: string;
  /** The export's end: rows from before it are exported, and the leaderboard is reproduced as of it. */
  asOf: Date;
  /** The leaderboard's window (a season's): bot replies posted from `from` until `until`. */
  from?: Date;
  until?: Date;
  season?: string;
  withText: boolean;
  projectDid?: string;
  /** The files' compression (default zstd; `none` leaves every value readable in the bytes). */
  compression?: ParquetCompression;
  /**
   * What produced the numbers, recorded in the datasheet (the scoring settings, the rule
   * version); a `projectDid` in it is recorded as the export maps it, so the settings apply to the files.
   */
  method: Record<string, unknown>;
  now?: () => Date;
}

export type { Datasheet, ExportedFile } from './datasheet-types.ts';

const AS_OF = (d: Date) => `toDateTime64('${d.toISOString().replace('T', ' ').replace('Z', '')}', 3, 'UTC')`;

export async function exportDataset(wh: Warehouse, o: ExportOptions): Promise<Datasheet> {
  const out = resolve(o.out);
  await mkdir(out, { recursive: true });
  // Made here, used in this export's queries, written nowhere: without it no hash can be matched.
  const bytes = randomBytes(16);
  const key = { k0: bytes.readBigUInt64LE(0), k1: bytes.readBigUInt64LE(8) };
  const a = new Anonymiser({ database: wh.database, key, withText: o.withText, ...(o.projectDid ? { projectDid: o.projectDid } : {}) });
  const files: ExportedFile[] = [];
  for (const t of EXPORT_TABLES) {
    const path = join(out, `${t.name}.parquet`);
    const where = [t.time ? `src.${t.time} < ${AS_OF(o.asOf)}` : '', t.stands?.(wh.database, AS_OF(o.asOf)) ?? ''].filter((c) => c !== '');
    const from = `${wh.database}.${t.name} AS src FINAL ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`;
    await wh.exportToFile(`SELECT\n  ${selectList(t, a)}\nFROM ${from}`, path, 'Parquet', { compression: o.compression ?? 'zstd' });
    // Counted by the same selection (a server's file is on this machine, not the server's).
    const [count] = await wh.query<{ n: number }>(`SELECT count() AS n FROM ${from}`);
    files.push(await describe(wh, t, path, Number(count?.n ?? 0)));
  }
  const method = { ...o.method };
  if (typeof method.projectDid === 'string' && method.projectDid !== '') {
    const [row] = await wh.query<{ d: string }>(`SELECT ${a.didLiteral(method.projectDid)} AS d`);
    method.projectDid = row?.d ?? '';
  }
  const sheet: Datasheet = {
    format: DATASET_FORMAT,
    created_at: (o.now ?? (() => new Date()))().toISOString(),
    window: {
      as_of: o.asOf.toISOString(),
      from: o.from?.toISOString() ?? null,
      until: o.until?.toISOString() ?? null,
      season: o.season ?? null,
    },
    with_text: o.withText,
    method,
    files,
  };
  await writeFile(join(out, 'schema.json'), `${JSON.stringify(sheet, null, 2)}\n`);
  await writeFile(join(out, 'README.md'), datasheetReadme(sheet, EXPORT_TABLES));
  return sheet;
}

async function describe(wh: Warehouse, t: ExportTable, path: string, rows: number): Promise<ExportedFile> {
  const types = new Map(
    (await wh.query<{ name: string; type: string }>(`DESCRIBE TABLE ${wh.database}.${t.name}`)).map((c) => [c.name, c.type]),
  );
  const { sha256, size } = await digest(path);
  return {
    file: `${t.name}.parquet`,
    table: t.name,
    description: t.description,
    rows,
    bytes: size,
    sha256,
    columns: Object.entries(t.columns).map(([name, rule]) => ({ name, type: types.get(name) ?? 'unknown', rule })),
  };
}

/** A file's SHA-256 and size, read as a stream. */
export async function digest(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}
