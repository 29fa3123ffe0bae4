import { hash } from 'node:crypto';
import { garbled } from './errors.ts';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const SHA256 = 0x12;

/**
 * A CID as raw bytes (a view into the frame, never a copy). Its string form is computed only when
 * asked for, since most CIDs in a frame are only compared, never printed.
 */
export class CidLink {
  readonly bytes: Uint8Array;
  #text: string | undefined;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  toString(): string {
    this.#text ??= 'b' + base32(this.bytes);
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

/** RFC 4648 base32, lower case, no padding: the multibase 'b' alphabet of CID strings. */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (let i = 0; i < bytes.length; i++) {
    value = ((value << 8) | bytes[i]!) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32[(value >>> bits) & 31];
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** Where the last readVarint call stopped; a second return value without allocating a tuple. */
export let varintEnd = 0;

/** Reads an unsigned LEB128 varint of at most 7 bytes; its end is then in `varintEnd`. */
export function readVarint(buf: Uint8Array, pos: number, end: number): number {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 7; i++) {
    if (pos >= end) throw garbled('varint runs past its container');
    const b = buf[pos++]!;
    value += (b & 0x7f) * mul;
    if (b < 0x80) {
      varintEnd = pos;
      return value;
    }
    mul *= 128;
  }
  throw garbled('varint too long');
}

/**
 * Checks that `buf[start..)` begins with a CIDv1 and returns where it ends. atproto only uses
 * CIDv1; a CIDv0 or an unknown version is rejected as garbled.
 */
export function cidEnd(buf: Uint8Array, start: number, end: number): number {
  if (start >= end || buf[start] !== 1) throw garbled('CID is not version 1');
  // Nearly every CID is 01 <codec> 12 20 <32 bytes>: one-byte varints all the way.
  const codec = buf[start + 1]!;
  const hashCode = buf[start + 2]!;
  const digestLength = buf[start + 3]!;
  let digestStart = start + 4;
  let length = digestLength;
  if (start + 4 > end || codec >= 0x80 || hashCode >= 0x80 || digestLength >= 0x80) {
    readVarint(buf, start + 1, end);
    readVarint(buf, varintEnd, end);
    length = readVarint(buf, varintEnd, end);
    digestStart = varintEnd;
  }
  if (digestStart + length > end) throw garbled('CID digest runs past its container');
  return digestStart + length;
}

/** Whether `data` hashes to the CID in `cid` (sha-256 only: all that atproto repos use). */
export function cidMatches(cid: Uint8Array, data: Uint8Array): boolean {
  // CIDv1 with one-byte codec varint (0x71 dag-cbor or 0x55 raw): 01 <codec> 12 20 <32 bytes>
  if (cid.length !== 36 || cid[2] !== SHA256 || cid[3] !== 32) return false;
  const digest = hash('sha256', data, 'buffer');
  return sameBytes(digest, cid, 4, 36);
}
