// The JetStream streams' limits, read by every service: each one creates (or updates) every
// stream at start-up, so they must all be given the same values, or the last to start wins.
// Two variables per stream, named after its key in STREAMS (@botsky/contracts): BOTSKY_STREAM_NETWORK_MAX_AGE,
// BOTSKY_STREAM_NETWORK_MAX_BYTES, ..., BOTSKY_STREAM_DEAD_LETTER_MAX_BYTES.
import {
  DEFAULT_STREAM_LIMITS,
  MAX_STREAM_AGE_MS,
  TOPOLOGY,
  withStreamLimits,
  type StreamKey,
  type StreamLimits,
  type Topology,
} from '@botsky/bus';
import { bytes, duration, type ConfigOf, type Field } from './config.ts';

const HOUR = 3_600_000;
/** Every stream's duplicate window (an hour at most) must fit in its max age. */
export const MIN_STREAM_AGE_MS = HOUR;
export const MIN_STREAM_BYTES = 2 ** 20;
export const MAX_STREAM_BYTES = 2 ** 40;

const KEYS = Object.keys(DEFAULT_STREAM_LIMITS) as StreamKey[];

/** `deadLetter` → `BOTSKY_STREAM_DEAD_LETTER`. */
export function streamVariablePrefix(key: StreamKey): string {
  return `BOTSKY_STREAM_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

type LimitKey = `${StreamKey}MaxAgeMs` | `${StreamKey}MaxBytes`;

function fields(key: StreamKey): [LimitKey, Field<number>][] {
  const prefix = streamVariablePrefix(key);
  const defaults = DEFAULT_STREAM_LIMITS[key];
  return [
    [`${key}MaxAgeMs`, duration(`${prefix}_MAX_AGE`, { min: MIN_STREAM_AGE_MS, max: MAX_STREAM_AGE_MS[key] }).default(defaults.maxAgeMs)],
    [`${key}MaxBytes`, bytes(`${prefix}_MAX_BYTES`, { min: MIN_STREAM_BYTES, max: MAX_STREAM_BYTES }).default(defaults.maxBytes)],
  ];
}

export const streamLimitsConfigSpec = Object.fromEntries(KEYS.flatMap(fields)) as Record<LimitKey, Field<number>>;

export type StreamLimitsConfig = ConfigOf<typeof streamLimitsConfigSpec>;

export function streamLimitsOf(config: StreamLimitsConfig): Record<StreamKey, StreamLimits> {
  const entries = KEYS.map((k) => [k, { maxAgeMs: config[`${k}MaxAgeMs`], maxBytes: config[`${k}MaxBytes`] }] as const);
  return Object.fromEntries(entries) as Record<StreamKey, StreamLimits>;
}

/** The shared topology with the configured stream limits: what every service's bus creates. */
export function busTopology(config: StreamLimitsConfig, base: Topology = TOPOLOGY): Topology {
  return withStreamLimits(base, streamLimitsOf(config));
}
