// The variables every BotSky service reads on top of its own: where the bus is, the namespace
// that keeps deployments (and tests) sharing one NATS apart, and the streams' limits.
// docs/configuration.md lists them.
import { parseBusUrl } from '@botsky/bus';
import { DID_PATTERN } from '@botsky/contracts';
import { custom, string, type ConfigOf } from './config.ts';
import { streamLimitsConfigSpec } from './stream-config.ts';

export const DEFAULT_BUS_URL = 'nats://127.0.0.1:4222';

export type BusSetting = ReturnType<typeof parseBusUrl>;

/** `memory` or `nats://host:port[,host:port...]`, parsed by the bus package itself. */
export function busField(env = 'BOTSKY_BUS') {
  return custom(env, "'memory' or nats://host:port[,host:port...]", parseBusUrl);
}

/** A DID-valued variable (checked against @botsky/contracts' DID_PATTERN). */
export function didField(env: string) {
  return string(env, { pattern: DID_PATTERN, expected: 'a DID (did:plc:... or did:web:...)' });
}

/** BOTSKY_PROJECT_DID: the project account people follow to opt in (ingest, matchmaker, scoring). */
export function projectDidField() {
  return didField('BOTSKY_PROJECT_DID');
}

export const commonConfigSpec = {
  bus: busField().default(parseBusUrl(DEFAULT_BUS_URL)),
  namespace: string('BOTSKY_NAMESPACE', {
    pattern: /^[A-Za-z0-9_-]{1,40}$/,
    expected: '1-40 characters of A-Z, a-z, 0-9, _ or -',
  }).optional(),
  ...streamLimitsConfigSpec,
};

export type CommonConfig = ConfigOf<typeof commonConfigSpec>;
