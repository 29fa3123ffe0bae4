// What a CLI command is: its flags (node:util parseArgs options), a line of help, and `run`,
// which gets the parsed flags and the process's I/O and returns the exit code.
import type { ParseArgsOptionsConfig } from 'node:util';
import { ConfigError, loadConfig, type ConfigOf, type ConfigSpec, type Env } from '@botsky/kit';

export interface CliIo {
  /** The environment the command reads config from; main passes `process.env`. */
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  out(line: string): void;
  err(line: string): void;
}

export type FlagValues = Record<string, string | boolean | Array<string | boolean> | undefined>;

export interface Command {
  name: string;
  summary: string;
  /** Flags after the command name, e.g. `[--data DIR] [--duration SECONDS]`. */
  usage: string;
  /** Lines explaining each flag, shown by `botsky help <command>`. */
  details: readonly string[];
  options: ParseArgsOptionsConfig;
  /** Takes positional arguments (`help`, `bots`). */
  positionals?: boolean;
  run(flags: FlagValues, positionals: readonly string[], io: CliIo): Promise<number>;
}

/** A mistake in how the CLI was called: one line on stderr, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A service's config spec read from `env`; a bad value is the caller's mistake (UsageError, exit 2). */
export function loadConfigOrUsage<S extends ConfigSpec>(spec: S, env: Env): ConfigOf<S> {
  try {
    return loadConfig(spec, env);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message, { cause: err });
    throw err;
  }
}
