// GET /api/live: the live view's server-sent events. The recent events first, then each new one
// as it happens; `: keep-alive` comments in between. A viewer over the limit gets 503.
import type { FastifyInstance } from 'fastify';
import type { LiveHub, ViewerSink } from '../live/hub.ts';

export function addLive(app: FastifyInstance, hub: LiveHub): void {
  app.get('/api/live', (req, reply) => {
    const res = reply.raw;
    const sink: ViewerSink = {
      write: (frame) => void res.write(frame),
      get pending() {
        return res.writableLength;
      },
      close: () => res.end(),
    };
    reply.hijack();
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // Reconnect after 2 s when the stream drops (the browser's EventSource does it by itself).
    res.write('retry: 2000\n\n');
    if (!hub.attach(sink)) {
      res.end('event: full\ndata: {}\n\n');
      return;
    }
    req.raw.once('close', () => hub.detach(sink));
  });
}
