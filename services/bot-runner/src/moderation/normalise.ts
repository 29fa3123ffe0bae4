// The forms of a reply the local rules look at. People (and models told to by a post) hide words
// from filters: look-alike letters from other scripts, compatibility forms, digits for letters
// (k1ll), letters spaced out (k y s), stretched letters (diiiie), masks (n*gger). Each form undoes
// some of that; a rule matches when it matches any form. The forms are only ever matched, never
// posted or shown.
import { foldForDetection, sanitize } from '../output/sanitize.ts';

export interface MatchForms {
  /** Letters as written, repeats kept: words whose doubled letters matter (slurs). */
  readonly plain: readonly string[];
  /** Every run of a repeated letter squeezed to one: phrases, written the same way (see squeezeSource). */
  readonly squeezed: readonly string[];
}

// Cyrillic and Greek letters that look like Latin ones, replaced only inside a word that also has
// Latin letters (a mixed-script word is the trick; a Russian sentence is left alone).
const CONFUSABLES: Readonly<Record<string, string>> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ӏ: 'l',
  ɡ: 'g',
  ɩ: 'i',
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
};
const LATIN = /[a-z]/;
const NON_LATIN_LETTER = /[^\P{L}a-z]/u;

// Digits and symbols standing for letters, replaced next to a letter (k1ll, $lut, f4g).
const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
};

function unconfuse(text: string): string {
  return text.replace(/[\p{L}\p{M}]+/gu, (word) =>
    LATIN.test(word) && NON_LATIN_LETTER.test(word) ? [...word].map((c) => CONFUSABLES[c] ?? c).join('') : word,
  );
}

function unleet(text: string): string {
  // '!' and '|' only between two letters: elsewhere they are punctuation.
  return text
    .replace(/(?<=\p{L})[!|](?=\p{L})/gu, (c) => LEET[c] as string)
    .replace(/(?<=\p{L})[013457@$]|[013457@$](?=\p{L})/gu, (c) => LEET[c] as string);
}

/** Lower case, one script, no accents, no apostrophes, masks as `*`, single spaces. */
function base(text: string): string {
  const folded = unconfuse(foldForDetection(sanitize(text)).toLowerCase());
  return unleet(
    folded
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .replace(/['’‘`´ʼ]/g, '')
      .replace(/(?<=\p{L})[*#]+|[*#]+(?=\p{L})/gu, (m) => '*'.repeat(m.length))
      .replace(/_/g, ' '),
  ).replace(/\s+/g, ' ');
}

/** "k y s", "n.i.g.g.e.r": three or more single letters with separators become one word. */
function joinSpelled(text: string): string {
  return text.replace(/(?<![\p{L}\p{N}*])[\p{L}*](?:[\s.~-]+[\p{L}*](?![\p{L}\p{N}*])){2,}/gu, (m) => m.replace(/[\s.~-]+/g, ''));
}

/** "nig-ger", "kill.yourself": separators inside a word go. */
function unsplit(text: string): string {
  return text.replace(/(?<=\p{L})[.~-]+(?=\p{L})/gu, '');
}

export function squeeze(text: string): string {
  return text.replace(/(\p{L})\1+/gu, '$1');
}

export function matchForms(text: string): MatchForms {
  const b = base(text);
  const plain = [...new Set([b, unsplit(joinSpelled(b))])];
  return { plain, squeezed: [...new Set(plain.map(squeeze))] };
}

/**
 * A phrase rule's source with its letters squeezed as the text is ("kill" becomes "kil"), so that
 * rules are written in plain spelling; letters after a backslash (\b, \s) are left alone.
 */
export function squeezeSource(source: string): string {
  let out = '';
  let prevLiteral = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    const escaped = source[i - 1] === '\\' && source[i - 2] !== '\\';
    const literal = !escaped && /[a-z]/.test(c);
    if (literal && c === prevLiteral) continue;
    out += c;
    prevLiteral = literal ? c : '';
  }
  return out;
}
