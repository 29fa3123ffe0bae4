// pino logging: one root per process, one named child per subsystem (`matchmaker`, `matchmaker:bus`).
// Children are made from the root, not from each other, because pino repeats a re-bound key
// (`"name":"a","name":"b"`) instead of replacing it.
import { pino, type DestinationStream, type Level, type Logger } from 'pino';

export type { Logger, Level, DestinationStream };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Keys whose values never reach a log line, at any of the first few levels of nesting. */
const SECRET_KEYS = [
  'password',
  'passwd',
  'token',
  'accessToken',
  'refreshToken',
  'apiKey',
  'api_key',
  'authorization',
  'Authorization',
  'cookie',
  'secret',
  'clientSecret',
  'appPassword',
];

function redactPaths(depth: number): string[] {
  const paths: string[] = [];
  for (let d = 0; d <= depth; d++) {
    const prefix = '*.'.repeat(d);
    for (const key of SECRET_KEYS) paths.push(`${prefix}${key}`);
  }
  return paths;
}

export const REDACT_PATHS: readonly string[] = redactPaths(4);

export interface LoggingOptions {
  level?: LogLevel;
  /** Where lines go; stdout by default. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

export interface Logging {
  readonly root: Logger;
  /** A logger for one subsystem, e.g. `createLogger('scoring:recorder')`. */
  createLogger(name: string): Logger;
}

export function createLogging(opts: LoggingOptions = {}): Logging {
  const root = pino(
    {
      level: opts.level ?? 'info',
      redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    opts.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  return { root, createLogger: (name) => root.child({ name }) };
}

/** A standalone logger with the kit's redaction, for code that runs outside a service. */
export function createLogger(name: string, opts: LoggingOptions = {}): Logger {
  return createLogging(opts).createLogger(name);
}
