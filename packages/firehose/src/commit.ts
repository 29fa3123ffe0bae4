// Turns the ops of a #commit into normalised events. Ops in collections BotSky does not keep are
// counted and skipped before any block is touched; a kept op whose record is missing, oversized
// or invalid is rejected on its own, and the rest of the commit still counts.
import { type CarIndex, blockBytes, findBlock, indexCar } from './car.ts';
import { decodeCbor } from './cbor.ts';
import { type CidLink, cidMatches } from './cid.ts';
import { DecodeError } from './errors.ts';
import type { CommitMessage, RepoOp } from './message.ts';
import { type NodeCache, mstGet } from './mst.ts';
import { isCollection, recordEvent } from './records.ts';
import { isRecordKey } from './syntax.ts';
import type { Collection, Decoded, NetworkEvent, RecordMeta, Rejection } from './types.ts';

export interface Limits {
  maxFrameBytes: number;
  maxRecordBytes: number;
}

/** Set when the commit's signature has been checked: ops are then proven against its MST. */
export interface Proof {
  car: CarIndex;
  data: CidLink;
  nodes: NodeCache;
}

interface KeptOp {
  op: RepoOp;
  collection: Collection;
  rkey: string;
}

/** The ops worth decoding, and how many were not. */
export function keptOps(msg: CommitMessage): { kept: KeptOp[]; ignored: number } {
  const kept: KeptOp[] = [];
  let ignored = 0;
  for (const op of msg.ops) {
    const slash = op.path.indexOf('/');
    const collection = slash < 0 ? op.path : op.path.slice(0, slash);
    if (isCollection(collection)) kept.push({ op, collection, rkey: slash < 0 ? '' : op.path.slice(slash + 1) });
    else ignored++;
  }
  return { kept, ignored };
}

export function commitEvents(msg: CommitMessage, kept: KeptOp[], ignored: number, limits: Limits, proof: Proof | null): Decoded {
  const events: NetworkEvent[] = [];
  const rejected: Rejection[] = [];
  const needsBlocks = kept.some((k) => k.op.action !== 'delete');
  const car = proof?.car ?? (needsBlocks ? indexCar(msg.blocks) : null);
  for (const k of kept) {
    const uri = `at://${msg.repo}/${k.op.path}`;
    try {
      events.push(opEvent(msg, k, uri, car, limits, proof));
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      rejected.push({ reason: err.reason, detail: err.message, seq: msg.seq, did: msg.repo, uri });
    }
  }
  return { ok: true, seq: msg.seq, events, ignored, rejected, notice: null };
}

function opEvent(msg: CommitMessage, k: KeptOp, uri: string, car: CarIndex | null, limits: Limits, proof: Proof | null): NetworkEvent {
  const { op, collection, rkey } = k;
  // The record key syntax has no '/', so this also rules out paths with more than two segments.
  if (!isRecordKey(rkey)) {
    throw new DecodeError('invalid-frame', `op path ${JSON.stringify(op.path)} is not collection/rkey`);
  }
  if (op.action === 'delete') {
    if (proof && mstGet(proof.car, proof.data, op.path, proof.nodes) !== null) {
      throw new DecodeError('bad-proof', 'the commit still holds the deleted record');
    }
    return { kind: 'delete', seq: msg.seq, did: msg.repo, rev: msg.rev, timeUs: msg.timeUs, uri, collection };
  }
  const cid = op.cid!;
  const index = findBlock(car!, cid);
  if (index < 0) throw new DecodeError('missing-block', `record block ${cid.toString()} is not in the CAR`);
  const bytes = blockBytes(car!, index);
  if (bytes.length > limits.maxRecordBytes) {
    throw new DecodeError('oversized', `record of ${bytes.length} bytes is over ${limits.maxRecordBytes}`);
  }
  if (proof) {
    if (!cidMatches(cid.bytes, bytes)) throw new DecodeError('bad-proof', 'record block does not match its CID');
    const proven = mstGet(proof.car, proof.data, op.path, proof.nodes);
    if (proven === null || !proven.equals(cid)) throw new DecodeError('bad-proof', 'the commit MST does not hold this record');
  }
  const meta: RecordMeta = {
    seq: msg.seq,
    did: msg.repo,
    rev: msg.rev,
    timeUs: msg.timeUs,
    action: op.action,
    uri,
    cid: cid.toString(),
  };
  return recordEvent(collection, rkey, decodeCbor(bytes), meta);
}
