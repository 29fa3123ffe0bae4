// The local rule-based check, which always runs and needs no network: slurs, threats, harassment,
// dehumanising language (lexicon.ts, on the forms of normalise.ts), and personal data the post and
// its thread did not contain (personal-data.ts). The first reason that applies is the verdict.
import { PHRASES, SLURS, type SlurWord } from './lexicon.ts';
import { matchForms, squeezeSource } from './normalise.ts';
import { bringsPersonalData } from './personal-data.ts';
import type { LocalReason } from './reasons.ts';

export interface ModerationInput {
  botId: string;
  /** The reply as it would be posted (after the output check). */
  reply: string;
  /** The post being answered. */
  post: string;
  /** The thread's texts, oldest first. */
  thread: readonly string[];
}

// A space in a phrase: any separator, or none.
const SEP = '[\\s.~-]*';

function slurPattern({ word, notBefore }: SlurWord): RegExp {
  const letters = [...word];
  const middle = letters
    .slice(1, -1)
    .map((c) => `(?:${c}|\\*)+`)
    .join('');
  const tail = notBefore ? `(?!${notBefore})` : '';
  return new RegExp(`(?<![\\p{L}\\p{N}*])${letters[0]}+${middle}${letters.at(-1)}+(?:s|z)?(?![\\p{L}\\p{N}*])${tail}`, 'u');
}

function phrasePattern(source: string): RegExp {
  return new RegExp(squeezeSource(source).replaceAll(' ', SEP), 'u');
}

const SLUR_PATTERNS = SLURS.map(slurPattern);
const PHRASE_PATTERNS = (Object.entries(PHRASES) as Array<[Exclude<LocalReason, 'personal_data'>, readonly string[]]>).map(
  ([reason, sources]) => ({ reason, patterns: sources.map(phrasePattern) }),
);

/** The reason the local rules reject a reply for, or undefined when they pass it. */
export function checkLocal(input: ModerationInput): LocalReason | undefined {
  const forms = matchForms(input.reply);
  if (SLUR_PATTERNS.some((p) => forms.plain.some((f) => p.test(f)))) return 'slur';
  for (const { reason, patterns } of PHRASE_PATTERNS) {
    if (patterns.some((p) => forms.squeezed.some((f) => p.test(f)))) return reason;
  }
  if (bringsPersonalData(input.reply, [input.post, ...input.thread])) return 'personal_data';
  return undefined;
}
