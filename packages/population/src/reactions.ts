// How a simulated person reacts to a bot's reply: the chances depend on what the reply actually
// says (topic fit with the reader's interests, whether it mentions the reader), on its style
// (length, a question, an emoji, a link) and on the bot's planted quality. The planted quality is
// the ground truth BotSky's scores are checked against; it is drawn independently of the bots'
// styles. The style effect is real (people do like a question or a longer reply) but it is not
// quality, so a ranking that follows style instead of quality is caught; its strength is
// `styleEffect` (1 by default, 0 for none).
import type { Random } from '@botsky/ratings';
import { topicSimilarity, type Person } from './people.ts';
import { topicsOf } from './vocabulary.ts';

export interface ReplyFeatures {
  /** Topic fit between the reply and the reader's interests, 0..1. */
  fit: number;
  /**
   * Topic fit between the post the bot answered and the reader's interests, 0..1: what a
   * mentioned person is being pulled into. The reply's own fit when that post is unknown.
   */
  threadFit: number;
  asksQuestion: boolean;
  /** Length in graphemes. */
  graphemes: number;
  mentionsReader: boolean;
  /** Emoji in the reply. */
  emoji: number;
  /** Links in the reply. */
  links: number;
}

export type ReaderRole = 'author' | 'mentioned' | 'viewer';

export interface Reaction {
  like: boolean;
  reply: boolean;
  /** The reader blocks the bot (and so opts out). */
  block: boolean;
  /** The reader replies "stop" (and so opts out). */
  stop: boolean;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function graphemeLength(text: string): number {
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}

/** `answered`: the text of the post the bot replied to, when known. */
export function replyFeatures(text: string, reader: Person, readerHandle: string, answered?: string): ReplyFeatures {
  const fit = topicSimilarity(topicsOf(text), reader.interests);
  return {
    fit,
    threadFit: answered === undefined ? fit : topicSimilarity(topicsOf(answered), reader.interests),
    asksQuestion: text.includes('?'),
    graphemes: graphemeLength(text),
    mentionsReader: text.toLowerCase().includes(`@${readerHandle.toLowerCase()}`),
    emoji: text.match(/\p{Extended_Pictographic}/gu)?.length ?? 0,
    links: text.match(/https?:\/\/|www\./g)?.length ?? 0,
  };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The population's default strength of the style effect. */
export const DEFAULT_STYLE_EFFECT = 1;

/**
 * What a reply's style alone does to the log-odds of a like: longer is better up to a point
 * (log length, from -0.8 at 15 graphemes to +0.8 at 240 and beyond), a question and an emoji
 * help, a link hurts. Monotone in each feature, as the style covariates assume.
 */
export function styleAppeal(f: ReplyFeatures): number {
  const length = 0.4 * Math.max(-2, Math.min(2, Math.log2(Math.max(1, f.graphemes) / 60)));
  return length + 0.35 * Number(f.asksQuestion) + 0.3 * Math.min(1, f.emoji) - 0.5 * Math.min(1, f.links);
}

export interface ReactionChances {
  like: number;
  reply: number;
  optOut: number;
}

/** The probabilities behind `react`, exposed so tests and the docs can reason about them. */
export function reactionChances(
  f: ReplyFeatures,
  quality: number,
  role: ReaderRole,
  reader: Person,
  styleEffect = DEFAULT_STYLE_EFFECT,
): ReactionChances {
  const q = quality - 0.5;
  const roleBoost = role === 'author' ? 0.6 : role === 'mentioned' ? 0.3 : 0;
  const like = sigmoid(-1.9 + 2.2 * f.fit + styleEffect * styleAppeal(f) + 3 * q + roleBoost);
  // A mentioned person answers mainly when the introduction fits them: what the bot says to
  // them and, twice as much, the conversation it pulls them into (flattery about their interests
  // does not make an unrelated thread interesting). This is what the recommendation score measures.
  const introFit = (f.fit + 2 * f.threadFit) / 3;
  const replyBase = role === 'mentioned' ? -3.4 + 4.2 * introFit : -2.8 + 1.6 * f.fit + roleBoost;
  const reply = sigmoid(replyBase + styleEffect * 1.1 * Number(f.asksQuestion) + 2 * q) * Math.min(1, reader.chattiness);
  const optOut = sigmoid(-6.5 + 3 * (0.2 - f.fit) - 2 * q) * reader.optOutProneness;
  return { like, reply, optOut };
}

export function react(
  f: ReplyFeatures,
  quality: number,
  role: ReaderRole,
  reader: Person,
  rand: Random,
  styleEffect = DEFAULT_STYLE_EFFECT,
): Reaction {
  const c = reactionChances(f, quality, role, reader, styleEffect);
  const optingOut = rand() < c.optOut;
  const block = optingOut && rand() < 0.5;
  return { like: !optingOut && rand() < c.like, reply: !optingOut && rand() < c.reply, block, stop: optingOut && !block };
}
