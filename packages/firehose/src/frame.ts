// Entry points for subscribeRepos frames. Whatever the bytes, these return a result: every
// failure becomes a typed rejection, and nothing is thrown.
import { indexCar } from './car.ts';
import { type Limits, type Proof, commitEvents, keptOps } from './commit.ts';
import { DecodeError } from './errors.ts';
import type { KeyCache } from './key-cache.ts';
import { type FrameContext, type Message, parseMessage } from './message.ts';
import { verifyCommit } from './verify.ts';
import type { DecodeOptions, DecodeResult, Decoded, Rejected } from './types.ts';

export interface VerifyOptions extends DecodeOptions {
  /** Signing keys by DID; see createKeyCache. */
  keys: KeyCache;
}

export const DEFAULT_MAX_FRAME_BYTES = 5 * 1024 * 1024;
export const DEFAULT_MAX_RECORD_BYTES = 100 * 1024;

export function limitsOf(opts: DecodeOptions): Limits {
  return {
    maxFrameBytes: opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    maxRecordBytes: opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
  };
}

/** Decodes one frame without checking signatures (trusting the relay, as most consumers do). */
export function decodeFrame(bytes: Uint8Array, opts: DecodeOptions = {}): DecodeResult {
  const ctx: FrameContext = { seq: null, did: null };
  try {
    const limits = limitsOf(opts);
    const msg = readFrame(bytes, limits, ctx);
    if (msg.type !== 'commit') return otherEvents(msg);
    const { kept, ignored } = keptOps(msg);
    return commitEvents(msg, kept, ignored, limits, null);
  } catch (err) {
    return rejection(err, ctx);
  }
}

/**
 * Decodes one frame and authenticates its commits: the commit signature against the account's
 * key, and every kept op against the commit's MST. Commits with nothing BotSky keeps are not
 * verified, and cost no key lookup.
 */
export async function decodeFrameVerified(bytes: Uint8Array, opts: VerifyOptions): Promise<DecodeResult> {
  const ctx: FrameContext = { seq: null, did: null };
  try {
    const limits = limitsOf(opts);
    const msg = readFrame(bytes, limits, ctx);
    if (msg.type !== 'commit') return otherEvents(msg);
    const { kept, ignored } = keptOps(msg);
    if (kept.length === 0) return commitEvents(msg, kept, ignored, limits, null);
    const car = indexCar(msg.blocks);
    const proof: Proof = { car, data: await verifyCommit(msg, car, opts.keys), nodes: new Map() };
    return commitEvents(msg, kept, ignored, limits, proof);
  } catch (err) {
    return rejection(err, ctx);
  }
}

function readFrame(bytes: Uint8Array, limits: Limits, ctx: FrameContext): Message {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError('garbled', 'a frame must be bytes');
  if (bytes.length > limits.maxFrameBytes) {
    throw new DecodeError('oversized', `frame of ${bytes.length} bytes is over ${limits.maxFrameBytes}`);
  }
  return parseMessage(bytes, ctx);
}

function otherEvents(msg: Exclude<Message, { type: 'commit' }>): Decoded {
  switch (msg.type) {
    case 'identity': {
      const { seq, did, timeUs, handle } = msg;
      return decoded(seq, [{ kind: 'identity', seq, did, rev: '', timeUs, handle }], 0);
    }
    case 'account': {
      const { seq, did, timeUs, active, status } = msg;
      return decoded(seq, [{ kind: 'account', seq, did, rev: '', timeUs, active, status }], 0);
    }
    case 'sync':
      // A #sync resets the repo to a commit; nothing in it is an event BotSky keeps.
      return decoded(msg.seq, [], 1);
    case 'info':
    case 'error':
      return {
        ok: true,
        seq: null,
        events: [],
        ignored: 0,
        rejected: [],
        notice: { kind: msg.type, name: msg.name, message: msg.message },
      };
  }
}

function decoded(seq: number, events: Decoded['events'], ignored: number): Decoded {
  return { ok: true, seq, events, ignored, rejected: [], notice: null };
}

export function rejection(err: unknown, ctx: FrameContext): Rejected {
  if (err instanceof DecodeError) return { ok: false, reason: err.reason, detail: err.message, seq: ctx.seq, did: ctx.did, uri: null };
  // Not a failure this package foresaw (a RangeError from a hostile length, say): still a
  // rejection, never a crash, and the detail says what happened.
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { ok: false, reason: 'garbled', detail: detail.slice(0, 200), seq: ctx.seq, did: ctx.did, uri: null };
}
