// A connection that goes silent is treated as dropped. A half-open TCP connection (the relay's
// host gone, a NAT or load balancer forgetting the flow) never closes by itself, and ingest would
// wait on it forever; so when nothing has been heard for a while the source is pinged, and when
// neither a message nor a pong (nor a ping of its own) comes within timeoutMs, it is given up.
import type { WebSocket } from 'ws';

export interface SilenceWatchOptions {
  timeoutMs: number;
  /** While ingest itself has paused reading, pongs cannot be read either: that is not silence. */
  paused: () => boolean;
  onSilent: (silentMs: number) => void;
}

/** Starts watching an open socket; returns the function that stops watching. */
export function watchSilence(ws: WebSocket, opts: SilenceWatchOptions): () => void {
  let heard = Date.now();
  const hear = (): void => {
    heard = Date.now();
  };
  ws.on('message', hear);
  ws.on('pong', hear);
  ws.on('ping', hear);
  const every = Math.max(10, Math.floor(opts.timeoutMs / 4));
  const timer = setInterval(() => {
    if (opts.paused()) return hear();
    const silent = Date.now() - heard;
    if (silent >= opts.timeoutMs) {
      clearInterval(timer);
      opts.onSilent(silent);
    } else if (silent >= every) {
      // ping() on a socket that is closing reports through its callback instead of throwing.
      ws.ping(undefined, undefined, () => undefined);
    }
  }, every);
  timer.unref();
  return () => clearInterval(timer);
}
