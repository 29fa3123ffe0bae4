// The one input @atcute/cbor refuses that this package accepts: a map whose keys are not in
// canonical order (which @atproto's own decoder accepts too). Such a value is decoded again with
// cborg, held to the same DAG-CBOR rules otherwise: no indefinite lengths, undefined, NaN or
// infinities, half or single floats, tags other than 42, non-minimal lengths, integers past 2^53,
// duplicate keys or invalid UTF-8. Well-formed firehose data never comes this way.
import { isUtf8 } from 'node:buffer';
import { decode as decodeCid } from '@atcute/cid';
import { type DecodeOptions, type TagDecodeControl, type Token, Tokenizer, Type, decode, decodeFirst } from 'cborg';
import { CidLink } from './cid.ts';
import { DecodeError, garbled, truncated } from './errors.ts';

const ORDER_ERROR = 'map keys are not in canonical order or contain duplicates';

/** Whether @atcute/cbor stopped on key order (or a duplicate key, which cborg then rejects). */
export function isOrderError(err: unknown): boolean {
  return err instanceof TypeError && err.message === ORDER_ERROR;
}

class StrictTokenizer extends Tokenizer {
  override next(): Token {
    const token = super.next();
    if (token.type === Type.float && token.encodedLength !== 9) throw garbled('half or single float (not DAG-CBOR)');
    if (token.type === Type.string && token.byteValue !== undefined && !isUtf8(token.byteValue)) {
      throw garbled('text string is not valid UTF-8');
    }
    return token;
  }
}

function cidLink(decodeContent: TagDecodeControl): CidLink {
  const bytes = decodeContent();
  if (!(bytes instanceof Uint8Array)) throw garbled('tag 42 does not wrap a byte string');
  if (bytes[0] !== 0) throw garbled('tag 42 lacks the 0x00 multibase prefix');
  try {
    return new CidLink(decodeCid(bytes.subarray(1)).bytes);
  } catch (err) {
    throw garbled('tag 42 does not hold a CIDv1', err);
  }
}

const OPTIONS: DecodeOptions = {
  strict: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowNaN: false,
  allowInfinity: false,
  allowBigInt: false,
  useMaps: false,
  rejectDuplicateMapKeys: true,
  retainStringBytes: true,
  tags: { 42: cidLink },
};

/** Decodes the value filling `bytes` (or, with `first`, the value at its start) in any key order. */
export function decodeUnordered(bytes: Uint8Array, first: boolean): { value: unknown; end: number } {
  const options = { ...OPTIONS, tokenizer: new StrictTokenizer(bytes, OPTIONS) };
  try {
    if (!first) return { value: decode(bytes, options), end: bytes.length };
    const [value, rest] = decodeFirst(bytes, options);
    return { value, end: bytes.length - rest.length };
  } catch (err) {
    throw asDecodeError(err);
  }
}

function asDecodeError(err: unknown): DecodeError {
  if (err instanceof DecodeError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/not enough (data|entries)|did not find any content|content missing/.test(message)) {
    return truncated('input ends inside a CBOR value');
  }
  return garbled(`not DAG-CBOR: ${message}`, err);
}
