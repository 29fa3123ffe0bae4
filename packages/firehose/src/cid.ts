// CIDs as this package hands them out: the binary CID (a view into the frame, never a copy), its
// text form computed only when asked for, since most CIDs in a frame are compared, never printed.
// Parsing them is @atcute/cbor's and @atcute/car's; the text form is @atcute/multibase's base32.
import { hash } from 'node:crypto';
import { toBase32 } from '@atcute/multibase';

/** RFC 4648 base32, lower case, no padding: the multibase 'b' alphabet of CID strings. */
export const base32: (bytes: Uint8Array) => string = toBase32;

export class CidLink {
  readonly bytes: Uint8Array;
  #text: string | undefined;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  toString(): string {
    this.#text ??= `b${toBase32(this.bytes)}`;
    return this.#text;
  }

  equals(other: CidLink): boolean {
    return sameBytes(this.bytes, other.bytes, 0, other.bytes.length);
  }
}

/** Whether `a` equals `b[start, end)`. */
export function sameBytes(a: Uint8Array, b: Uint8Array, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[start + i]) return false;
  return true;
}

/** Whether `data` hashes to the CID in `cid` (sha-256 only: all that atproto repos use). */
export function cidMatches(cid: Uint8Array, data: Uint8Array): boolean {
  // CIDv1 with one-byte codec varint (0x71 dag-cbor or 0x55 raw): 01 <codec> 12 20 <32 bytes>
  if (cid.length !== 36 || cid[2] !== 0x12 || cid[3] !== 32) return false;
  const digest = hash('sha256', data, 'buffer');
  return sameBytes(digest, cid, 4, 36);
}
