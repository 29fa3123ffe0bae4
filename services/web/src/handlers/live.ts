// GET /api/live: the live view's server-sent events. The recent events first, then each new one
// as it happens; `: keep-alive` comments in between. Past BOTSKY_WEB_MAX_VIEWERS: 503 (EventSource stops).
import type { FastifyInstance } from 'fastify';
import type { LiveHub, ViewerSink } from '../live/hub.ts';

export function addLive(app: FastifyInstance, hub: LiveHub): void {
  app.get('/api/live', (req, reply) => {
    // Over the limit: 503, on which a browser's EventSource stops instead of reconnecting.
    if (!hub.admits())
      return reply.code(503).header('retry-after', '30').send({ error: 'full', message: 'too many live viewers here; try again later' });
    const res = reply.raw;
    const sink: ViewerSink = {
      write: (frame) => void res.write(frame),
      get pending() {
        return res.writableLength;
      },
      close: () => res.end(),
      abort: () => res.destroy(),
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
      res.end();
      return;
    }
    req.raw.once('close', () => hub.detach(sink));
  });
}
