// Watches the PDS firehose for new posts, the realistic way to learn about bot replies and
// mentions: one socket for the whole population instead of polling thousands of repos. Frames are
// decoded with @botsky/firehose (the local PDS is trusted, so no signature checks); on a dropped
// socket it reconnects from the last sequence number it saw, so nothing is lost.
import { decodeFrame, type PostEvent } from '@botsky/firehose';
import WebSocket from 'ws';
import { SimulationError } from './errors.ts';

export interface FirehoseWatchStats {
  frames: number;
  rejected: number;
  reconnects: number;
}

export interface FirehoseWatch {
  readonly stats: FirehoseWatchStats;
  /** The last sequence number seen (null before the first commit). */
  readonly cursor: number | null;
  close(): Promise<void>;
}

export interface FirehoseWatchOptions {
  pdsUrl: string;
  onPost: (post: PostEvent) => void;
  onError: (err: SimulationError) => void;
  reconnectDelayMs?: number;
}

export function firehoseUrlOf(pdsUrl: string): string {
  const url = new URL('/xrpc/com.atproto.sync.subscribeRepos', pdsUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** Opens the socket and resolves once it is open, so writes made after this are seen. */
export async function watchFirehose(o: FirehoseWatchOptions): Promise<FirehoseWatch> {
  const stats: FirehoseWatchStats = { frames: 0, rejected: 0, reconnects: 0 };
  let cursor: number | null = null;
  let closed = false;
  let socket: WebSocket;

  const onMessage = (data: WebSocket.RawData): void => {
    stats.frames++;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    const r = decodeFrame(bytes);
    if (!r.ok) {
      stats.rejected++;
      o.onError(new SimulationError(`firehose frame rejected: ${r.reason} ${r.detail}`));
      return;
    }
    if (r.seq !== null) cursor = r.seq;
    stats.rejected += r.rejected.length;
    for (const ev of r.events) if (ev.kind === 'post' && ev.action === 'create') o.onPost(ev);
  };

  const open = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const url = firehoseUrlOf(o.pdsUrl) + (cursor === null ? '' : `?cursor=${cursor}`);
      socket = new WebSocket(url);
      let opened = false;
      socket.on('message', onMessage);
      socket.once('open', () => {
        opened = true;
        resolve();
      });
      socket.on('error', (err) => {
        const e = new SimulationError(`firehose ${url} failed`, { cause: err });
        if (opened) o.onError(e);
        else reject(e);
      });
      socket.once('close', () => {
        if (closed) return;
        stats.reconnects++;
        setTimeout(() => void reopen(), o.reconnectDelayMs ?? 250).unref();
      });
    });

  const reopen = async (): Promise<void> => {
    if (closed) return;
    try {
      await open();
    } catch (err) {
      o.onError(err as SimulationError);
    }
  };

  await open();
  return {
    stats,
    get cursor() {
      return cursor;
    },
    async close() {
      closed = true;
      if (socket.readyState === WebSocket.CLOSED) return;
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.close();
      });
    },
  };
}
