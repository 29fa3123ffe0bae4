import type { Server } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';

/** Every devnet service binds the loopback address only: it has no auth worth exposing. */
export const LOOPBACK = '127.0.0.1';

/** What PDS and PLC both are underneath: an express app whose `listen` we call ourselves. */
export interface Listenable {
  listen(port: number, host: string): Server;
}

export interface LocalServer {
  readonly port: number;
  /** Stops accepting, lets in-flight requests finish for `graceMs`, then cuts what is left. */
  close(graceMs?: number): Promise<void>;
}

/** A port that was free a moment ago; the caller retries if someone takes it first. */
export async function findFreePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, LOOPBACK, resolve);
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * Listens through the app's own `listen`, because @atproto/xrpc-server patches it to attach the
 * WebSocket upgrade handler (the firehose); wrapping the app in our own http.Server would lose that.
 */
export async function listenLocal(app: Listenable, port: number): Promise<LocalServer> {
  const server = app.listen(port, LOOPBACK);
  const sockets = new Set<Socket>();
  const upgraded = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      upgraded.delete(socket);
    });
  });
  server.on('upgrade', (_req, socket: Socket) => upgraded.add(socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return { port: bound, close: (graceMs = 500) => closeServer(server, sockets, upgraded, graceMs) };
}

async function closeServer(server: Server, sockets: Set<Socket>, upgraded: Set<Socket>, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  server.closeIdleConnections();
  // Firehose subscribers never hang up on their own; waiting for them would only delay stop().
  for (const socket of upgraded) socket.destroy();
  const timer = setTimeout(() => {
    for (const socket of sockets) socket.destroy();
  }, graceMs);
  try {
    await closed;
  } finally {
    clearTimeout(timer);
  }
}

/** True when a listen failed only because the port was taken between probe and bind. */
export function isAddressInUse(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'EADDRINUSE';
}
