// CAR v1 reader that indexes blocks by position in the input: nothing is copied, nothing is
// hashed, and a block is only decoded when an op asks for it.
import { decodeCbor } from './cbor.ts';
import { CidLink, cidEnd, readVarint, sameBytes, varintEnd } from './cid.ts';
import { DecodeError, garbled, truncated } from './errors.ts';

export interface CarIndex {
  buf: Uint8Array;
  /** The first root: for a commit or sync CAR, the commit block. */
  root: CidLink;
  /** For block i: its CID is buf[cidStart[i], dataStart[i]), its bytes buf[dataStart[i], dataEnd[i]). */
  cidStart: number[];
  dataStart: number[];
  dataEnd: number[];
  /** Block indexes by the last 4 bytes of their CID, built only for large CARs. */
  byTail: Map<number, number[]> | null;
}

// Below this many blocks a scan beats building a map; above it, a scan per op would let a
// hostile frame (200 ops over thousands of blocks) cost quadratic time.
const SCAN_LIMIT = 32;

export function indexCar(buf: Uint8Array): CarIndex {
  if (buf.length === 0) throw truncated('empty CAR');
  const headerLength = readVarint(buf, 0, buf.length);
  const headerStart = varintEnd;
  const headerEnd = headerStart + headerLength;
  if (headerEnd > buf.length) throw truncated('CAR header runs past the end');
  const root = readHeader(buf, headerStart, headerEnd);
  const car: CarIndex = { buf, root, cidStart: [], dataStart: [], dataEnd: [], byTail: null };
  let pos = headerEnd;
  while (pos < buf.length) {
    const sectionLength = readVarint(buf, pos, buf.length);
    const sectionStart = varintEnd;
    const sectionEnd = sectionStart + sectionLength;
    if (sectionEnd > buf.length) throw truncated('CAR block runs past the end');
    car.cidStart.push(sectionStart);
    car.dataStart.push(cidEnd(buf, sectionStart, sectionEnd));
    car.dataEnd.push(sectionEnd);
    pos = sectionEnd;
  }
  return car;
}

function readHeader(buf: Uint8Array, start: number, end: number): CidLink {
  let header: unknown;
  try {
    header = decodeCbor(buf, start, end);
  } catch (err) {
    // Inside the CAR a short header is a malformed CAR, whatever the CBOR reader says.
    if (err instanceof DecodeError) throw garbled(`CAR header: ${err.message}`, err);
    throw err;
  }
  const h = header as { version?: unknown; roots?: unknown } | null;
  if (typeof h !== 'object' || h === null || h.version !== 1) throw garbled('not a CAR v1 header');
  const root = Array.isArray(h.roots) ? h.roots[0] : undefined;
  if (!(root instanceof CidLink)) throw garbled('CAR header has no root CID');
  return root;
}

/** Index of the block with this CID, or -1. */
export function findBlock(car: CarIndex, cid: CidLink): number {
  const want = cid.bytes;
  const { buf, cidStart, dataStart } = car;
  if (cidStart.length <= SCAN_LIMIT) {
    for (let i = 0; i < cidStart.length; i++) {
      if (sameBytes(want, buf, cidStart[i]!, dataStart[i]!)) return i;
    }
    return -1;
  }
  car.byTail ??= tailIndex(car);
  for (const i of car.byTail.get(tail(want, want.length)) ?? []) {
    if (sameBytes(want, buf, cidStart[i]!, dataStart[i]!)) return i;
  }
  return -1;
}

function tail(bytes: Uint8Array, end: number): number {
  return ((bytes[end - 4]! << 24) | (bytes[end - 3]! << 16) | (bytes[end - 2]! << 8) | bytes[end - 1]!) >>> 0;
}

function tailIndex(car: CarIndex): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (let i = 0; i < car.cidStart.length; i++) {
    const key = tail(car.buf, car.dataStart[i]!);
    const list = map.get(key);
    if (list) list.push(i);
    else map.set(key, [i]);
  }
  return map;
}

export function blockBytes(car: CarIndex, index: number): Uint8Array {
  return car.buf.subarray(car.dataStart[index], car.dataEnd[index]);
}
