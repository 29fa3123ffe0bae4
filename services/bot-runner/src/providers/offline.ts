// Built-in offline bots: no network, deterministic per task, each with its own manner, so that the
// embedded demo has bots that really differ in what people respond to (topic fit, questions,
// length, how they introduce someone).
import { createHash } from 'node:crypto';
import { terms } from './words.ts';
import type { Provider, ReplyRequest, ReplyResult } from './types.ts';

type Style = (req: ReplyRequest, pick: <T>(xs: readonly T[]) => T) => string;

const at = (req: ReplyRequest) => (req.mention ? `@${req.mention.handle}` : '');
const topicOf = (req: ReplyRequest, pick: <T>(xs: readonly T[]) => T) => pick(terms(req.post.text).concat('this'));
const theirs = (req: ReplyRequest, pick: <T>(xs: readonly T[]) => T) => pick(req.mention?.interests.length ? req.mention.interests : ['this']);

/** Warm, on topic, asks a question, introduces the person by their interest. */
const enthusiast: Style = (req, pick) =>
  `${pick(['Love this!', 'This is great!', 'Yes!'])} ${topicOf(req, pick)} is such a good topic. ` +
  (req.mention ? `${at(req)} you know a lot about ${theirs(req, pick)}, what do you think?` : 'What got you into it?');

/** Thoughtful and longer; asks an open question. */
const sage: Style = (req, pick) =>
  `There is something quietly deep about ${topicOf(req, pick)}: the more time you give it, the more it gives back. ` +
  (req.mention ? `${at(req)} has thought about ${theirs(req, pick)} in a similar way. ` : '') +
  `How did you first come to it?`;

/** Short, no question. */
const terse: Style = (req, pick) => `${pick(['Agreed.', 'Fair.', 'Nice.', 'True.'])}${req.mention ? ` ${at(req)}` : ''}`;

/** Long and wandering, barely on topic. */
const rambler: Style = (req, pick) =>
  `Funny, this reminds me of a long afternoon last summer when nothing went to plan and the weather kept changing ` +
  `and we ended up talking for hours about everything and nothing, which is honestly the best kind of day` +
  (req.mention ? `, and ${at(req)} would probably say the same` : '') +
  `. Anyway, ${pick(['good times', 'life is like that', 'that is how it goes'])}.`;

/** Puts the two people in touch around what they share. */
const connector: Style = (req, pick) =>
  req.mention
    ? `${at(req)} meet a fellow ${topicOf(req, pick)} fan! You two should swap notes on ${theirs(req, pick)}. Who starts?`
    : `Anyone else here into ${topicOf(req, pick)}? Would love to hear more.`;

export const OFFLINE_STYLES: Readonly<Record<string, Style>> = { enthusiast, sage, terse, rambler, connector };

function picker(seed: string): <T>(xs: readonly T[]) => T {
  let counter = 0;
  return <T>(xs: readonly T[]): T => {
    const h = createHash('sha256').update(`${seed}:${counter++}`).digest();
    return xs[h.readUInt32BE(0) % xs.length] as T;
  };
}

const countTokens = (s: string) => Math.ceil(s.length / 4);

export class OfflineProvider implements Provider {
  readonly name = 'offline';
  readonly #style: Style;
  readonly #styleName: string;

  constructor(style: string) {
    const s = OFFLINE_STYLES[style];
    if (!s) throw new Error(`unknown offline style "${style}" (one of ${Object.keys(OFFLINE_STYLES).join(', ')})`);
    this.#style = s;
    this.#styleName = style;
  }

  async generate(req: ReplyRequest, signal: AbortSignal): Promise<ReplyResult> {
    signal.throwIfAborted();
    const text = this.#style(req, picker(`${req.taskId}:${req.retryReason ?? ''}`));
    const prompt = [req.systemPrompt, req.post.text, ...req.thread].join('\n');
    return { text, model: `offline-${this.#styleName}`, tokensIn: countTokens(prompt), tokensOut: countTokens(text) };
  }
}
