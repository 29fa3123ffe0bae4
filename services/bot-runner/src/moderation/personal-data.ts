// Personal data a reply brings in: e-mail addresses and phone numbers that neither the post nor
// its thread contained. Repeating what the person wrote themselves is fine ("write to me at ...");
// a model that produces someone's address from elsewhere, or makes one up, is not.
//
// Phone numbers are told from other numbers by shape: 10-15 digits, or 9 with a leading 0, or 8
// and more after a `+`; separators may be spaces, dots, hyphens and brackets, never commas or
// colons (prices, times, scores and dates have those, or fewer digits). Not phone numbers: a
// number grouped in thousands (1 234 567 890), a decimal, an IP address, an ISBN, a list of
// years, a date followed by a serial, groups of four (tickets, cards), a round number
// (10000000000), toll-free lines (1-800..., 0800...), which are businesses'. Known gap: a list
// of single digits ("0 1 2 3 4 5 6 7 8 9") reads as a spaced-out number.
import { foldForDetection, sanitize } from '../output/sanitize.ts';

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
// "ben at example dot com" (the bracketed "(at)" and "[dot]" are folded before): only as a whole address.
const SPOKEN_EMAIL =
  /([\p{L}\p{N}._%+-]+)\s+at\s+([\p{L}\p{N}-]+)\s+dot\s+(com|org|net|io|co|uk|de|fr|es|it|nl|edu|gov|me|app|dev|info|biz)(?![\p{L}\p{N}])/giu;
const PHONE_SPAN = /(?<![\p{L}\p{N}.,:/])[+(]?\d(?:[\d()\s.-]*\d)?(?![\p{N}]|[.,:/]\d)/gu;

/** Every decimal digit as ASCII (Arabic-Indic, Devanagari, fullwidth...), so none hides a number. */
export function asciiDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, (d) => {
    const cp = d.codePointAt(0) as number;
    let zero = cp;
    while (zero > cp - 9 && /\p{Nd}/u.test(String.fromCodePoint(zero - 1))) zero--;
    return String(cp - zero);
  });
}

function prepared(text: string): string {
  return asciiDigits(foldForDetection(sanitize(text))).replace(/\s*[[({]\s*at\s*[\])}]\s*/gi, '@');
}

export function emailsIn(text: string): Set<string> {
  const t = prepared(text);
  const out = new Set<string>();
  for (const m of t.matchAll(EMAIL)) out.add(m[0].toLowerCase().replace(/^[._%+-]+|[._%+-]+$/g, ''));
  for (const m of t.matchAll(SPOKEN_EMAIL)) out.add(`${m[1]}@${m[2]}.${m[3]}`.toLowerCase());
  return out;
}

function isPhone(span: string): boolean {
  const digits = span.replace(/\D/g, '');
  const n = digits.length;
  const groups = span
    .replace(/^[+(]+/, '')
    .split(/[()\s.-]+/)
    .filter(Boolean);
  const seps = new Set(span.replace(/^[+(]/, '').match(/[()\s.-]/g) ?? []);
  if (n > 15) return false;
  if (span.startsWith('+')) return n >= 8;
  if (n < 9 || (n === 9 && !digits.startsWith('0'))) return false;
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(span)) return false;
  if (/^\d+\.\d+$/.test(span)) return false;
  if (n === 13 && /^97[89]/.test(digits)) return false; // an ISBN
  if (
    seps.size === 1 &&
    !seps.has('(') &&
    groups.length > 1 &&
    (groups[0]?.length ?? 0) <= 3 &&
    groups.slice(1).every((g) => g.length === 3)
  )
    return false;
  if (groups.length > 1 && groups.every((g) => /^(?:18|19|20|21)\d\d$/.test(g))) return false;
  if (/^(?:19|20)\d\d[-./](?:0[1-9]|1[0-2])[-./]\d\d/.test(span)) return false; // a date, then a serial
  if (groups.length >= 3 && groups.every((g) => g.length === 4)) return false; // a ticket or card-like code
  if (groups.length === 1 && /0{4,}$/.test(digits)) return false;
  return !isTollFree(digits);
}

function isTollFree(digits: string): boolean {
  return /^1?8(?:00|33|44|55|66|77|88)\d{7}$/.test(digits) || /^0?80[08]\d{6,7}$/.test(digits);
}

/** Phone numbers as their last 9 digits, so "+44 20 7946 0958" and "020 7946 0958" are one. */
export function phonesIn(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of prepared(text).matchAll(PHONE_SPAN)) {
    const span = m[0].trim();
    if (isPhone(span)) out.add(span.replace(/\D/g, '').slice(-9));
  }
  return out;
}

/** True when the reply has an e-mail address or phone number that none of `context` has. */
export function bringsPersonalData(reply: string, context: readonly string[]): boolean {
  const emails = emailsIn(reply);
  const phones = phonesIn(reply);
  if (emails.size === 0 && phones.size === 0) return false;
  const known = context.join('\n');
  const knownEmails = emailsIn(known);
  const knownPhones = phonesIn(known);
  return [...emails].some((e) => !knownEmails.has(e)) || [...phones].some((p) => !knownPhones.has(p));
}
