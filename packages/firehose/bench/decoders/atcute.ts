// @atcute/cbor and @atcute/car doing the decoding, as this package would use them in place of its
// own CBOR, CAR and CID code; the lookup, MST walk and signature check are common.ts's.
import { fromUint8Array } from '@atcute/car';
import { type BytesWrapper, type CidLinkWrapper, decode as decodeCbor, decodeFirst, encode } from '@atcute/cbor';
import type { KeyCache } from '../../src/index.ts';
import {
  BlockList,
  type Decoder,
  type FrameRecords,
  type MstNode,
  type OpRecord,
  checkSignature,
  expandEntries,
  fail,
  hashMatches,
  isKept,
  mstFind,
  sameBytes,
} from './common.ts';

type Rec = Record<string, unknown>;

function readFrame(frame: Uint8Array): { header: Rec; body: Rec } {
  const [header, rest] = decodeFirst(frame) as [Rec, Uint8Array];
  const body = decodeCbor(rest) as Rec;
  if (header.op !== 1) fail(`header op ${String(header.op)}`);
  return { header, body };
}

function readCar(bytes: Uint8Array): { root: Uint8Array; blocks: BlockList } {
  const reader = fromUint8Array(bytes);
  const blocks = new BlockList();
  for (const entry of reader) blocks.add(entry.cid.bytes, entry.bytes);
  return { root: (reader.roots[0] as CidLinkWrapper).bytes, blocks };
}

function other(header: Rec, body: Rec): FrameRecords {
  return { type: header.t as string, seq: body.seq as number, repo: null, rev: null, ops: [] };
}

function keptOps(body: Rec): Rec[] {
  return (body.ops as Rec[]).filter((op) => isKept(op.path as string));
}

function decode(frame: Uint8Array): FrameRecords {
  const { header, body } = readFrame(frame);
  if (header.t !== '#commit') return other(header, body);
  const kept = keptOps(body);
  const car = kept.some((op) => op.action !== 'delete') ? readCar((body.blocks as BytesWrapper).buf) : null;
  const ops = kept.map((op): OpRecord => {
    if (op.action === 'delete') return { path: op.path as string, action: 'delete', cid: null, record: null };
    const cid = op.cid as CidLinkWrapper;
    const index = car!.blocks.find(cid.bytes);
    if (index < 0) fail('missing block');
    return { path: op.path as string, action: op.action as string, cid: cid.$link, record: decodeCbor(car!.blocks.data[index]!) };
  });
  return { type: '#commit', seq: body.seq as number, repo: body.repo as string, rev: body.rev as string, ops };
}

function nodeLoader(blocks: BlockList): (cid: Uint8Array) => MstNode {
  const cache = new Map<number, MstNode>();
  const link = (v: unknown) => (v === null || v === undefined ? null : (v as CidLinkWrapper));
  return (cid) => {
    const index = blocks.find(cid);
    if (index < 0) fail('MST node not in the CAR');
    const cached = cache.get(index);
    if (cached) return cached;
    const bytes = blocks.data[index]!;
    if (!hashMatches(cid, bytes)) fail('MST node does not match its CID');
    const value = decodeCbor(bytes) as { l: CidLinkWrapper | null; e: unknown[] };
    const left = link(value.l);
    const node = {
      left: left ? left.bytes : null,
      entries: expandEntries(
        value.e,
        (k) => (k as BytesWrapper).buf,
        link,
        (l) => l.bytes,
      ),
    };
    cache.set(index, node);
    return node;
  };
}

async function verifyCommit(body: Rec, root: Uint8Array, blocks: BlockList, keys: KeyCache): Promise<Uint8Array> {
  const commitCid = (body.commit as CidLinkWrapper).bytes;
  if (!sameBytes(root, commitCid)) fail('the CAR root is not the frame commit');
  const index = blocks.find(commitCid);
  if (index < 0) fail('the commit block is not in the CAR');
  const bytes = blocks.data[index]!;
  if (!hashMatches(commitCid, bytes)) fail('the commit block does not match its CID');
  const commit = decodeCbor(bytes) as Rec;
  const { sig, ...unsigned } = commit;
  if (commit.did !== body.repo || commit.version !== 3 || commit.rev !== body.rev) fail('commit is not the frame commit');
  await checkSignature(keys, body.repo as string, encode(unsigned), (sig as BytesWrapper).buf);
  return (commit.data as CidLinkWrapper).bytes;
}

async function decodeVerified(frame: Uint8Array, keys: KeyCache): Promise<FrameRecords> {
  const { header, body } = readFrame(frame);
  if (header.t !== '#commit') return other(header, body);
  const kept = keptOps(body);
  if (kept.length === 0) return { type: '#commit', seq: body.seq as number, repo: body.repo as string, rev: body.rev as string, ops: [] };
  const { root, blocks } = readCar((body.blocks as BytesWrapper).buf);
  const data = await verifyCommit(body, root, blocks, keys);
  const load = nodeLoader(blocks);
  const ops = kept.map((op): OpRecord => {
    const path = op.path as string;
    const proven = mstFind(data, path, load);
    if (op.action === 'delete') {
      if (proven !== null) fail('deleted record still in the MST');
      return { path, action: 'delete', cid: null, record: null };
    }
    const cid = op.cid as CidLinkWrapper;
    const index = blocks.find(cid.bytes);
    if (index < 0) fail('missing block');
    const bytes = blocks.data[index]!;
    if (!hashMatches(cid.bytes, bytes)) fail('record block does not match its CID');
    if (proven === null || !sameBytes(proven, cid.bytes)) fail('record not in the MST');
    return { path, action: op.action as string, cid: cid.$link, record: decodeCbor(bytes) };
  });
  return { type: '#commit', seq: body.seq as number, repo: body.repo as string, rev: body.rev as string, ops };
}

export const atcute: Decoder = { name: 'atcute', decode, decodeVerified };
