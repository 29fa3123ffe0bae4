// A Jetstream server on 127.0.0.1 for `botsky up` to read: the Jetstream JSON protocol over a
// WebSocket at /subscribe, every event sent to each connection after its ?cursor= (time_us).
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

export interface JetstreamServer {
  url: string;
  /** The cursor parameter of each connection, in order ('' when none was given). */
  readonly cursors: string[];
  close(): Promise<void>;
}

const DID = 'did:plc:botskyuptestaccount00';
const CID = 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm';
const T0 = 1_760_000_000_000_000;

/** A Jetstream commit event: a new post by one account. */
export function postEvent(i: number, text: string): { timeUs: number; json: string } {
  const timeUs = T0 + i;
  const record = { $type: 'app.bsky.feed.post', text, langs: ['en'], createdAt: '2025-10-09T08:00:00.000Z' };
  const commit = {
    rev: '3l3qo2vutsw2b',
    operation: 'create',
    collection: 'app.bsky.feed.post',
    rkey: `3l3qo2vuowo2${'bcdefghijk'[i % 10]}`,
    record,
    cid: CID,
  };
  return { timeUs, json: JSON.stringify({ did: DID, time_us: timeUs, kind: 'commit', commit }) };
}

export async function startJetstreamServer(events: ReadonlyArray<{ timeUs: number; json: string }>): Promise<JetstreamServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/subscribe' });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const cursors: string[] = [];
  wss.on('connection', (ws, req) => {
    const cursor = new URL(req.url ?? '/', 'ws://x').searchParams.get('cursor') ?? '';
    cursors.push(cursor);
    for (const e of events) if (cursor === '' || e.timeUs > Number(cursor)) ws.send(e.json);
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/subscribe`,
    cursors,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}
