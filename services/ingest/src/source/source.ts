// The one interface both network sources share: where to connect for a cursor, and how to turn
// one WebSocket message into normalised events. The reading, reconnecting and publishing around
// it are the same for both.
import type { DecodeResult } from '@botsky/firehose';
import type { SourceKind } from '../pipeline/to-proto.ts';

export interface Source {
  readonly kind: SourceKind;
  /** The base URL; the saved cursor records it, and is used only with the same URL. */
  readonly url: string;
  /** The URL to connect to, resuming after `cursor` when there is one. */
  connectUrl(cursor: number | undefined): string;
  /** Never throws: bad input comes back as a rejection. */
  decode(data: Uint8Array): DecodeResult | Promise<DecodeResult>;
}

export function withCursor(url: string, cursor: number | undefined): string {
  if (cursor === undefined) return url;
  const u = new URL(url);
  u.searchParams.set('cursor', String(cursor));
  return u.toString();
}
