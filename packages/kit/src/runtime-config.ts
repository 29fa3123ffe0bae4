// The variables every BotSky process reads for itself, whatever it runs: the ops server, logging
// and the shutdown deadline. The lifecycle loads them; docs/configuration.md lists them.
import { int, milliseconds, oneOf, string, type ConfigOf } from './config.ts';
import { LOG_LEVELS } from './logger.ts';

export const runtimeConfigSpec = {
  opsHost: string('BOTSKY_OPS_HOST').default('0.0.0.0'),
  // 0 lets the OS pick a free port (tests); the port in use is logged with 'ops server listening'.
  opsPort: int('BOTSKY_OPS_PORT', { min: 0, max: 65535 }).default(9464),
  logLevel: oneOf('LOG_LEVEL', LOG_LEVELS).default('info'),
  drainTimeoutMs: milliseconds('BOTSKY_DRAIN_TIMEOUT_MS', { min: 1 }).default(10_000),
};

export type RuntimeConfig = ConfigOf<typeof runtimeConfigSpec>;
