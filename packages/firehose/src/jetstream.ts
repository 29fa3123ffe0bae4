// Jetstream events (JSON, one per WebSocket message) into the same normalised events and the
// same rejections as the firehose. Jetstream's cursor is `time_us`, so that is the events' seq.
// Jetstream carries no proofs: its events are as trustworthy as the Jetstream instance.
import { DecodeError } from './errors.ts';
import { type FrameContext, invalidFrame } from './message.ts';
import { type LexMap, isMap } from './record-fields.ts';
import { isCollection, recordEvent } from './records.ts';
import { isCidString, isDid, isHandle, isRecordKey } from './syntax.ts';
import { limitsOf, rejection } from './frame.ts';
import type { Limits } from './commit.ts';
import type { DecodeOptions, DecodeResult, Decoded, NetworkEvent, RecordMeta } from './types.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes one Jetstream message (text, or its UTF-8 bytes). Never throws. */
export function decodeJetstream(input: string | Uint8Array, opts: DecodeOptions = {}): DecodeResult {
  const ctx: FrameContext = { seq: null, did: null };
  try {
    const limits = limitsOf(opts);
    const { value, bytes } = parse(input, limits);
    if (!isMap(value)) throw invalidFrame('message is not an object');
    const did = value.did;
    if (typeof did !== 'string' || !isDid(did)) throw invalidFrame('did is not a DID');
    ctx.did = did;
    const timeUs = value.time_us;
    if (typeof timeUs !== 'number' || !Number.isSafeInteger(timeUs) || timeUs < 0) throw invalidFrame('time_us is not an integer');
    ctx.seq = timeUs;
    switch (value.kind) {
      case 'commit':
        return commitEvent(value.commit, did, timeUs, bytes, limits);
      case 'identity':
        return decoded(timeUs, identityEvent(value.identity, did, timeUs));
      case 'account':
        return decoded(timeUs, accountEvent(value.account, did, timeUs));
      default:
        throw new DecodeError('unknown-type', `kind ${JSON.stringify(value.kind)}`);
    }
  } catch (err) {
    return rejection(err, ctx);
  }
}

function parse(input: string | Uint8Array, limits: Limits): { value: unknown; bytes: number } {
  // A string has at least as many UTF-8 bytes as UTF-16 units: a long one is refused uncounted.
  const bytes = typeof input !== 'string' ? input.length : input.length > limits.maxFrameBytes ? input.length : Buffer.byteLength(input);
  if (bytes > limits.maxFrameBytes) throw new DecodeError('oversized', `message of ${bytes} bytes is over ${limits.maxFrameBytes}`);
  let text: string;
  try {
    text = typeof input === 'string' ? input : utf8.decode(input);
  } catch (err) {
    throw new DecodeError('garbled', 'message is not valid UTF-8', { cause: err });
  }
  try {
    return { value: JSON.parse(text), bytes };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // V8 reports where parsing stopped; stopping at the very end means the text was cut short.
    const at = /position (\d+)/.exec(message);
    const cut = message.includes('end of JSON') || message.includes('Unterminated') || (at !== null && Number(at[1]) >= text.length);
    throw new DecodeError(cut ? 'truncated' : 'garbled', `not JSON: ${message}`, { cause: err });
  }
}

function commitEvent(v: unknown, did: string, timeUs: number, bytes: number, limits: Limits): Decoded {
  if (!isMap(v)) throw invalidFrame('commit is not an object');
  const { rev, operation, collection, rkey } = v;
  if (typeof rev !== 'string') throw invalidFrame('commit.rev is not a string');
  if (typeof collection !== 'string') throw invalidFrame('commit.collection is not a string');
  // As on the firehose, other collections are skipped before anything else about them is read.
  if (!isCollection(collection)) return { ok: true, seq: timeUs, events: [], ignored: 1, rejected: [], notice: null };
  if (typeof rkey !== 'string' || !isRecordKey(rkey)) throw invalidFrame('commit.rkey is not a record key');
  const uri = `at://${did}/${collection}/${rkey}`;
  if (operation === 'delete') {
    return decoded(timeUs, { kind: 'delete', seq: timeUs, did, rev, timeUs, uri, collection });
  }
  if (operation !== 'create' && operation !== 'update') throw invalidFrame(`commit.operation ${JSON.stringify(operation)}`);
  const cid = v.cid;
  if (typeof cid !== 'string' || !isCidString(cid)) throw invalidFrame('commit.cid is not a CID string');
  const meta: RecordMeta = { seq: timeUs, did, rev, timeUs, action: operation as 'create' | 'update', uri, cid };
  try {
    checkRecordSize(v.record, bytes, limits);
    return decoded(timeUs, recordEvent(collection, rkey, v.record, meta));
  } catch (err) {
    // As for a firehose commit: the message is fine, its record is rejected on its own.
    if (!(err instanceof DecodeError)) throw err;
    const rejected = [{ reason: err.reason, detail: err.message, seq: timeUs, did, uri }];
    return { ok: true, seq: timeUs, events: [], ignored: 0, rejected, notice: null };
  }
}

function checkRecordSize(record: unknown, messageBytes: number, limits: Limits): void {
  // The record is most of the message, so only a message over the limit needs measuring.
  if (messageBytes <= limits.maxRecordBytes) return;
  const size = Buffer.byteLength(JSON.stringify(record) ?? '');
  if (size > limits.maxRecordBytes) throw new DecodeError('oversized', `record of ${size} bytes is over ${limits.maxRecordBytes}`);
}

function identityEvent(v: unknown, did: string, timeUs: number): NetworkEvent {
  const body = section(v, 'identity', did);
  const handle = body.handle ?? null;
  if (handle !== null && (typeof handle !== 'string' || !isHandle(handle))) throw invalidFrame('identity.handle is not a handle');
  return { kind: 'identity', seq: timeUs, did, rev: '', timeUs, handle };
}

function accountEvent(v: unknown, did: string, timeUs: number): NetworkEvent {
  const body = section(v, 'account', did);
  if (typeof body.active !== 'boolean') throw invalidFrame('account.active is not a boolean');
  const status = body.status ?? null;
  if (status !== null && (typeof status !== 'string' || status.length > 128)) throw invalidFrame('account.status is not a short string');
  return { kind: 'account', seq: timeUs, did, rev: '', timeUs, active: body.active, status };
}

function section(v: unknown, name: string, did: string): LexMap {
  if (!isMap(v)) throw invalidFrame(`${name} is not an object`);
  if (v.did !== undefined && v.did !== did) throw invalidFrame(`${name}.did is not the message did`);
  return v;
}

function decoded(seq: number, event: NetworkEvent): Decoded {
  return { ok: true, seq, events: [event], ignored: 0, rejected: [], notice: null };
}
