import { setTimeout as sleep } from 'node:timers/promises';
import { Firehose, type CommitEvt } from '@atproto/sync';
import type { Devnet } from '../src/index.ts';

/** Test helper: every commit op the devnet's firehose delivers, signature-checked against the PLC. */
export interface FirehoseRecorder {
  readonly commits: CommitEvt[];
  readonly errors: Error[];
  /** Resolves once `done(commits)` holds; rejects after `timeoutMs`. */
  waitFor(done: (commits: readonly CommitEvt[]) => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export function recordFirehose(devnet: Devnet): FirehoseRecorder {
  const commits: CommitEvt[] = [];
  const errors: Error[] = [];
  const firehose = new Firehose({
    service: new URL(devnet.firehoseUrl).origin,
    idResolver: devnet.createIdResolver(),
    // From the start of the PDS's sequence, so no write can slip in before the socket opens.
    getCursor: () => 0,
    handleEvent: (evt) => {
      if (evt.event === 'create' || evt.event === 'update' || evt.event === 'delete') commits.push(evt);
    },
    onError: (err) => errors.push(err),
  });
  const running = firehose.start();
  return {
    commits,
    errors,
    async waitFor(done, timeoutMs = 10_000) {
      const deadline = performance.now() + timeoutMs;
      while (!done(commits)) {
        if (performance.now() > deadline) {
          throw new Error(`firehose: condition not met after ${timeoutMs} ms (${commits.length} ops, errors: ${errors.join('; ')})`);
        }
        await sleep(20);
      }
    },
    async stop() {
      await firehose.destroy();
      await running;
    },
  };
}
