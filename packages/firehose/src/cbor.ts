// DAG-CBOR through @atcute/cbor (issue 12: the hand-written decoder was not 3x faster than it; see
// bench/decoders.bench.ts). This module fixes what callers see, as before the switch: links are
// CidLink, byte strings are Uint8Array views into the input (never copies), nesting deeper than 64
// is garbled, and every failure is a DecodeError, 'truncated' when the input runs out and
// 'garbled' for anything DAG-CBOR forbids (indefinite lengths, tags other than 42, undefined, half
// and single floats, NaN, non-minimal lengths, integers past 2^53, duplicate keys, bad UTF-8).
import { BytesWrapper, CidLinkWrapper, decode, decodeFirst, encode, toBytes } from '@atcute/cbor';
import { CidLink } from './cid.ts';
import { DecodeError, garbled, truncated } from './errors.ts';
import { decodeUnordered, isOrderError } from './cbor-unordered.ts';

const MAX_DEPTH = 64;

/** Decodes exactly one value filling `bytes`; trailing bytes are garbled. */
export function decodeCbor(bytes: Uint8Array): unknown {
  let value: unknown;
  try {
    value = decode(bytes);
  } catch (err) {
    value = retryUnordered(err, bytes);
  }
  return fromLibrary(value, 0);
}

/** Decodes the value at the start of `buf`; returns it and the bytes after it. */
export function decodeCborFirst(buf: Uint8Array): { value: unknown; rest: Uint8Array } {
  try {
    const [value, rest] = decodeFirst(buf);
    return { value: fromLibrary(value, 0), rest };
  } catch (err) {
    if (err instanceof DecodeError || !isOrderError(err)) throw asDecodeError(err);
    const { value, end } = decodeUnordered(buf, true);
    return { value: fromLibrary(value, 0), rest: buf.subarray(end) };
  }
}

/** The canonical DAG-CBOR encoding of a value in this module's types (CidLink, Uint8Array). */
export function encodeCbor(value: unknown): Uint8Array {
  return encode(toLibrary(value) as never);
}

// @atcute/cbor rejects maps whose keys are out of canonical order; this package has always
// accepted them, as @atproto's own decoder does, so those inputs are decoded again without
// that one check.
function retryUnordered(err: unknown, bytes: Uint8Array): unknown {
  if (!isOrderError(err)) throw asDecodeError(err);
  return decodeUnordered(bytes, false).value;
}

function asDecodeError(err: unknown): DecodeError {
  if (err instanceof DecodeError) return err;
  const message = err instanceof Error ? err.message : String(err);
  // The library's one message for running out of input; everything else is a rule broken.
  if (message === 'unexpected end of input') return truncated('input ends inside a CBOR value');
  if (message === 'decoded value contains remainder') return garbled('trailing bytes after a CBOR value');
  return garbled(`not DAG-CBOR: ${message}`, err);
}

/** Turns the library's wrappers into this package's types, in place, and bounds the nesting. */
function fromLibrary(v: unknown, depth: number): unknown {
  if (typeof v !== 'object' || v === null) return v;
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    if (depth >= MAX_DEPTH) throw garbled('nesting deeper than 64');
    const map = v as Record<string, unknown>;
    for (const key in map) {
      const x = map[key];
      if (typeof x === 'object' && x !== null) map[key] = fromLibrary(x, depth + 1);
    }
    return map;
  }
  if (proto === Array.prototype) {
    if (depth >= MAX_DEPTH) throw garbled('nesting deeper than 64');
    const list = v as unknown[];
    for (let i = 0; i < list.length; i++) {
      const x = list[i];
      if (typeof x === 'object' && x !== null) list[i] = fromLibrary(x, depth + 1);
    }
    return list;
  }
  if (v instanceof CidLinkWrapper) return new CidLink(v.bytes);
  if (v instanceof BytesWrapper) return v.buf;
  return v; // already converted (a CidLink or Uint8Array from the unordered path)
}

function toLibrary(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (v instanceof CidLink) return new CidLinkWrapper(v.bytes);
  if (v instanceof Uint8Array) return toBytes(v);
  if (Array.isArray(v)) return v.map(toLibrary);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toLibrary(x)]));
}
