// What every recorder consumer does with a message: decode it into rows, store them through the
// batching writer, and only then let the bus ack. Undecodable payloads and rows the warehouse can
// never store are dead-lettered with the reason, and counted; anything else is retried (nak).
import { PoisonMessageError, type Bus, type BusMessage, type Disposition, type Subscription } from '@botsky/bus';
import type { Logger } from '@botsky/kit';
import { WarehouseError, WarehouseWriteError, type BatchWriter } from '@botsky/warehouse';
import type { ScoringMetrics } from '../metrics.ts';
import type { TextPurger } from '../purge/purger.ts';
import type { ReplyIndex } from './reply-index.ts';
import type { TableRow } from './rows.ts';

export interface RecorderDeps {
  bus: Bus;
  writer: BatchWriter;
  index: ReplyIndex;
  /** bot id → model, from outcomes, for rating snapshot rows */
  models: Map<string, string>;
  metrics: ScoringMetrics;
  logger: Logger;
  maxInFlight: number;
  /** Takes the purges that stored network events ask for (deleted posts, accounts gone). */
  purger: TextPurger;
}

/** Turns one message into rows; throws PoisonMessageError (decodeMessage) for a payload that will never decode. */
export type RowMapper = (msg: BusMessage) => TableRow[];

export function recordConsumer(deps: RecorderDeps, consumer: string, toRows: RowMapper): Promise<Subscription> {
  return deps.bus.consume(consumer, (msg) => recordMessage(deps, consumer, toRows, msg), { maxInFlight: deps.maxInFlight });
}

export async function recordMessage(
  deps: Pick<RecorderDeps, 'writer' | 'metrics' | 'logger'>,
  consumer: string,
  toRows: RowMapper,
  msg: BusMessage,
): Promise<Disposition | void> {
  let rows: TableRow[];
  try {
    rows = toRows(msg);
  } catch (err) {
    if (!(err instanceof PoisonMessageError)) throw err;
    deps.metrics.deadLettered.inc({ consumer });
    return { kind: 'term', reason: err.message };
  }
  try {
    await Promise.all(
      rows.map(async ({ table, row }) => {
        await deps.writer.write(table, row);
        deps.metrics.rowsWritten.inc({ table });
      }),
    );
  } catch (err) {
    deps.metrics.writeErrors.inc();
    if (err instanceof WarehouseWriteError && err.cause instanceof WarehouseError && err.cause.kind === 'data') {
      deps.metrics.deadLettered.inc({ consumer });
      return { kind: 'term', reason: `${err.message}` };
    }
    deps.logger.warn({ err, subject: msg.subject, seq: msg.seq }, 'row not stored; will retry');
    throw err;
  }
}
