// The output check: whatever the model says, nothing that breaks BotSky's rules is posted.
// A reply must be at most 300 graphemes, mention exactly the chosen person (or nobody when no one
// was chosen) with a facet resolved to their DID at the right byte offsets, contain no other
// mention, no link unless the bot may post links, and nothing copied from the system prompt.
import { RichText, type Facet } from '@atproto/api';
import { foldForDetection, sanitize } from './sanitize.ts';

export const MAX_GRAPHEMES = 300;

export interface CheckRules {
  mention: { handle: string; did: string } | undefined;
  allowLinks: boolean;
  systemPrompt: string;
  maxGraphemes?: number;
}

export type CheckResult = { ok: true; text: string; facets: Facet[] } | { ok: false; reasons: string[] };

type Detected = { mentions: string[]; links: string[]; facets: Facet[] };

function detect(text: string): Detected {
  const rt = new RichText({ text });
  rt.detectFacetsWithoutResolution();
  const mentions: string[] = [];
  const links: string[] = [];
  for (const f of rt.facets ?? []) {
    for (const feat of f.features) {
      if (feat.$type === 'app.bsky.richtext.facet#mention') mentions.push(String((feat as { did: string }).did).toLowerCase());
      if (feat.$type === 'app.bsky.richtext.facet#link') links.push(String((feat as { uri: string }).uri));
    }
  }
  return { mentions, links, facets: rt.facets ?? [] };
}

const WORDS = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** Six words in a row from the system prompt are a leak (short common phrases are not). */
function leaksPrompt(text: string, prompt: string, n = 6): boolean {
  const p = WORDS(prompt);
  if (p.length < n) return prompt.trim().length > 0 && text.toLowerCase().includes(prompt.trim().toLowerCase());
  const shingles = new Set<string>();
  for (let i = 0; i + n <= p.length; i++) shingles.add(p.slice(i, i + n).join(' '));
  const t = WORDS(text);
  for (let i = 0; i + n <= t.length; i++) if (shingles.has(t.slice(i, i + n).join(' '))) return true;
  return false;
}

/** Anything a person would read as an @mention, even when it is not a valid handle. */
function looseMentions(folded: string): string[] {
  const out: string[] = [];
  for (const m of folded.matchAll(/(?:^|[^\p{L}\p{N}._-])@([\p{L}\p{N}][\p{L}\p{N}._-]*)/gu)) {
    out.push((m[1] as string).replace(/[._-]+$/, '').toLowerCase());
  }
  return out;
}

/**
 * Anything a person could follow as a link even when Bluesky's detector would not link it: a
 * scheme, www., or a name.tld with any Latin top-level domain (.example, .xyz, punycode). A
 * non-Latin TLD is not matched: CJK sentences end in 。 (folded to a dot) with no space after.
 */
function looseLinks(folded: string): string[] {
  const out: string[] = [];
  for (const m of folded.matchAll(
    /[\p{L}][\p{L}\p{N}+.-]*:\/\/\S+|\bwww\.\S+|(?<![@\p{L}\p{N}._-])[\p{L}\p{N}][\p{L}\p{N}-]*(?:\.[\p{L}\p{N}-]+)*\.(?:[a-zA-Z]{2,24}|xn--[a-zA-Z0-9-]+)(?![\p{L}\p{N}])(?:\/\S*)?/gu,
  )) {
    out.push(m[0]);
  }
  return out;
}

function mentionReasons(text: string, seen: Detected, folded: Detected, rules: CheckRules): string[] {
  const want = rules.mention?.handle.toLowerCase();
  const reasons: string[] = [];
  const loose = looseMentions(foldForDetection(text));
  const others = new Set([...seen.mentions, ...folded.mentions, ...loose].filter((m) => m !== want));
  if (others.size > 0) reasons.push(`mentions someone other than the chosen person: ${[...others].join(', ')}`);
  // A chosen person without a verified handle cannot be named: the task is refused, never posted
  // without the mention as if the introduction had been made.
  if (rules.mention && !want) reasons.push('the chosen person has no verified handle to mention');
  const count = seen.mentions.filter((m) => m === want).length;
  if (want && count !== 1) reasons.push(`must mention @${want} exactly once (found ${count})`);
  return reasons;
}

/** The one mention facet, with byte offsets of `@handle` in the UTF-8 text, resolved to the DID. */
function mentionFacets(seen: Detected, rules: CheckRules): Facet[] {
  if (!rules.mention) return [];
  const want = rules.mention.handle.toLowerCase();
  return seen.facets
    .filter((f) =>
      f.features.some((x) => x.$type === 'app.bsky.richtext.facet#mention' && String((x as { did: string }).did).toLowerCase() === want),
    )
    .map((f) => ({ ...f, features: [{ $type: 'app.bsky.richtext.facet#mention', did: rules.mention?.did as string }] }));
}

export function checkReply(raw: string, rules: CheckRules): CheckResult {
  const text = sanitize(raw);
  const reasons: string[] = [];
  const max = rules.maxGraphemes ?? MAX_GRAPHEMES;
  const rt = new RichText({ text });
  if (text.length === 0) reasons.push('empty reply');
  if (rt.graphemeLength > max) reasons.push(`too long: ${rt.graphemeLength} graphemes (at most ${max})`);
  const seen = detect(text);
  const folded = detect(foldForDetection(text));
  reasons.push(...mentionReasons(text, seen, folded, rules));
  const links = new Set([...seen.links, ...folded.links, ...looseLinks(foldForDetection(text))]);
  if (!rules.allowLinks && links.size > 0) reasons.push(`contains links: ${[...links].join(', ')}`);
  if (leaksPrompt(text, rules.systemPrompt)) reasons.push('repeats the system prompt');
  if (reasons.length > 0) return { ok: false, reasons };
  const linkFacets = rules.allowLinks ? seen.facets.filter((f) => f.features.some((x) => x.$type === 'app.bsky.richtext.facet#link')) : [];
  return { ok: true, text, facets: [...mentionFacets(seen, rules), ...linkFacets] };
}
