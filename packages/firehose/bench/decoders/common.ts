// What every decoder in decoders.bench.ts produces from a frame, and the glue they share, so that
// only the CBOR, CAR and CID code differs between them: the block lookup by CID bytes, the hash
// check of a block, the MST walk and the signature check (src/keys.ts, the key path of
// src/verify.ts) are the same code on every side.
import { hash } from 'node:crypto';
import { COLLECTIONS, type KeyCache } from '../../src/index.ts';
import { verifySignature } from '../../src/keys.ts';

/** One kept op of a commit: its path, its record's CID as text and the decoded record. */
export interface OpRecord {
  path: string;
  action: string;
  cid: string | null;
  record: unknown;
}

/** A decoded frame: the message type, its seq, and for a #commit the kept ops. */
export interface FrameRecords {
  type: string;
  seq: number;
  repo: string | null;
  rev: string | null;
  ops: OpRecord[];
}

export interface Decoder {
  name: string;
  /** Header and body, the CAR, and the record block of every kept create or update. */
  decode(frame: Uint8Array): FrameRecords;
  /** The same, plus the commit's signature, every block's hash and every kept op's MST proof. */
  decodeVerified(frame: Uint8Array, keys: KeyCache): Promise<FrameRecords>;
}

/** As in src/commit.ts: ops in collections BotSky does not keep are never read. */
export function isKept(path: string): boolean {
  const slash = path.indexOf('/');
  return COLLECTIONS.has(slash < 0 ? path : path.slice(0, slash));
}

export function fail(detail: string): never {
  throw new Error(detail);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether `data` hashes to the sha-256 CIDv1 `cid` (its binary form, 36 bytes). */
export function hashMatches(cid: Uint8Array, data: Uint8Array): boolean {
  if (cid.length !== 36 || cid[2] !== 0x12 || cid[3] !== 32) return false;
  const digest = hash('sha256', data, 'buffer');
  for (let i = 0; i < 32; i++) if (digest[i] !== cid[4 + i]) return false;
  return true;
}

/** The blocks of a CAR a library has read, found by CID bytes as src/car.ts finds them. */
export class BlockList {
  readonly cids: Uint8Array[] = [];
  readonly data: Uint8Array[] = [];

  add(cid: Uint8Array, data: Uint8Array): void {
    this.cids.push(cid);
    this.data.push(data);
  }

  find(cid: Uint8Array): number {
    for (let i = 0; i < this.cids.length; i++) if (sameBytes(cid, this.cids[i]!)) return i;
    return -1;
  }
}

/** A decoded MST node with its keys expanded and its links as CID bytes. */
export interface MstNode {
  left: Uint8Array | null;
  entries: Array<{ key: string; value: Uint8Array; right: Uint8Array | null }>;
}

/** The record CID at `path` in the tree rooted at `root`, as src/mst.ts walks it. */
export function mstFind(root: Uint8Array, path: string, load: (cid: Uint8Array) => MstNode): Uint8Array | null {
  let cid: Uint8Array | null = root;
  for (let depth = 0; cid !== null; depth++) {
    if (depth > 64) fail('MST deeper than 64 levels');
    const node = load(cid);
    let next = node.left;
    for (const entry of node.entries) {
      if (entry.key === path) return entry.value;
      if (path < entry.key) break;
      next = entry.right;
    }
    cid = next;
  }
  return null;
}

/** Expands prefix-compressed MST keys; `k` and the links come from the library's own types. */
export function expandEntries<L>(
  entries: unknown[],
  kBytes: (k: unknown) => Uint8Array,
  link: (v: unknown) => L | null,
  bytes: (l: L) => Uint8Array,
): MstNode['entries'] {
  const out: MstNode['entries'] = [];
  let previous = '';
  for (const e of entries as Array<Record<string, unknown>>) {
    const k = kBytes(e.k);
    const key = previous.slice(0, e.p as number) + Buffer.from(k.buffer, k.byteOffset, k.length).toString('latin1');
    const value = link(e.v) ?? fail('MST entry without a value');
    const right = link(e.t);
    out.push({ key, value: bytes(value), right: right === null ? null : bytes(right) });
    previous = key;
  }
  return out;
}

/** The signature check of src/verify.ts: the cached key, then one forced refresh. */
export async function checkSignature(keys: KeyCache, did: string, unsigned: Uint8Array, sig: Uint8Array): Promise<void> {
  const key = await keys.get(did);
  if (key !== null && verifySignature(key, unsigned, sig)) return;
  const fresh = await keys.refresh(did);
  if (fresh !== null && verifySignature(fresh, unsigned, sig)) return;
  fail(`bad signature for ${did}`);
}
