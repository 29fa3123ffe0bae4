// This package's own decoding layer (src/cbor.ts, car.ts, cid.ts, mst.ts, verify.ts) driven to the
// output of common.ts: no lexicon checks and no normalisation, which the libraries leave to us too.
// Until issue 12 that layer was hand-written; it is now @atcute/cbor and @atcute/car behind the
// package's own types, so the figure next to bare @atcute is what the adapter costs.
import { blockBytes, findBlock, indexCar } from '../../src/car.ts';
import { decodeCbor, decodeCborFirst } from '../../src/cbor.ts';
import { type CidLink, cidMatches } from '../../src/cid.ts';
import type { CommitMessage } from '../../src/message.ts';
import { mstGet } from '../../src/mst.ts';
import { verifyCommit } from '../../src/verify.ts';
import type { KeyCache } from '../../src/index.ts';
import { type Decoder, type FrameRecords, type OpRecord, fail, isKept } from './common.ts';

type Rec = Record<string, unknown>;

function readFrame(frame: Uint8Array): { header: Rec; body: Rec } {
  const { value, rest } = decodeCborFirst(frame);
  const header = value as Rec;
  const body = decodeCbor(rest) as Rec;
  if (header.op !== 1) fail(`header op ${String(header.op)}`);
  return { header, body };
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
  const car = kept.some((op) => op.action !== 'delete') ? indexCar(body.blocks as Uint8Array) : null;
  const ops = kept.map((op): OpRecord => {
    if (op.action === 'delete') return { path: op.path as string, action: 'delete', cid: null, record: null };
    const cid = op.cid as CidLink;
    const index = findBlock(car!, cid);
    if (index < 0) fail('missing block');
    return { path: op.path as string, action: op.action as string, cid: cid.toString(), record: decodeCbor(blockBytes(car!, index)) };
  });
  return { type: '#commit', seq: body.seq as number, repo: body.repo as string, rev: body.rev as string, ops };
}

async function decodeVerified(frame: Uint8Array, keys: KeyCache): Promise<FrameRecords> {
  const { header, body } = readFrame(frame);
  if (header.t !== '#commit') return other(header, body);
  const kept = keptOps(body);
  if (kept.length === 0) return { type: '#commit', seq: body.seq as number, repo: body.repo as string, rev: body.rev as string, ops: [] };
  const car = indexCar(body.blocks as Uint8Array);
  const msg = { type: 'commit', repo: body.repo, commit: body.commit, rev: body.rev } as CommitMessage;
  const data = await verifyCommit(msg, car, keys);
  const nodes = new Map();
  const ops = kept.map((op): OpRecord => {
    const path = op.path as string;
    const proven = mstGet(car, data, path, nodes);
    if (op.action === 'delete') {
      if (proven !== null) fail('deleted record still in the MST');
      return { path, action: 'delete', cid: null, record: null };
    }
    const cid = op.cid as CidLink;
    const index = findBlock(car, cid);
    if (index < 0) fail('missing block');
    const bytes = blockBytes(car, index);
    if (!cidMatches(cid.bytes, bytes)) fail('record block does not match its CID');
    if (proven === null || !proven.equals(cid)) fail('record not in the MST');
    return { path, action: op.action as string, cid: cid.toString(), record: decodeCbor(bytes) };
  });
  return { type: '#commit', seq: body.seq as number, repo: body.repo as string, rev: body.rev as string, ops };
}

export const botsky: Decoder = { name: 'botsky', decode, decodeVerified };
