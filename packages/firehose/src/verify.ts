// Authenticates a #commit frame: the commit block is the CAR's root and hashes to the frame's
// commit CID, it belongs to the frame's repo and rev, and its signature verifies against the
// account's key. The per-op MST proofs are then checked in commit.ts, against `data`.
import { type CarIndex, blockBytes, findBlock } from './car.ts';
import { decodeCbor, encodeCbor } from './cbor.ts';
import { CidLink, cidMatches } from './cid.ts';
import { DecodeError, KeyResolutionError } from './errors.ts';
import type { KeyCache } from './key-cache.ts';
import { type PublicKey, verifySignature } from './keys.ts';
import type { CommitMessage } from './message.ts';
import { isMap } from './record-fields.ts';

interface SignedCommit {
  data: CidLink;
  sig: Uint8Array;
  unsigned: Uint8Array;
}

/** Returns the verified MST root (`data`) of the commit. */
export async function verifyCommit(msg: CommitMessage, car: CarIndex, keys: KeyCache): Promise<CidLink> {
  const commit = readCommit(msg, car);
  let key = await keyFor(keys, msg.repo, false);
  if (key !== null && verifySignature(key, commit.unsigned, commit.sig)) return commit.data;
  // The account may have rotated its key since it was cached: resolve once more, then give up.
  const fresh = await keyFor(keys, msg.repo, true);
  if (fresh === null && key === null) throw new DecodeError('unknown-key', `no signing key for ${msg.repo}`);
  if (fresh !== null && fresh.multikey !== key?.multikey) {
    key = fresh;
    if (verifySignature(key, commit.unsigned, commit.sig)) return commit.data;
  }
  throw new DecodeError('bad-signature', `commit ${msg.commit.toString()} is not signed by ${msg.repo}'s key`);
}

async function keyFor(keys: KeyCache, did: string, refresh: boolean): Promise<PublicKey | null> {
  try {
    return await (refresh ? keys.refresh(did) : keys.get(did));
  } catch (err) {
    if (err instanceof KeyResolutionError) throw new DecodeError('unknown-key', err.message, { cause: err });
    throw err;
  }
}

function readCommit(msg: CommitMessage, car: CarIndex): SignedCommit {
  if (!car.root.equals(msg.commit)) throw badProof('the CAR root is not the frame commit');
  const index = findBlock(car, msg.commit);
  if (index < 0) throw new DecodeError('missing-block', 'the commit block is not in the CAR');
  const bytes = blockBytes(car, index);
  if (!cidMatches(msg.commit.bytes, bytes)) throw badProof('the commit block does not match its CID');
  let value: unknown;
  try {
    value = decodeCbor(bytes);
  } catch (err) {
    throw new DecodeError('bad-proof', 'the commit block is not DAG-CBOR', { cause: err });
  }
  if (!isMap(value)) throw badProof('the commit block is not a map');
  const { did, version, rev, data, sig } = value;
  if (did !== msg.repo) throw badProof(`the commit is for ${String(did)}, not ${msg.repo}`);
  if (version !== 3) throw badProof(`commit version ${String(version)}`);
  if (rev !== msg.rev) throw badProof('the commit rev is not the frame rev');
  if (!(data instanceof CidLink)) throw badProof('the commit has no data CID');
  if (!(sig instanceof Uint8Array)) throw badProof('the commit has no signature');
  // The signed bytes are the canonical encoding of the commit without its `sig` entry, as
  // @atproto/repo computes them.
  const { sig: _sig, ...unsigned } = value;
  return { data, sig, unsigned: encodeCbor(unsigned) };
}

function badProof(detail: string): DecodeError {
  return new DecodeError('bad-proof', detail);
}
