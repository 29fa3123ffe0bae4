// A subscribeRepos frame is two DAG-CBOR values back to back: a header {op, t} and a body. This
// module checks both against the com.atproto.sync.subscribeRepos lexicon and returns a typed
// message; the blocks CAR is left as bytes until an op needs it.
import { decodeCbor, decodeCborFirst } from './cbor.ts';
import { CidLink } from './cid.ts';
import { DecodeError } from './errors.ts';
import { isMap } from './record-fields.ts';
import { isDid, isHandle, parseDatetimeUs } from './syntax.ts';

export interface RepoOp {
  action: 'create' | 'update' | 'delete';
  path: string;
  cid: CidLink | null;
}

export interface CommitMessage {
  type: 'commit';
  seq: number;
  repo: string;
  commit: CidLink;
  rev: string;
  timeUs: number;
  blocks: Uint8Array;
  ops: RepoOp[];
}

export type Message =
  | CommitMessage
  | { type: 'sync'; seq: number; did: string; rev: string; timeUs: number; blocks: Uint8Array }
  | { type: 'identity'; seq: number; did: string; timeUs: number; handle: string | null }
  | { type: 'account'; seq: number; did: string; timeUs: number; active: boolean; status: string | null }
  | { type: 'info'; name: string; message: string | null }
  | { type: 'error'; name: string; message: string | null };

/** What is known about a frame so far, so that a rejection can still name its seq and repo. */
export interface FrameContext {
  seq: number | null;
  did: string | null;
}

type Body = Record<string, unknown>;

const MAX_OPS = 200; // the lexicon's limit on ops per commit

export function parseMessage(bytes: Uint8Array, ctx: FrameContext): Message {
  const { value: header, rest } = decodeCborFirst(bytes);
  const body = decodeCbor(rest); // the body fills the rest: trailing bytes are garbled
  if (!isMap(header)) throw invalidFrame('header is not a map');
  if (!isMap(body)) throw invalidFrame('body is not a map');
  if (header.op === -1) return { type: 'error', name: str(body, 'error'), message: optStr(body, 'message') };
  if (header.op !== 1) throw new DecodeError('unknown-op', `header op ${String(header.op)}`);
  if (body.seq !== undefined) ctx.seq = int(body, 'seq');
  switch (header.t) {
    case '#commit':
      return commitMessage(body, ctx);
    case '#identity':
      return identityMessage(body, ctx);
    case '#account':
      return accountMessage(body, ctx);
    case '#sync':
      ctx.did = did(body, 'did');
      return {
        type: 'sync',
        seq: int(body, 'seq'),
        did: ctx.did,
        rev: str(body, 'rev'),
        timeUs: time(body),
        blocks: bytesField(body, 'blocks'),
      };
    case '#info':
      return { type: 'info', name: str(body, 'name'), message: optStr(body, 'message') };
    default:
      throw new DecodeError('unknown-type', `message type ${JSON.stringify(header.t)}`);
  }
}

function commitMessage(body: Body, ctx: FrameContext): CommitMessage {
  ctx.did = did(body, 'repo');
  const commit = body.commit;
  if (!(commit instanceof CidLink)) throw invalidFrame('commit is not a CID link');
  const ops = body.ops;
  if (!Array.isArray(ops)) throw invalidFrame('ops is not an array');
  if (ops.length > MAX_OPS) throw invalidFrame(`over ${MAX_OPS} ops`);
  return {
    type: 'commit',
    seq: int(body, 'seq'),
    repo: ctx.did,
    commit,
    rev: str(body, 'rev'),
    timeUs: time(body),
    blocks: bytesField(body, 'blocks'),
    ops: ops.map(repoOp),
  };
}

function repoOp(v: unknown, i: number): RepoOp {
  if (!isMap(v)) throw invalidFrame(`ops[${i}] is not a map`);
  const { action, path, cid } = v;
  if (action !== 'create' && action !== 'update' && action !== 'delete') {
    throw invalidFrame(`ops[${i}].action ${JSON.stringify(action)}`);
  }
  if (typeof path !== 'string') throw invalidFrame(`ops[${i}].path is not a string`);
  if (action === 'delete') {
    if (cid !== null && cid !== undefined) throw invalidFrame(`ops[${i}] deletes but names a CID`);
    return { action, path, cid: null };
  }
  if (!(cid instanceof CidLink)) throw invalidFrame(`ops[${i}] ${action}s without a CID`);
  return { action, path, cid };
}

function identityMessage(body: Body, ctx: FrameContext): Message {
  ctx.did = did(body, 'did');
  const handle = optStr(body, 'handle');
  if (handle !== null && !isHandle(handle)) throw invalidFrame('handle is not a handle');
  return { type: 'identity', seq: int(body, 'seq'), did: ctx.did, timeUs: time(body), handle };
}

function accountMessage(body: Body, ctx: FrameContext): Message {
  ctx.did = did(body, 'did');
  if (typeof body.active !== 'boolean') throw invalidFrame('active is not a boolean');
  const status = optStr(body, 'status');
  if (status !== null && status.length > 128) throw invalidFrame('status is over 128 characters');
  return { type: 'account', seq: int(body, 'seq'), did: ctx.did, timeUs: time(body), active: body.active, status };
}

export function invalidFrame(detail: string): DecodeError {
  return new DecodeError('invalid-frame', detail);
}

function int(body: Body, key: string): number {
  const v = body[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw invalidFrame(`${key} is not a non-negative integer`);
  return v;
}

function str(body: Body, key: string): string {
  const v = body[key];
  if (typeof v !== 'string') throw invalidFrame(`${key} is not a string`);
  return v;
}

function optStr(body: Body, key: string): string | null {
  const v = body[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw invalidFrame(`${key} is not a string`);
  return v;
}

function did(body: Body, key: string): string {
  const v = str(body, key);
  if (!isDid(v)) throw invalidFrame(`${key} is not a DID`);
  return v;
}

function time(body: Body): number {
  const us = parseDatetimeUs(str(body, 'time'));
  if (us === null || !Number.isSafeInteger(us)) throw invalidFrame('time is not an atproto datetime (or past year 2255)');
  return us;
}

function bytesField(body: Body, key: string): Uint8Array {
  const v = body[key];
  if (!(v instanceof Uint8Array)) throw invalidFrame(`${key} is not a byte string`);
  return v;
}
