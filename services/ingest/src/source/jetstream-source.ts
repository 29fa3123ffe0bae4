// A Jetstream server (one JSON event per message). Its cursor is time_us; `?cursor=T` replays
// from T, so the event at T may come again: message ids make that a duplicate, not a copy.
import { decodeJetstream } from '@botsky/firehose';
import { withCursor, type Source } from './source.ts';

export function createJetstreamSource(opts: { url: string; maxFrameBytes: number }): Source {
  const limits = { maxFrameBytes: opts.maxFrameBytes };
  return {
    kind: 'jetstream',
    url: opts.url,
    connectUrl: (cursor) => withCursor(opts.url, cursor),
    decode: (data) => decodeJetstream(data, limits),
  };
}
