// Test helper: subscribeRepos frames made with the reference implementation (@atproto/repo for
// real commits, MSTs and CARs; @atproto/lex-cbor for the frame encoding), so a test controls each
// frame's sequence number and exactly what is wrong with it.
import { randomBytes } from 'node:crypto';
import { TID } from '@atproto/common';
import { Secp256k1Keypair } from '@atproto/crypto';
import { encode } from '@atproto/lex-cbor';
import { BlockMap, MemoryBlockstore, Repo, blocksToCarFile, cidForRecord, type RecordWriteOp } from '@atproto/repo';

export interface FakeRepo {
  did: string;
  keypair: Secp256k1Keypair;
  repo: Repo;
}

export interface Created {
  frame: Uint8Array;
  uris: string[];
  cids: string[];
}

export async function fakeRepo(): Promise<FakeRepo> {
  const keypair = await Secp256k1Keypair.create({ exportable: true });
  const did = `did:plc:${randomBytes(12).toString('hex').slice(0, 24)}`;
  return { did, keypair, repo: await Repo.create(new MemoryBlockstore(), did, keypair) };
}

/** A #commit frame at `seq` creating `records` (collection, record) in the repo. */
export async function commitFrame(r: FakeRepo, seq: number, records: Array<[string, Record<string, unknown>]>): Promise<Created> {
  const ops = records.map(([collection, record]) => ({
    action: 'create',
    collection,
    rkey: TID.nextStr(),
    record,
  })) as unknown as RecordWriteOp[];
  const since = r.repo.commit.rev;
  const commit = await r.repo.formatCommit(ops, r.keypair);
  r.repo = await r.repo.applyCommit(commit);
  const blocks = new BlockMap();
  blocks.addMap(commit.newBlocks);
  blocks.addMap(commit.relevantBlocks);
  const cids = await Promise.all(ops.map((op) => cidForRecord((op as unknown as { record: never }).record)));
  const paths = ops.map((op) => `${op.collection}/${op.rkey}`);
  const body = {
    seq,
    rebase: false,
    tooBig: false,
    repo: r.did,
    commit: commit.cid,
    rev: commit.rev,
    since,
    blocks: await blocksToCarFile(commit.cid, blocks),
    ops: paths.map((path, i) => ({ action: 'create', path, cid: cids[i] })),
    blobs: [],
    time: new Date().toISOString(),
  };
  return { frame: messageFrame('#commit', body), uris: paths.map((p) => `at://${r.did}/${p}`), cids: cids.map(String) };
}

export function messageFrame(t: string, body: unknown): Uint8Array {
  return new Uint8Array(Buffer.concat([encode({ op: 1, t } as never), encode(body as never)]));
}

export function post(text: unknown): Record<string, unknown> {
  return { $type: 'app.bsky.feed.post', text, createdAt: new Date().toISOString() };
}
