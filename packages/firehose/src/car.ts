// CAR v1 blocks through @atcute/car's reader: every block is a view into the input (nothing is
// copied or hashed here), indexed by its CID bytes, and only decoded when an op asks for it.
import { fromUint8Array } from '@atcute/car';
import { CidLinkWrapper } from '@atcute/cbor';
import { CidLink, sameBytes } from './cid.ts';
import { DecodeError, garbled, truncated } from './errors.ts';

export interface CarIndex {
  /** The first root: for a commit or sync CAR, the commit block. */
  root: CidLink;
  /** Block i: its CID is cids[i] (binary), its bytes blocks[i]. */
  cids: Uint8Array[];
  blocks: Uint8Array[];
  /** Block indexes by the last 4 bytes of their CID, built only for large CARs. */
  byTail: Map<number, number[]> | null;
}

// Below this many blocks a scan beats building a map; above it, a scan per op would let a
// hostile frame (200 ops over thousands of blocks) cost quadratic time.
const SCAN_LIMIT = 32;

export function indexCar(buf: Uint8Array): CarIndex {
  if (buf.length === 0) throw truncated('empty CAR');
  try {
    const reader = fromUint8Array(buf);
    const first = reader.roots[0];
    if (!(first instanceof CidLinkWrapper)) throw garbled('CAR header has no root CID');
    const car: CarIndex = { root: new CidLink(first.bytes), cids: [], blocks: [], byTail: null };
    for (const entry of reader) {
      car.cids.push(entry.cid.bytes);
      car.blocks.push(entry.bytes);
    }
    return car;
  } catch (err) {
    if (err instanceof DecodeError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    // The reader's one message for a header or block that runs past the end of the input.
    if (message === 'unexpected end of data') throw truncated('CAR runs past the end');
    throw garbled(`not a CAR v1 of atproto blocks: ${message}`, err);
  }
}

/** Index of the block with this CID, or -1. */
export function findBlock(car: CarIndex, cid: CidLink): number {
  const want = cid.bytes;
  const { cids } = car;
  if (cids.length <= SCAN_LIMIT) {
    for (let i = 0; i < cids.length; i++) {
      const have = cids[i]!;
      if (sameBytes(want, have, 0, have.length)) return i;
    }
    return -1;
  }
  car.byTail ??= tailIndex(cids);
  for (const i of car.byTail.get(tail(want)) ?? []) {
    const have = cids[i]!;
    if (sameBytes(want, have, 0, have.length)) return i;
  }
  return -1;
}

function tail(bytes: Uint8Array): number {
  const end = bytes.length;
  return ((bytes[end - 4]! << 24) | (bytes[end - 3]! << 16) | (bytes[end - 2]! << 8) | bytes[end - 1]!) >>> 0;
}

function tailIndex(cids: Uint8Array[]): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (let i = 0; i < cids.length; i++) {
    const key = tail(cids[i]!);
    const list = map.get(key);
    if (list) list.push(i);
    else map.set(key, [i]);
  }
  return map;
}

export function blockBytes(car: CarIndex, index: number): Uint8Array {
  return car.blocks[index]!;
}
