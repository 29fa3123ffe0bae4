// `botsky load`'s flags, checked up front (a bad value is a usage error, exit 2).
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { parseBusUrl } from '@botsky/bus';
import { UsageError, type FlagValues } from '../command.ts';

export interface LoadOptions {
  users: number;
  /** Simulated minutes of activity after set-up. */
  minutes: number;
  /** Simulated minutes per tick: each person's writes of a tick go in one applyWrites. */
  tickMinutes: number;
  seed: number;
  /** The PDS keeps its data in a new folder under this one, removed at the end. */
  dataRoot: string;
  busUrl: string;
  jsonPath: string | undefined;
  /** Accounts created at once. */
  setupConcurrency: number;
  /** Between progress lines. */
  progressMs: number;
}

export function readLoadFlags(flags: FlagValues, cwd: string): LoadOptions {
  const busUrl = typeof flags.bus === 'string' ? flags.bus : 'memory';
  try {
    parseBusUrl(busUrl);
  } catch (err) {
    throw new UsageError(`--bus must be 'memory' or nats://host:port[,host:port...] (got "${busUrl}")`, { cause: err });
  }
  // tmpfs when there is one: the PDS fsyncs a SQLite file per account.
  const defaultRoot = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  return {
    users: intFlag(flags, 'users', 1000, 2, 100_000),
    minutes: intFlag(flags, 'minutes', 60, 1, 7 * 24 * 60),
    tickMinutes: intFlag(flags, 'tick', 5, 1, 240),
    seed: intFlag(flags, 'seed', 1, 0, 2 ** 31 - 1),
    dataRoot: typeof flags.data === 'string' ? resolve(cwd, flags.data) : defaultRoot,
    busUrl,
    jsonPath: typeof flags.json === 'string' ? resolve(cwd, flags.json) : undefined,
    setupConcurrency: intFlag(flags, 'concurrency', 8, 1, 256),
    progressMs: intFlag(flags, 'progress', 10, 1, 3600) * 1000,
  };
}

function intFlag(flags: FlagValues, name: string, fallback: number, min: number, max: number): number {
  const raw = flags[name];
  if (typeof raw !== 'string') return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return n;
}
