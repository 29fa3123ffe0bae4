// A hostile or broken source can send the same bad frame thousands of times a second: each
// rejection is counted, but logged only the first time its reason is seen and then at most once
// per interval, with how many were not logged in between.
import type { Logger } from '@botsky/kit';
import type { Rejection } from '@botsky/firehose';

export interface RejectLog {
  report(r: Omit<Rejection, 'reason'> & { reason: string }): void;
}

export function createRejectLog(logger: Logger, intervalMs = 60_000, now: () => number = Date.now): RejectLog {
  const last = new Map<string, { at: number; suppressed: number }>();
  return {
    report(r) {
      const seen = last.get(r.reason);
      const t = now();
      if (seen !== undefined && t - seen.at < intervalMs) {
        seen.suppressed++;
        return;
      }
      const suppressed = seen?.suppressed ?? 0;
      last.set(r.reason, { at: t, suppressed: 0 });
      logger.warn({ reason: r.reason, detail: r.detail, seq: r.seq, did: r.did, uri: r.uri, suppressed }, 'input rejected');
    },
  };
}
