// A research export loaded into a fresh embedded warehouse (the schema's migrations, then each
// file inserted by ClickHouse from Parquet), so that the live scoring code can run on it alone.
// The datasheet is checked first: the format, and every file's checksum.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createEmbeddedWarehouse } from '../embedded.ts';
import { quoteString } from '../sql-literal.ts';
import type { Warehouse } from '../types.ts';
import { DATASET_FORMAT, type Datasheet, digest } from './dataset.ts';

export class DatasetError extends Error {
  override readonly name = 'DatasetError';
}

export async function readDatasheet(dir: string): Promise<Datasheet> {
  let sheet: Datasheet;
  try {
    sheet = JSON.parse(await readFile(join(dir, 'schema.json'), 'utf8')) as Datasheet;
  } catch (err) {
    throw new DatasetError(`${dir} holds no readable schema.json (is it a botsky export?): ${(err as Error).message}`);
  }
  if (sheet.format !== DATASET_FORMAT) throw new DatasetError(`${dir}: format ${String(sheet.format)}, expected ${DATASET_FORMAT}`);
  return sheet;
}

/** The export in `dir` loaded into an embedded warehouse at `path` (a new folder); the caller closes it. */
export async function loadDataset(dir: string, path: string): Promise<{ warehouse: Warehouse; sheet: Datasheet }> {
  const root = resolve(dir);
  const sheet = await readDatasheet(root);
  for (const f of sheet.files) {
    const file = join(root, f.file);
    const { sha256: sha } = await digest(file).catch((err: Error) => {
      throw new DatasetError(`${f.file}: ${err.message}`);
    });
    if (sha !== f.sha256) throw new DatasetError(`${f.file}: its SHA-256 is not the datasheet's (changed or damaged)`);
  }
  const warehouse = createEmbeddedWarehouse({ path, database: 'botsky' });
  try {
    await warehouse.migrate();
    for (const f of sheet.files) {
      const cols = f.columns.map((c) => c.name).join(', ');
      await warehouse.command(
        `INSERT INTO botsky.${f.table} (${cols}) SELECT ${cols} FROM file(${quoteString(join(root, f.file))}, 'Parquet')`,
      );
    }
  } catch (err) {
    await warehouse.close();
    throw err;
  }
  return { warehouse, sheet };
}
