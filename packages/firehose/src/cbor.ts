// A strict, minimal DAG-CBOR decoder: the subset atproto uses (integers up to 2^53, byte and text
// strings, arrays, maps with text keys, tag 42 CIDs, true/false/null, float64). Everything else
// (indefinite lengths, other tags, undefined, half and single floats, non-minimal lengths,
// duplicate keys, invalid UTF-8) is rejected as garbled; running out of input is 'truncated'.
// Byte strings are views into the input, never copies.
import { CidLink, cidEnd } from './cid.ts';
import { garbled, truncated } from './errors.ts';

const MAX_DEPTH = 64;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export class CborReader {
  buf: Uint8Array;
  pos: number;
  end: number;
  #view: DataView | undefined;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  view(): DataView {
    this.#view ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    return this.#view;
  }
}

/** Decodes exactly one value filling `buf[start, end)`; trailing bytes are garbled. */
export function decodeCbor(buf: Uint8Array, start = 0, end = buf.length): unknown {
  const r = new CborReader(buf, start, end);
  const value = readValue(r, 0);
  if (r.pos !== end) throw garbled(`${end - r.pos} trailing bytes after a CBOR value`);
  return value;
}

export function readValue(r: CborReader, depth: number): unknown {
  if (r.pos >= r.end) throw truncated('input ends before a CBOR value');
  const initial = r.buf[r.pos++]!;
  const info = initial & 31;
  switch (initial >>> 5) {
    case 0:
      return readArg(r, info);
    case 1:
      return -1 - readArg(r, info);
    case 2:
      return readBytes(r, readArg(r, info));
    case 3:
      return readString(r, readArg(r, info));
    case 4:
      return readArray(r, readArg(r, info), depth);
    case 5:
      return readMap(r, readArg(r, info), depth);
    case 6:
      return readTag(r, readArg(r, info));
    default:
      return readSimple(r, info);
  }
}

/** Reads the argument of an initial byte; lengths must use their shortest form. */
export function readArg(r: CborReader, info: number): number {
  if (info < 24) return info;
  const buf = r.buf;
  const pos = r.pos;
  let value: number;
  let min: number;
  if (info === 24) {
    need(r, 1);
    value = buf[pos]!;
    min = 24;
    r.pos = pos + 1;
  } else if (info === 25) {
    need(r, 2);
    value = (buf[pos]! << 8) | buf[pos + 1]!;
    min = 0x100;
    r.pos = pos + 2;
  } else if (info === 26) {
    need(r, 4);
    value = buf[pos]! * 0x1000000 + ((buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!);
    min = 0x10000;
    r.pos = pos + 4;
  } else if (info === 27) {
    need(r, 8);
    const hi = buf[pos]! * 0x1000000 + ((buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!);
    if (hi > 0x1fffff) throw garbled('integer beyond 2^53');
    const lo = buf[pos + 4]! * 0x1000000 + ((buf[pos + 5]! << 16) | (buf[pos + 6]! << 8) | buf[pos + 7]!);
    value = hi * 0x100000000 + lo;
    min = 0x100000000;
    r.pos = pos + 8;
  } else {
    throw garbled(info === 31 ? 'indefinite length (not DAG-CBOR)' : `reserved additional info ${info}`);
  }
  if (value < min) throw garbled('non-minimal CBOR length or integer');
  return value;
}

function need(r: CborReader, n: number): void {
  if (r.end - r.pos < n) throw truncated('input ends inside a CBOR value');
}

function readBytes(r: CborReader, length: number): Uint8Array {
  need(r, length);
  const start = r.pos;
  r.pos = start + length;
  return r.buf.subarray(start, start + length);
}

export function readString(r: CborReader, length: number): string {
  need(r, length);
  const buf = r.buf;
  const start = r.pos;
  const stop = start + length;
  r.pos = stop;
  // Most strings in a frame are short ASCII keys and identifiers; building them by hand is
  // several times cheaper than a TextDecoder call.
  if (length <= 24) {
    let s = '';
    for (let i = start; i < stop; i++) {
      const c = buf[i]!;
      if (c > 0x7f) return decodeUtf8(buf, start, stop);
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decodeUtf8(buf, start, stop);
}

function decodeUtf8(buf: Uint8Array, start: number, stop: number): string {
  try {
    return utf8.decode(buf.subarray(start, stop));
  } catch (err) {
    throw garbled('text string is not valid UTF-8', err);
  }
}

function readArray(r: CborReader, count: number, depth: number): unknown[] {
  if (count > r.end - r.pos) throw truncated('array claims more items than bytes left');
  if (depth >= MAX_DEPTH) throw garbled('nesting deeper than 64');
  const out = new Array<unknown>(count);
  for (let i = 0; i < count; i++) out[i] = readValue(r, depth + 1);
  return out;
}

function readMap(r: CborReader, count: number, depth: number): Record<string, unknown> {
  if (count * 2 > r.end - r.pos) throw truncated('map claims more entries than bytes left');
  if (depth >= MAX_DEPTH) throw garbled('nesting deeper than 64');
  const out: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    const key = readKey(r);
    const value = readValue(r, depth + 1);
    // Values are never undefined, so this is cheap; hasOwn only runs for inherited names.
    if (out[key] !== undefined && Object.hasOwn(out, key)) throw garbled(`duplicate map key ${JSON.stringify(key)}`);
    // An own property named __proto__ must not become the object's prototype.
    if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true });
    else out[key] = value;
  }
  return out;
}

export function readKey(r: CborReader): string {
  if (r.pos >= r.end) throw truncated('input ends before a map key');
  const initial = r.buf[r.pos++]!;
  if (initial >>> 5 !== 3) throw garbled('map key is not a text string');
  const length = readArg(r, initial & 31);
  return length <= MAX_INTERNED ? readInternedKey(r, length) : readString(r, length);
}

// Map keys repeat in every frame and record ('seq', 'ops', '$type', 'text', 'createdAt', ...):
// a small direct-mapped table hands back the same string instead of building a new one.
const MAX_INTERNED = 16;
const KEY_SLOTS = 1024;
const keyBytes: Array<Uint8Array | undefined> = new Array<Uint8Array | undefined>(KEY_SLOTS);
const keyStrings: string[] = new Array<string>(KEY_SLOTS);

function readInternedKey(r: CborReader, length: number): string {
  need(r, length);
  const buf = r.buf;
  const start = r.pos;
  let h = length;
  for (let i = start; i < start + length; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  const slot = (h ^ (h >>> 15)) & (KEY_SLOTS - 1);
  const cached = keyBytes[slot];
  if (cached !== undefined && cached.length === length) {
    let i = 0;
    while (i < length && cached[i] === buf[start + i]) i++;
    if (i === length) {
      r.pos = start + length;
      return keyStrings[slot]!;
    }
  }
  const key = readString(r, length);
  keyBytes[slot] = buf.slice(start, start + length);
  keyStrings[slot] = key;
  return key;
}

function readTag(r: CborReader, tag: number): CidLink {
  if (tag !== 42) throw garbled(`CBOR tag ${tag} (DAG-CBOR allows only 42)`);
  if (r.pos >= r.end) throw truncated('input ends inside a CID');
  const initial = r.buf[r.pos++]!;
  if (initial >>> 5 !== 2) throw garbled('tag 42 does not wrap a byte string');
  const bytes = readBytes(r, readArg(r, initial & 31));
  // The byte string is a multibase identity prefix (0x00) followed by the binary CID.
  if (bytes.length < 2 || bytes[0] !== 0) throw garbled('tag 42 lacks the 0x00 multibase prefix');
  if (cidEnd(bytes, 1, bytes.length) !== bytes.length) throw garbled('bytes after the CID in tag 42');
  return new CidLink(bytes.subarray(1));
}

function readSimple(r: CborReader, info: number): boolean | null | number {
  if (info === 20) return false;
  if (info === 21) return true;
  if (info === 22) return null;
  if (info === 27) {
    need(r, 8);
    const value = r.view().getFloat64(r.pos);
    r.pos += 8;
    if (!Number.isFinite(value)) throw garbled('NaN or infinite float (not DAG-CBOR)');
    return value;
  }
  throw garbled(`CBOR simple value ${info} (not DAG-CBOR)`);
}

/** Advances past one value without building it; used to find byte ranges inside a map. */
export function skipValue(r: CborReader, depth: number): void {
  if (r.pos >= r.end) throw truncated('input ends before a CBOR value');
  const initial = r.buf[r.pos++]!;
  const major = initial >>> 5;
  const info = initial & 31;
  if (major === 7) {
    readSimple(r, info);
    return;
  }
  const arg = readArg(r, info);
  if (major === 2 || major === 3) {
    need(r, arg);
    r.pos += arg;
  } else if (major === 4 || major === 5) {
    if (depth >= MAX_DEPTH) throw garbled('nesting deeper than 64');
    const items = major === 5 ? arg * 2 : arg;
    if (items > r.end - r.pos) throw truncated('container claims more items than bytes left');
    for (let i = 0; i < items; i++) skipValue(r, depth + 1);
  } else if (major === 6) {
    readTag(r, arg);
  }
}
