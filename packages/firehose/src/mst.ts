// Walks a commit's Merkle Search Tree through the blocks of its CAR, to prove that a path holds a
// given record CID (create, update) or holds nothing (delete). Every node on the way must be in
// the CAR and hash to the CID that points at it; a frame whose proof is incomplete is not trusted.
import { type CarIndex, blockBytes, findBlock } from './car.ts';
import { decodeCbor } from './cbor.ts';
import { CidLink, cidMatches } from './cid.ts';
import { DecodeError } from './errors.ts';
import { isMap } from './record-fields.ts';

const MAX_DEPTH = 64;

interface Entry {
  key: string;
  value: CidLink;
  right: CidLink | null;
}

interface Node {
  left: CidLink | null;
  entries: Entry[];
}

/** Decoded, hash-checked MST nodes of one CAR, by block index. */
export type NodeCache = Map<number, Node>;

function badProof(detail: string): DecodeError {
  return new DecodeError('bad-proof', detail);
}

/** The record CID at `path` in the tree rooted at `root`, or null when the path is absent. */
export function mstGet(car: CarIndex, root: CidLink, path: string, cache: NodeCache): CidLink | null {
  let cid: CidLink | null = root;
  for (let depth = 0; cid !== null; depth++) {
    if (depth > MAX_DEPTH) throw badProof('MST deeper than 64 levels');
    const node = loadNode(car, cid, cache);
    let next = node.left;
    for (const entry of node.entries) {
      if (entry.key === path) return entry.value;
      // Keys are sorted: the path, if present, is in the subtree left of the first larger key.
      if (path < entry.key) break;
      next = entry.right;
    }
    cid = next;
  }
  return null;
}

function loadNode(car: CarIndex, cid: CidLink, cache: NodeCache): Node {
  const index = findBlock(car, cid);
  if (index < 0) throw badProof(`MST node ${cid.toString()} is not in the CAR`);
  const cached = cache.get(index);
  if (cached) return cached;
  const bytes = blockBytes(car, index);
  if (!cidMatches(cid.bytes, bytes)) throw badProof(`MST node ${cid.toString()} does not match its hash`);
  let value: unknown;
  try {
    value = decodeCbor(bytes);
  } catch (err) {
    throw new DecodeError('bad-proof', `MST node ${cid.toString()} is not DAG-CBOR`, { cause: err });
  }
  const node = parseNode(value);
  cache.set(index, node);
  return node;
}

function parseNode(value: unknown): Node {
  if (!isMap(value) || !Array.isArray(value.e)) throw badProof('MST node is not {l, e}');
  const left = optLink(value.l);
  const entries: Entry[] = [];
  let previous = '';
  for (const e of value.e) {
    if (!isMap(e) || typeof e.p !== 'number' || !(e.k instanceof Uint8Array) || !(e.v instanceof CidLink)) {
      throw badProof('MST entry is not {p, k, v, t}');
    }
    if (e.p > previous.length) throw badProof('MST entry prefix is longer than the previous key');
    // Keys are compressed against the previous key. latin1 keeps byte order in string order.
    const key = previous.slice(0, e.p) + Buffer.from(e.k.buffer, e.k.byteOffset, e.k.length).toString('latin1');
    if (key <= previous && entries.length > 0) throw badProof('MST keys are not in order');
    entries.push({ key, value: e.v, right: optLink(e.t) });
    previous = key;
  }
  return { left, entries };
}

function optLink(v: unknown): CidLink | null {
  if (v === null || v === undefined) return null;
  if (!(v instanceof CidLink)) throw badProof('MST subtree pointer is not a CID');
  return v;
}
