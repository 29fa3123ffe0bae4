import { Database, PlcServer } from '@did-plc/server';
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
