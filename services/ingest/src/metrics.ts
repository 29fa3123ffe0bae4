// ingest's Prometheus series, made once per context on the kit's registry.
import type { Counter, Gauge, Metrics } from '@botsky/kit';

export interface IngestMetrics {
  /** Events published (acked by the bus), by payload kind. */
  events: Counter<'kind'>;
  /** Seconds between the source emitting the newest fully published event and now. */
  lag: Gauge;
  /** Frames and records rejected by the decoder, by reason. */
  decodeErrors: Counter<'reason'>;
  reconnects: Counter;
  /** Connections dropped because the source was silent (no message, no pong) too long. */
  idleTimeouts: Counter;
  /** 1 while the source's socket is open. */
  connected: Gauge;
  /** The source position up to which every event is published. */
  cursor: Gauge;
  /** When the cursor was last saved to KV (Unix seconds); time() minus it is the cursor's age. */
  cursorSaved: Gauge;
  /** Publishes that failed and were tried again (the bus was slow or down). */
  publishRetries: Counter;
  /** Events decoded but outside the configured scope. */
  outOfScope: Counter;
}

export function createIngestMetrics(m: Metrics): IngestMetrics {
  return {
    events: m.counter({ name: 'botsky_ingest_events_total', help: 'Network events published, by kind', labelNames: ['kind'] }),
    lag: m.gauge({ name: 'botsky_ingest_lag_seconds', help: 'Age of the newest network event whose frame is fully published' }),
    decodeErrors: m.counter({
      name: 'botsky_ingest_decode_errors_total',
      help: 'Frames or records rejected, by reason',
      labelNames: ['reason'],
    }),
    reconnects: m.counter({ name: 'botsky_ingest_reconnects_total', help: 'Reconnections to the source after it dropped' }),
    idleTimeouts: m.counter({
      name: 'botsky_ingest_idle_timeouts_total',
      help: 'Source connections dropped for being silent past BOTSKY_INGEST_IDLE_TIMEOUT_MS',
    }),
    connected: m.gauge({ name: 'botsky_ingest_source_connected', help: '1 while the connection to the source is open, else 0' }),
    cursor: m.gauge({ name: 'botsky_ingest_cursor', help: 'Source position up to which every event is published' }),
    cursorSaved: m.gauge({ name: 'botsky_ingest_cursor_saved_timestamp_seconds', help: 'Unix time the cursor was last saved to NATS KV' }),
    publishRetries: m.counter({ name: 'botsky_ingest_publish_retries_total', help: 'Publishes retried because the bus failed' }),
    outOfScope: m.counter({ name: 'botsky_ingest_out_of_scope_total', help: 'Events decoded but outside BOTSKY_INGEST_SCOPE' }),
  };
}
