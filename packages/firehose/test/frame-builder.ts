// Test helper: subscribeRepos frames built with the reference implementation (@atproto/repo for
// real signed commits, real MSTs and CARs; @atproto/lex-cbor for the frame encoding), so a test
// can say exactly which record, signature or field is wrong.
import { randomBytes } from 'node:crypto';
import { TID } from '@atproto/common';
import { type Keypair, P256Keypair, Secp256k1Keypair } from '@atproto/crypto';
import { encode } from '@atproto/lex-cbor';
import { BlockMap, MemoryBlockstore, Repo, type RecordWriteOp, blocksToCarFile, cidForRecord } from '@atproto/repo';

export interface TestRepo {
  did: string;
  keypair: Keypair;
  repo: Repo;
  seq: number;
}

export type Write =
  | { action: 'create' | 'update'; collection: string; rkey?: string; record: Record<string, unknown> }
  | { action: 'delete'; collection: string; rkey: string };

export interface CommitOptions {
  /** Sign with this key instead of the repo's own. */
  signer?: Keypair;
  /** Change the frame body before it is encoded. */
  body?: (body: Record<string, unknown>) => void;
}

export async function createTestRepo(curve: 'k256' | 'p256' = 'k256'): Promise<TestRepo> {
  const keypair = curve === 'k256' ? await Secp256k1Keypair.create({ exportable: true }) : await P256Keypair.create({ exportable: true });
  const did = `did:plc:${randomBytes(12).toString('hex').slice(0, 24)}`;
  const repo = await Repo.create(new MemoryBlockstore(), did, keypair);
  return { did, keypair, repo, seq: 1 };
}

/** Applies the writes to the repo and returns the #commit frame a PDS would emit, and the paths. */
export async function commitFrame(t: TestRepo, writes: Write[], opts: CommitOptions = {}): Promise<{ frame: Uint8Array; paths: string[] }> {
  const ops = writes.map((w) => ({ ...w, rkey: w.rkey ?? TID.nextStr() })) as unknown as RecordWriteOp[];
  const since = t.repo.commit.rev;
  const commit = await t.repo.formatCommit(ops, opts.signer ?? t.keypair);
  t.repo = await t.repo.applyCommit(commit);
  const blocks = new BlockMap();
  blocks.addMap(commit.newBlocks);
  blocks.addMap(commit.relevantBlocks);
  const repoOps = await Promise.all(
    ops.map(async (op) => ({
      action: op.action,
      path: `${op.collection}/${op.rkey}`,
      cid: op.action === 'delete' ? null : await cidForRecord(op.record),
    })),
  );
  const body: Record<string, unknown> = {
    seq: t.seq++,
    rebase: false,
    tooBig: false,
    repo: t.did,
    commit: commit.cid,
    rev: commit.rev,
    since,
    blocks: await blocksToCarFile(commit.cid, blocks),
    ops: repoOps,
    blobs: [],
    time: new Date().toISOString(),
  };
  opts.body?.(body);
  return { frame: messageFrame('#commit', body), paths: repoOps.map((op) => op.path) };
}

export function messageFrame(t: string, body: unknown): Uint8Array {
  return concat(encode({ op: 1, t } as never), encode(body as never));
}

export function errorFrame(error: string, message?: string): Uint8Array {
  return concat(encode({ op: -1 } as never), encode((message ? { error, message } : { error }) as never));
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

export async function didKey(t: TestRepo): Promise<string> {
  return t.keypair.did();
}

export const now = (): string => new Date().toISOString();

export function post(text: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { $type: 'app.bsky.feed.post', text, createdAt: now(), ...extra };
}
