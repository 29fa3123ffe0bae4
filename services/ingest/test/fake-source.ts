// A subscribeRepos (or Jetstream) server on 127.0.0.1 that serves a list of messages by position:
// a client connecting with ?cursor=N gets every message after N, then whatever is added later.
// It can also go silent (as a half-open connection does) and refuse connections (as a relay
// that is down does).
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeSource {
  url: string;
  /** The cursor parameter of each connection, in order ('' when none was given). */
  cursors: string[];
  /** Appends messages at positions (seq); sends them to connected clients. */
  add(...messages: Array<[number, Uint8Array | string]>): void;
  /** Closes every client connection, as a relay restarting would. */
  dropClients(): void;
  /** The open connections stop sending and stop answering pings; they stay open. */
  silence(): void;
  /** While true, new connections are refused (HTTP 503). */
  refuse(on: boolean): void;
  /** Pings answered so far. */
  readonly pongs: number;
  close(): Promise<void>;
}

export async function startFakeSource(path = '/xrpc/com.atproto.sync.subscribeRepos'): Promise<FakeSource> {
  let refusing = false;
  let pongs = 0;
  const verifyClient = (_info: unknown, done: (ok: boolean, code?: number) => void): void => done(!refusing, 503);
  // Pongs are sent by hand, so that a silenced connection can stop sending them.
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path, autoPong: false, verifyClient });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const messages: Array<[number, Uint8Array | string]> = [];
  const cursors: string[] = [];
  const clients = new Set<WebSocket>();
  const silent: WebSocket[] = [];
  wss.on('connection', (ws, req) => {
    const cursor = new URL(req.url ?? '/', 'ws://x').searchParams.get('cursor') ?? '';
    cursors.push(cursor);
    clients.add(ws);
    ws.on('ping', (data) => {
      if (!clients.has(ws)) return;
      pongs++;
      ws.pong(data);
    });
    ws.on('close', () => clients.delete(ws));
    for (const [seq, data] of messages) if (cursor === '' || seq > Number(cursor)) ws.send(data);
  });
  const port = (wss.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}${path}`,
    cursors,
    add(...more) {
      messages.push(...more);
      for (const ws of clients) for (const [, data] of more) ws.send(data);
    },
    dropClients() {
      for (const ws of clients) ws.terminate();
    },
    silence() {
      silent.push(...clients);
      clients.clear();
    },
    refuse(on) {
      refusing = on;
    },
    get pongs() {
      return pongs;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of [...clients, ...silent]) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}
