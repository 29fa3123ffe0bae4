// A Jetstream server (one JSON event per message). Its cursor is time_us; `?cursor=T` replays
// from T, so the event at T may come again: message ids make that a duplicate, not a copy.
// Jetstream can filter by collection: ingest asks for the ones it decodes (identity and account
// events come whatever is asked), so the rest of the network never crosses the wire. A URL that
// names its own wantedCollections is left as it is.
import { COLLECTIONS, decodeJetstream } from '@botsky/firehose';
import { withCursor, type Source } from './source.ts';

export function createJetstreamSource(opts: { url: string; maxFrameBytes: number }): Source {
  const limits = { maxFrameBytes: opts.maxFrameBytes };
  const wanted = withWantedCollections(opts.url);
  return {
    kind: 'jetstream',
    url: opts.url,
    connectUrl: (cursor) => withCursor(wanted, cursor),
    decode: (data) => decodeJetstream(data, limits),
  };
}

export function withWantedCollections(url: string): string {
  const u = new URL(url);
  if (u.searchParams.has('wantedCollections')) return url;
  for (const c of [...COLLECTIONS].sort()) u.searchParams.append('wantedCollections', c);
  return u.toString();
}
