// com.atproto.sync.subscribeRepos of a relay or a PDS (CBOR frames with CAR blocks). Its cursor
// is the relay's sequence number; `?cursor=N` replays from the event after N.
import { createKeyCache, decodeFrame, decodeFrameVerified, type KeyResolver } from '@botsky/firehose';
import { withCursor, type Source } from './source.ts';

export interface FirehoseSourceOptions {
  url: string;
  maxFrameBytes: number;
  /** Given: every kept commit's signature and MST proof is checked against the account's key. */
  resolveKey?: KeyResolver;
}

export function createFirehoseSource(opts: FirehoseSourceOptions): Source {
  const limits = { maxFrameBytes: opts.maxFrameBytes };
  const keys = opts.resolveKey ? createKeyCache(opts.resolveKey) : undefined;
  return {
    kind: 'firehose',
    url: opts.url,
    connectUrl: (cursor) => withCursor(opts.url, cursor),
    decode: keys ? (data) => decodeFrameVerified(data, { ...limits, keys }) : (data) => decodeFrame(data, limits),
  };
}
