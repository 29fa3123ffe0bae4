// One source message in, one queued frame out: decode (never throws), count and log what was
// rejected, keep what is in scope, and encode each kept event for the bus.
import { NetworkEventSchema, encode } from '@botsky/contracts';
import type { Decoded, DecodeResult, Rejection } from '@botsky/firehose';
import type { Logger } from '@botsky/kit';
import type { IngestMetrics } from '../metrics.ts';
import type { Source } from '../source/source.ts';
import type { QueuedEvent, QueuedFrame } from './publish-queue.ts';
import type { RejectLog } from './reject-log.ts';
import type { Scope } from './scope.ts';
import { toProto } from './to-proto.ts';

export interface FrameHandlerDeps {
  source: Source;
  scope: Scope;
  metrics: IngestMetrics;
  rejects: RejectLog;
  logger: Logger;
}

export type FrameHandler = (data: Uint8Array) => Promise<QueuedFrame>;

export function createFrameHandler(deps: FrameHandlerDeps): FrameHandler {
  return async (data) => {
    const r: DecodeResult = await deps.source.decode(data);
    if (!r.ok) {
      reject(deps, r);
      // A frame rejected whole still has its place in the stream: the cursor may move past it.
      return { seq: r.seq, timeUs: null, events: [] };
    }
    for (const x of r.rejected) reject(deps, x);
    if (r.notice) deps.logger.info({ notice: r.notice }, 'source notice');
    return { seq: r.seq, timeUs: timeOf(r), events: keptEvents(deps, r) };
  };
}

/** The decoder's reasons, and `unmappable`: an event the contract cannot carry. */
type Reason = Rejection['reason'] | 'unmappable';

function reject(deps: FrameHandlerDeps, r: Omit<Rejection, 'reason'> & { reason: Reason }): void {
  deps.metrics.decodeErrors.inc({ reason: r.reason });
  deps.rejects.report(r);
}

function keptEvents(deps: FrameHandlerDeps, r: Decoded): QueuedEvent[] {
  const out: QueuedEvent[] = [];
  for (const e of r.events) {
    if (!deps.scope.keeps(e)) {
      deps.metrics.outOfScope.inc();
      continue;
    }
    try {
      const { subject, msgId, event } = toProto(e, deps.source.kind);
      out.push({ subject, msgId, data: encode(NetworkEventSchema, event), kind: e.kind });
    } catch (err) {
      // The decoder checked the record, so this is a gap between it and the contract: skip the
      // one event, say why, and keep the stream going.
      const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      reject(deps, { reason: 'unmappable', detail, seq: e.seq, did: e.did, uri: 'uri' in e ? e.uri : null });
    }
  }
  return out;
}

function timeOf(r: Decoded): number | null {
  return r.events.length > 0 ? (r.events[0] as Decoded['events'][number]).timeUs : null;
}
