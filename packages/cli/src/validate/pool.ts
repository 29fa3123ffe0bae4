// A few worker threads, each taking the next job when it finishes one; results come back in the
// order the jobs were given. A job that throws fails the whole run with its stack.
import { Worker } from 'node:worker_threads';
import type { WorkReply, WorkRequest } from './worker.ts';

export class ValidationError extends Error {
  override name = 'ValidationError';
}

export async function runPool(
  requests: readonly Omit<WorkRequest, 'id'>[],
  workers: number,
  onDone: (done: number) => void,
): Promise<unknown[]> {
  const results = new Array<unknown>(requests.length);
  let next = 0;
  let done = 0;
  const threads = Array.from({ length: Math.min(workers, requests.length) }, () => new Worker(new URL('./worker.ts', import.meta.url)));
  try {
    await Promise.all(
      threads.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              if (next >= requests.length) return resolve();
              const id = next++;
              w.postMessage({ ...(requests[id] as Omit<WorkRequest, 'id'>), id } satisfies WorkRequest);
            };
            w.on('message', (reply: WorkReply) => {
              if ('error' in reply) return reject(new ValidationError(`validation job ${reply.id} failed: ${reply.error}`));
              results[reply.id] = reply.result;
              onDone(++done);
              feed();
            });
            w.on('error', reject);
            w.on('exit', (code) => (code === 0 ? resolve() : reject(new ValidationError(`a validation worker exited with code ${code}`))));
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(threads.map((w) => w.terminate()));
  }
  return results;
}
