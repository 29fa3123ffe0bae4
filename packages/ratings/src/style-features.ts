// What a reply looks like to the style covariates of `bradleyTerryStyle`, and the differences
// between the two replies of a battle that the model regresses on.

export const STYLE_FEATURES = ['length', 'question', 'emoji', 'link', 'mentions', 'latency'] as const;
export type StyleFeature = (typeof STYLE_FEATURES)[number];

/** What a reply looks like, as the style covariates see it. */
export interface ReplyStyle {
  graphemes: number;
  questions: number;
  emoji: number;
  links: number;
  mentions: number;
  latencySeconds: number;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
// A link as people type them: a scheme, or a bare www. host; "https://www.x" is one link.
const LINK = /\b(?:https?:\/\/|www\.)\S+/giu;
// A mention as Bluesky's facet detection finds one: '@' at the start or after a space or '(',
// then a handle with at least one dot (so e-mail addresses and "@ 5pm" are not mentions).
const MENTION = /(?:^|[\s(])@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+/giu;

/**
 * Features of a reply text (graphemes via Intl.Segmenter, '?' count, emoji by
 * \p{Extended_Pictographic}, http(s):// or www. links, @handle mentions) plus the seconds from the
 * post to the reply. An emoji is a grapheme that contains a pictograph, so a ZWJ sequence (a
 * family, a flag-like combination) counts once, as the reader sees it. Negative latencies (clock
 * skew between the post's and the reply's timestamps) count as 0.
 */
export function styleOf(text: string, latencySeconds: number): ReplyStyle {
  const [graphemes, emoji] = simpleGraphemes(text) ?? segmentedGraphemes(text);
  let questions = 0;
  for (let i = text.indexOf('?'); i !== -1; i = text.indexOf('?', i + 1)) questions++;
  return {
    graphemes,
    questions,
    emoji,
    links: text.match(LINK)?.length ?? 0,
    mentions: text.match(MENTION)?.length ?? 0,
    latencySeconds: Math.max(0, latencySeconds),
  };
}

function segmentedGraphemes(text: string): [number, number] {
  let graphemes = 0;
  let emoji = 0;
  for (const { segment } of segmenter.segment(text)) {
    graphemes++;
    if (PICTOGRAPHIC.test(segment)) emoji++;
  }
  return [graphemes, emoji];
}

/**
 * The common case without Intl.Segmenter (which costs microseconds a reply): printable ASCII
 * and lone pictographs, each one grapheme. Anything else (a combining mark, a joiner, a variation
 * selector, a modifier, another script, a line break) returns undefined, for the segmenter.
 */
function simpleGraphemes(text: string): [number, number] | undefined {
  let graphemes = 0;
  let emoji = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) {
      graphemes++;
      continue;
    }
    if (c < 0xd800 || c > 0xdbff) return undefined;
    const cp = text.codePointAt(i) as number;
    const next = text.charCodeAt(i + 2);
    if (cp < 0x1f000 || !PICTOGRAPHIC.test(String.fromCodePoint(cp)) || next === 0x200d || next === 0xfe0f || next === 0xd83c)
      return undefined;
    graphemes++;
    emoji++;
    i++;
  }
  return [graphemes, emoji];
}

/** (x_a − x_b)/(x_a + x_b): scale-free, in [−1, 1], 0 when both are 0. */
function normalisedDifference(xa: number, xb: number): number {
  const sum = xa + xb;
  return sum > 0 ? (xa - xb) / sum : 0;
}

/**
 * The raw covariate of a battle for one feature, before standardisation: normalised differences
 * for counts, the difference of indicators for link presence, the difference of log(1 + seconds)
 * for latency (waiting grows in felt cost more slowly than linearly).
 */
export function featureDifference(feature: StyleFeature, a: ReplyStyle, b: ReplyStyle): number {
  switch (feature) {
    case 'length':
      return normalisedDifference(a.graphemes, b.graphemes);
    case 'question':
      return normalisedDifference(a.questions, b.questions);
    case 'emoji':
      return normalisedDifference(a.emoji, b.emoji);
    case 'mentions':
      return normalisedDifference(a.mentions, b.mentions);
    case 'link':
      return Number(a.links > 0) - Number(b.links > 0);
    case 'latency':
      return Math.log1p(Math.max(0, a.latencySeconds)) - Math.log1p(Math.max(0, b.latencySeconds));
  }
}

/**
 * Every feature's raw covariate of a battle, in the order of STYLE_FEATURES, into `out` from
 * `off`: what featureDifference gives feature by feature, at a sixth of its cost over a million
 * battles.
 */
export function styleDifferences(a: ReplyStyle, b: ReplyStyle, out: Float64Array, off: number): void {
  out[off] = normalisedDifference(a.graphemes, b.graphemes);
  out[off + 1] = normalisedDifference(a.questions, b.questions);
  out[off + 2] = normalisedDifference(a.emoji, b.emoji);
  out[off + 3] = Number(a.links > 0) - Number(b.links > 0);
  out[off + 4] = normalisedDifference(a.mentions, b.mentions);
  out[off + 5] = Math.log1p(Math.max(0, a.latencySeconds)) - Math.log1p(Math.max(0, b.latencySeconds));
}
