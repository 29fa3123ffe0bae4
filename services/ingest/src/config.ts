// ingest's variables: the ones every service reads, then its own (one line each).
import { bool, commonConfigSpec, int, milliseconds, oneOf, projectDidField, url, type ConfigOf } from '@botsky/kit';

/** A ws:// or wss:// URL; ingest sets its `cursor` query parameter itself. */
export const ingestConfigSpec = {
  ...commonConfigSpec,
  source: oneOf('BOTSKY_INGEST_SOURCE', ['firehose', 'jetstream'] as const).default('firehose'),
  sourceUrl: url('BOTSKY_INGEST_URL', { protocols: ['ws', 'wss'] }).default('ws://127.0.0.1:2583/xrpc/com.atproto.sync.subscribeRepos'),
  scope: oneOf('BOTSKY_INGEST_SCOPE', ['network', 'community'] as const).default('network'),
  verify: bool('BOTSKY_INGEST_VERIFY').default(false),
  maxFrameBytes: int('BOTSKY_INGEST_MAX_FRAME_BYTES', { min: 1024, max: 64 * 1024 * 1024 }).default(5 * 1024 * 1024),
  maxInFlight: int('BOTSKY_INGEST_MAX_IN_FLIGHT', { min: 1, max: 100_000 }).default(512),
  idleTimeoutMs: milliseconds('BOTSKY_INGEST_IDLE_TIMEOUT_MS', { min: 100, max: 3_600_000 }).default(30_000),
  readyGraceMs: milliseconds('BOTSKY_INGEST_READY_GRACE_MS', { min: 0, max: 3_600_000 }).default(30_000),
  startCursor: int('BOTSKY_INGEST_CURSOR', { min: 0, max: Number.MAX_SAFE_INTEGER }).optional(),
  plcUrl: url('BOTSKY_PLC_URL', { protocols: ['http', 'https'] }).default('https://plc.directory'),
  projectDid: projectDidField().optional(),
};

export type IngestConfig = ConfigOf<typeof ingestConfigSpec>;
