// String formats from the atproto lexicon spec, checked with anchored regular expressions (cheap
// next to the generic validator) plus the length limits the spec sets. The DID syntax is the one
// every service shares (@botsky/contracts).
import { isDid } from '@botsky/contracts/syntax';

export { isDid };
const HANDLE = /^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
const RKEY = /^[a-zA-Z0-9._:~-]{1,512}$/;
const TID = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/;
const NSID = /^[a-zA-Z]([a-zA-Z0-9-]{0,62})?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,62})?)+$/;
const AT_URI = /^at:\/\/[a-zA-Z0-9._:%-]+(\/[a-zA-Z0-9.-]+(\/[a-zA-Z0-9._:~-]+)?)?(#\/[^\s]*)?$/;
const URI = /^\w+:(?:\/\/)?[^\s/][^\s]*$/;
const CID = /^[a-zA-Z0-9+=]{8,256}$/;
// As permissive as the lexicon validator's BCP 47 check (any case, legacy and private-use forms):
// a post must not be dropped for a language tag the reference accepts.
const LANGUAGE = /^([a-zA-Z]{2,8}|[a-zA-Z](?=-))(-[a-zA-Z0-9]{1,8})*$/;

export const isHandle = (s: string): boolean => s.length <= 253 && HANDLE.test(s);
export const isRecordKey = (s: string): boolean => RKEY.test(s) && s !== '.' && s !== '..';
export const isTid = (s: string): boolean => TID.test(s);
export const isNsid = (s: string): boolean => s.length <= 317 && NSID.test(s);
export const isAtUri = (s: string): boolean => s.length <= 8192 && AT_URI.test(s);
export const isUri = (s: string): boolean => s.length <= 8192 && URI.test(s);
export const isCidString = (s: string): boolean => CID.test(s);
export const isLanguage = (s: string): boolean => s.length <= 128 && LANGUAGE.test(s);

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Digits of s[from, from + n) as a number, or -1 when one is not a digit. */
function digits(s: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Parses an atproto datetime (RFC 3339: 'YYYY-MM-DDTHH:MM:SS', optional fraction, then 'Z' or
 * '+HH:MM') into microseconds since the epoch; null when it is not one. Fractions beyond
 * microseconds are dropped. Hand-written: two datetimes per record make a regex and a Date
 * allocation show up in profiles.
 */
export function parseDatetimeUs(s: string): number | null {
  const n = s.length;
  if (n < 20 || n > 64) return null;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const sec = digits(s, 17, 2);
  if (s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':' || s[16] !== ':') return null;
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60) return null;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > DAYS_IN_MONTH[mo - 1]! + (mo === 2 && leap ? 1 : 0)) return null;
  let i = 19;
  let micros = 0;
  if (s[i] === '.') {
    const from = ++i;
    for (; i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57; i++) if (i - from < 6) micros = micros * 10 + s.charCodeAt(i) - 48;
    const count = i - from;
    if (count === 0 || count > 20) return null;
    for (let k = count; k < 6; k++) micros *= 10;
  }
  const offsetMinutes = zoneMinutes(s, i);
  if (offsetMinutes === null) return null;
  let ms = Date.UTC(y, mo - 1, d, h, mi, sec);
  if (y < 100) ms = new Date(ms).setUTCFullYear(y); // Date.UTC reads 0..99 as 1900..1999
  return (ms - offsetMinutes * 60_000) * 1000 + micros;
}

/** 'Z' or '+HH:MM' / '-HH:MM' ending the string at `i`; '-00:00' (unknown offset) is refused. */
function zoneMinutes(s: string, i: number): number | null {
  if (s[i] === 'Z') return i + 1 === s.length ? 0 : null;
  const sign = s[i] === '+' ? 1 : s[i] === '-' ? -1 : 0;
  if (sign === 0 || i + 6 !== s.length || s[i + 3] !== ':') return null;
  const hh = digits(s, i + 1, 2);
  const mm = digits(s, i + 4, 2);
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || (sign < 0 && hh === 0 && mm === 0)) return null;
  return sign * (hh * 60 + mm);
}

const segmenter = new Intl.Segmenter();

/** UTF-8 length of a string without encoding it. */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    // 2 bytes below U+0800, 3 for the rest of the BMP; a surrogate pair is 4 bytes for 2 units.
    n += c < 0x800 ? 1 : c >= 0xd800 && c <= 0xdbff ? 1 : c >= 0xdc00 && c <= 0xdfff ? 1 : 2;
  }
  return n;
}

/** Whether a string has at most `max` graphemes; only segments when the cheap bound fails. */
export function graphemesAtMost(s: string, max: number): boolean {
  // Every grapheme takes at least one UTF-16 unit, so a short string cannot have too many.
  if (s.length <= max) return true;
  let count = 0;
  for (const _ of segmenter.segment(s)) if (++count > max) return false;
  return true;
}
