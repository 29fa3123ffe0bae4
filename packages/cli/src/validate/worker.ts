// A validation worker thread: runs the season and reference jobs it is sent, one at a time.
import { parentPort } from 'node:worker_threads';
import { runReference, runSeason, type SeasonJob } from './season-job.ts';

export interface WorkRequest {
  id: number;
  kind: 'season' | 'reference';
  job: SeasonJob;
}

export type WorkReply = { id: number; result: unknown } | { id: number; error: string };

parentPort?.on('message', (req: WorkRequest) => {
  try {
    const result = req.kind === 'season' ? runSeason(req.job) : runReference(req.job);
    parentPort?.postMessage({ id: req.id, result } satisfies WorkReply);
  } catch (err) {
    parentPort?.postMessage({ id: req.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies WorkReply);
  }
});
