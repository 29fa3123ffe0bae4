// Field readers for hand-written record checks. Each one checks type, format and the lexicon's
// limits, and throws an 'invalid-record' DecodeError that names the field.
import { CidLink } from './cid.ts';
import { DecodeError } from './errors.ts';
import { graphemesAtMost, isAtUri, isCidString, isDid, parseDatetimeUs, utf8Length } from './syntax.ts';
import type { StrongRef } from './types.ts';

export type LexMap = Record<string, unknown>;

export function invalid(detail: string): DecodeError {
  return new DecodeError('invalid-record', detail);
}

/** A JSON-like object: not an array, a byte string or a CID. */
export function isMap(v: unknown): v is LexMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof CidLink);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof CidLink) return 'cid-link';
  return typeof v;
}

export function checkString(v: unknown, field: string, maxBytes: number, maxGraphemes = 0): string {
  if (typeof v !== 'string') throw invalid(`${field} is ${describe(v)}, not string`);
  // A string of n UTF-16 units takes at most 3n UTF-8 bytes, so short strings skip the count.
  if (v.length * 3 > maxBytes && utf8Length(v) > maxBytes) throw invalid(`${field} is over ${maxBytes} bytes`);
  if (maxGraphemes > 0 && !graphemesAtMost(v, maxGraphemes)) throw invalid(`${field} is over ${maxGraphemes} graphemes`);
  return v;
}

export function optString(rec: LexMap, key: string, maxBytes: number, maxGraphemes = 0): string | null {
  const v = rec[key];
  return v === undefined ? null : checkString(v, key, maxBytes, maxGraphemes);
}

export function checkDatetime(v: unknown, field: string): string {
  if (typeof v !== 'string') throw invalid(`${field} is ${describe(v)}, not a datetime string`);
  if (parseDatetimeUs(v) === null) throw invalid(`${field} is not an atproto datetime`);
  return v;
}

export function checkDid(v: unknown, field: string): string {
  if (typeof v !== 'string') throw invalid(`${field} is ${describe(v)}, not a DID string`);
  if (!isDid(v)) throw invalid(`${field} is not a DID`);
  return v;
}

export function checkAtUri(v: unknown, field: string): string {
  if (typeof v !== 'string') throw invalid(`${field} is ${describe(v)}, not an at-uri string`);
  if (!isAtUri(v)) throw invalid(`${field} is not an at-uri`);
  return v;
}

export function checkInteger(v: unknown, field: string, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalid(`${field} is ${describe(v)}, not integer`);
  if (v < min) throw invalid(`${field} is below ${min}`);
  return v;
}

export function checkMap(v: unknown, field: string): LexMap {
  if (!isMap(v)) throw invalid(`${field} is ${describe(v)}, not object`);
  return v;
}

export function checkArray(v: unknown, field: string, maxLength: number): unknown[] {
  if (!Array.isArray(v)) throw invalid(`${field} is ${describe(v)}, not array`);
  if (v.length > maxLength) throw invalid(`${field} has over ${maxLength} items`);
  return v;
}

/** com.atproto.repo.strongRef */
export function checkStrongRef(v: unknown, field: string): StrongRef {
  const ref = checkMap(v, field);
  const { uri, cid } = ref;
  if (typeof uri !== 'string' || !isAtUri(uri)) throw invalid(`${field}.uri is not an at-uri`);
  if (typeof cid !== 'string' || !isCidString(cid)) throw invalid(`${field}.cid is not a CID string`);
  return { uri, cid };
}

/** The `labels` union of posts and profiles: only com.atproto.label.defs#selfLabels is known. */
export function selfLabels(rec: LexMap): string[] {
  const labels = rec.labels;
  if (labels === undefined) return [];
  const union = checkMap(labels, 'labels');
  // An open union: a variant this code does not know is not an error, just nothing to read.
  if (union.$type !== 'com.atproto.label.defs#selfLabels') return [];
  const values = checkArray(union.values, 'labels.values', 10);
  const out: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const label = checkMap(values[i], `labels.values[${i}]`);
    out.push(checkString(label.val, `labels.values[${i}].val`, 128));
  }
  return out;
}
