// The PLC directory on a worker thread (`startDevnet({ plcThread: true })`): checking each new
// DID's signed operation is pure-JS secp256k1, about a sixth of an account's cost on the PDS's
// event loop; on a thread of its own it runs beside the PDS. Messages: in `{ port }`, out
// `{ port }` once listening (or `{ error }`); in 'stop', out 'stopped'.
import { parentPort, workerData } from 'node:worker_threads';
import { Database, PlcServer } from '@did-plc/server';
import { listenLocal, type Listenable } from './local-server.ts';

const port = parentPort;
if (!port) throw new Error('plc-worker.ts runs as a worker thread');

try {
  const db = Database.mock();
  const plc = PlcServer.create({ db, port: (workerData as { port: number }).port });
  const server = await listenLocal(plc.app as unknown as Listenable, (workerData as { port: number }).port);
  port.on('message', (msg: unknown) => {
    if (msg !== 'stop') return;
    void server.close().then(() => db.close()).finally(() => {
      port.postMessage('stopped');
      port.close();
    });
  });
  port.postMessage({ port: server.port });
} catch (err) {
  port.postMessage({ error: err instanceof Error ? err.stack ?? err.message : String(err) });
}
