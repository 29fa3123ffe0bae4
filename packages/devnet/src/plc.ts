import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { Database, PlcServer } from '@did-plc/server';
import { DevnetStartError } from './errors.ts';
import { listenLocal, LOOPBACK, type Listenable } from './local-server.ts';

export interface RunningPlc {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * The reference PLC directory with its in-memory database: DIDs live exactly as long as the
 * network, which is what a devnet wants (a kept PDS data dir cannot be reused with a new PLC).
 */
export async function startPlc(port = 0): Promise<RunningPlc> {
  const db = Database.mock();
  const plc = PlcServer.create({ db, port });
  // PlcServer.start() would bind every interface; we bind loopback with the same app.
  const server = await listenLocal(plc.app as unknown as Listenable, port);
  return {
    url: `http://${LOOPBACK}:${server.port}`,
    port: server.port,
    async stop() {
      await server.close();
      await db.close();
    },
  };
}

/** The same directory on a worker thread, so its signature checks do not hold up the PDS. */
export async function startPlcThread(port = 0): Promise<RunningPlc> {
  const worker = new Worker(new URL('./plc-worker.ts', import.meta.url), { workerData: { port } });
  // once() rejects when the worker emits 'error' (it failed to load).
  const [msg] = (await once(worker, 'message').catch((err: unknown) => [{ error: String(err) }])) as [{ port?: number; error?: string }];
  if (msg.port === undefined) {
    await worker.terminate();
    throw new DevnetStartError(`PLC thread failed to start: ${msg.error ?? 'no port'}`);
  }
  return {
    url: `http://${LOOPBACK}:${msg.port}`,
    port: msg.port,
    async stop() {
      worker.postMessage('stop');
      await Promise.race([once(worker, 'message'), once(worker, 'exit')]);
      await worker.terminate();
    },
  };
}
