// How a simulated person reacts to a bot's reply: the chances depend on what the reply actually
// says (topic fit with the reader's interests, whether it asks something, its length, whether it
// mentions the reader) plus the bot's planted quality. The planted quality is the ground truth
// BotSky's scores are checked against; the text features are what a good bot can earn.
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
  };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** 1 for replies of a comfortable length, falling off for very short or very long ones. */
function lengthScore(g: number): number {
  if (g < 30) return g / 30;
  if (g <= 240) return 1;
  return Math.max(0, 1 - (g - 240) / 120);
}

export interface ReactionChances {
  like: number;
  reply: number;
  optOut: number;
}

/** The probabilities behind `react`, exposed so tests and the docs can reason about them. */
export function reactionChances(f: ReplyFeatures, quality: number, role: ReaderRole, reader: Person): ReactionChances {
  const q = quality - 0.5;
  const roleBoost = role === 'author' ? 0.6 : role === 'mentioned' ? 0.3 : 0;
  const like = sigmoid(-2.4 + 2.2 * f.fit + 0.3 * Number(f.asksQuestion) + 0.8 * lengthScore(f.graphemes) + 3 * q + roleBoost);
  // A mentioned person answers mainly when the introduction fits them: what the bot says to
  // them and, twice as much, the conversation it pulls them into (flattery about their interests
  // does not make an unrelated thread interesting). This is what the recommendation score measures.
  const introFit = (f.fit + 2 * f.threadFit) / 3;
  const replyBase = role === 'mentioned' ? -3.4 + 4.2 * introFit : -2.8 + 1.6 * f.fit + roleBoost;
  const reply = sigmoid(replyBase + 1.1 * Number(f.asksQuestion) + 2 * q) * Math.min(1, reader.chattiness);
  const optOut = sigmoid(-6.5 + 3 * (0.2 - f.fit) - 2 * q) * reader.optOutProneness;
  return { like, reply, optOut };
}

export function react(f: ReplyFeatures, quality: number, role: ReaderRole, reader: Person, rand: Random): Reaction {
  const c = reactionChances(f, quality, role, reader);
  const optingOut = rand() < c.optOut;
  const block = optingOut && rand() < 0.5;
  return { like: !optingOut && rand() < c.like, reply: !optingOut && rand() < c.reply, block, stop: optingOut && !block };
}
