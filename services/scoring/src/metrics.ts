// scoring's metrics (Prometheus, on the ops server's /metrics).
import type { Counter, Gauge, Metrics } from '@botsky/kit';
import type { BatchWriterStats } from '@botsky/warehouse';

export interface ScoringMetrics {
  rowsWritten: Counter<'table'>;
  writeErrors: Counter<string>;
  deadLettered: Counter<'consumer'>;
  battlesDecided: Counter<'winner'>;
  lastComputeSeconds: Gauge<string>;
  computeErrors: Counter<string>;
  rating: Gauge<'bot' | 'method'>;
  dropToFlip: Gauge<'unit'>;
  excludedActions: Gauge<'reason'>;
  flaggedPeople: Gauge<string>;
  harmFlagged: Gauge<'bot'>;
  textPurged: Counter<'table'>;
  textPurges: Counter<'kind' | 'result'>;
  textPurgeErrors: Counter<string>;
  streamMessagesDeleted: Counter<'stream' | 'result'>;
}

export function createScoringMetrics(metrics: Metrics): ScoringMetrics {
  return {
    rowsWritten: metrics.counter({
      name: 'botsky_scoring_rows_written_total',
      help: 'Rows the recorder stored, by table',
      labelNames: ['table'],
    }),
    writeErrors: metrics.counter({
      name: 'botsky_scoring_write_errors_total',
      help: 'Rows the warehouse refused or could not store (nak or dead letter)',
    }),
    deadLettered: metrics.counter({
      name: 'botsky_scoring_dead_lettered_total',
      help: 'Messages the recorder dead-lettered (undecodable or unstorable)',
      labelNames: ['consumer'],
    }),
    battlesDecided: metrics.counter({
      name: 'botsky_scoring_battles_decided_total',
      help: 'Battles decided and published, by winner side (a, b, tie)',
      labelNames: ['winner'],
    }),
    lastComputeSeconds: metrics.gauge({ name: 'botsky_scoring_last_compute_seconds', help: 'Time the last leaderboard computation took' }),
    computeErrors: metrics.counter({
      name: 'botsky_scoring_compute_errors_total',
      help: 'Leaderboard computations that failed (retried next interval)',
    }),
    rating: metrics.gauge({
      name: 'botsky_scoring_rating',
      help: 'Latest rating per bot and method (elo, bt, bt_style)',
      labelNames: ['bot', 'method'],
    }),
    dropToFlip: metrics.gauge({
      name: 'botsky_scoring_drop_to_flip',
      help: 'Fewest battles or people (unit) whose removal changes the top rank or a confident pair; absent when none within 20%',
      labelNames: ['unit'],
    }),
    excludedActions: metrics.gauge({
      name: 'botsky_scoring_excluded_actions',
      help: 'Actions left out of every score, by reason (capped, flagged)',
      labelNames: ['reason'],
    }),
    flaggedPeople: metrics.gauge({
      name: 'botsky_scoring_flagged_people',
      help: 'People flagged by the anomaly tests, their actions left out',
    }),
    harmFlagged: metrics.gauge({
      name: 'botsky_scoring_harm_flagged',
      help: "1 when the bot's harm rate's lower bound is above BOTSKY_HARM_THRESHOLD",
      labelNames: ['bot'],
    }),
    textPurged: metrics.counter({
      name: 'botsky_scoring_text_purged_total',
      help: 'Rows whose text was purged (a deleted post, an account gone), by table',
      labelNames: ['table'],
    }),
    textPurges: metrics.counter({
      name: 'botsky_scoring_text_purges_total',
      help: 'Purges asked for by network events, by kind (post, account) and result (purged, nothing_stored, rejected)',
      labelNames: ['kind', 'result'],
    }),
    textPurgeErrors: metrics.counter({
      name: 'botsky_scoring_text_purge_errors_total',
      help: 'Purge passes that failed (retried next pass)',
    }),
    streamMessagesDeleted: metrics.counter({
      name: 'botsky_scoring_stream_messages_deleted_total',
      help: 'Bus messages carrying purged words that the purge deleted, by stream and result (deleted; not_held: aged out or deleted before)',
      labelNames: ['stream', 'result'],
    }),
  };
}

/** Purges handed to this replica's worker and not carried out yet (read at scrape time). */
export function exportPurgeStats(metrics: Metrics, pending: () => number): void {
  metrics.gauge({
    name: 'botsky_scoring_text_purge_pending',
    help: "Purges waiting for the next pass of this replica's purge worker",
    collect() {
      this.set(pending());
    },
  });
}

const WRITER_COUNTERS: ReadonlyArray<[keyof BatchWriterStats, string, string]> = [
  ['storedBatches', 'botsky_scoring_flushes_total', 'Batches the recorder flushed to the warehouse'],
  ['storedRows', 'botsky_scoring_rows_flushed_total', 'Rows the recorder flushed to the warehouse'],
  ['retries', 'botsky_scoring_flush_retries_total', 'Batch inserts retried after a warehouse failure'],
  ['rejectedRows', 'botsky_scoring_rows_rejected_total', 'Rows the warehouse refused for good'],
];

/** The batching writer's own counters, read at scrape time (undefined before the writer starts). */
export function exportWriterStats(metrics: Metrics, stats: () => BatchWriterStats | undefined): void {
  for (const [field, name, help] of WRITER_COUNTERS) {
    metrics.counter({
      name,
      help,
      collect() {
        const s = stats();
        this.reset();
        if (s) this.inc(s[field]);
      },
    });
  }
  metrics.gauge({
    name: 'botsky_scoring_pending_rows',
    help: 'Rows buffered or being inserted, not yet stored',
    collect() {
      this.set(stats()?.pendingRows ?? 0);
    },
  });
}
