// `botsky demo`'s flags, checked up front (a bad value is a usage error, exit 2), and its data
// folder, which the demo owns: a folder it made before is reused, anything else is left alone.
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseBusUrl } from '@botsky/bus';
import { UsageError, type FlagValues } from '../command.ts';
import { parseExternalBots, type ExternalBotSpec } from './external-bots.ts';

export interface DemoOptions {
  durationMs: number;
  users: number;
  bots: number;
  seed: number;
  reportPath: string;
  dataDir: string;
  busUrl: string;
  /** Builders' own bots (`--bot`), beside the offline ones. */
  external: ExternalBotSpec[];
}

const MARKER = '.botsky-demo';

export function readDemoFlags(flags: FlagValues, cwd: string, env: Readonly<Record<string, string | undefined>> = {}): DemoOptions {
  const busUrl = typeof flags.bus === 'string' ? flags.bus : 'memory';
  try {
    parseBusUrl(busUrl);
  } catch (err) {
    throw new UsageError(`--bus must be 'memory' or nats://host:port[,host:port...] (got "${busUrl}")`, { cause: err });
  }
  const dataDir = resolve(cwd, typeof flags.data === 'string' ? flags.data : join('.data', 'demo'));
  const duration = numberFlag(flags, 'duration', 90, { min: 1, max: 86_400, integer: false });
  return {
    durationMs: Math.round(duration * 1000),
    users: numberFlag(flags, 'users', 30, { min: 2, max: 10_000, integer: true }),
    bots: numberFlag(flags, 'bots', 5, { min: 2, max: 50, integer: true }),
    seed: numberFlag(flags, 'seed', 1, { min: 0, max: 2 ** 31 - 1, integer: true }),
    reportPath: typeof flags.report === 'string' ? resolve(cwd, flags.report) : join(dataDir, 'report.json'),
    dataDir,
    busUrl,
    external: parseExternalBots(flags.bot, env),
  };
}

export function numberFlag(flags: FlagValues, name: string, fallback: number, o: { min: number; max: number; integer: boolean }): number {
  const raw = flags[name];
  if (typeof raw !== 'string') return fallback;
  const n = Number(raw);
  const ok = raw.trim() !== '' && Number.isFinite(n) && n >= o.min && n <= o.max && (!o.integer || Number.isInteger(n));
  if (!ok) throw new UsageError(`--${name} must be ${o.integer ? 'an integer' : 'a number'} from ${o.min} to ${o.max} (got "${raw}")`);
  return n;
}

/**
 * Each run starts from an empty warehouse, so the report counts this run only. The ClickHouse
 * folder of an earlier demo (marked) is replaced; a folder the demo did not make is refused.
 */
export async function prepareDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const clickhouse = join(dataDir, 'clickhouse');
  const entries = await readdir(clickhouse).catch(() => [] as string[]);
  if (entries.length > 0) {
    const marked = await stat(join(dataDir, MARKER)).then(
      () => true,
      () => false,
    );
    if (!marked) throw new UsageError(`${clickhouse} holds data the demo did not write; choose another --data`);
    await rm(clickhouse, { recursive: true, force: true });
  }
  await writeFile(join(dataDir, MARKER), 'written by botsky demo: its ClickHouse folder is replaced on the next run\n');
}
