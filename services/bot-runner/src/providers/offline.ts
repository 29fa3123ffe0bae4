// Built-in offline bots: no network, deterministic per task, each with its own manner, so that the
// embedded demo and the validation harness have bots that really differ in how they write.
// A manner is a style (how long, whether it asks something, emoji, how it introduces someone) and
// varies from reply to reply within a bot, as a model's replies do: that variation is what lets
// the style-controlled rating tell a bot's style from its quality. Every manner names the post's
// topic once and, when it introduces someone, one of that person's interests, so no manner is more
// on topic than another; what people think of a bot beyond its style is the planted quality of
// the simulation, never the manner.
import { terms } from './words.ts';
import type { Provider, ReplyRequest, ReplyResult } from './types.ts';

/** Deterministic choices for one reply. */
export interface Chooser {
  pick<T>(xs: readonly T[]): T;
  /** true with probability p */
  chance(p: number): boolean;
}

type Style = (req: ReplyRequest, c: Chooser) => string;

const at = (req: ReplyRequest) => (req.mention ? `@${req.mention.handle}` : '');
const topicOf = (req: ReplyRequest, c: Chooser) => c.pick(terms(req.post.text).concat('this'));
const theirs = (req: ReplyRequest, c: Chooser) => c.pick(req.mention?.interests.length ? req.mention.interests : ['this']);
const emoji = (c: Chooser, p: number) => (c.chance(p) ? ` ${c.pick(['🙂', '🔥', '✨', '🙌', '😄'])}` : '');

/** Sentences any manner may add to a reply, so that every manner writes short and long replies. */
const ASIDES = [
  'It gets better the more you look at it.',
  'Small details make all the difference here.',
  'I have been thinking about this a lot lately.',
  'Everyone comes at it from a different angle.',
  'Some days it clicks and some days it does not.',
];

/** `n` asides, where n is drawn from `counts` (one entry per equally likely count). */
function asides(c: Chooser, counts: readonly number[]): string {
  const n = c.pick(counts);
  let out = '';
  for (let i = 0; i < n; i++) out += ` ${c.pick(ASIDES)}`;
  return out;
}

/** Warm, often an emoji, usually a question; short to medium. */
const enthusiast: Style = (req, c) =>
  `${c.pick(['Love this!', 'This is great!', 'Yes!', 'So good!'])}${emoji(c, 0.6)} ${topicOf(req, c)} is such a good topic.` +
  asides(c, [0, 0, 1, 1, 2]) +
  (req.mention ? ` ${at(req)} you know a lot about ${theirs(req, c)}` : '') +
  (c.chance(0.75) ? (req.mention ? ', what do you think?' : ' What got you into it?') : req.mention ? '.' : ' Keep going.');

const SAGE_OPENINGS = [
  'There is something quietly deep about {t}.',
  'People rush past {t}, but it rewards patience.',
  'I keep coming back to {t}; it looks simple from the outside.',
];

/** Thoughtful and usually long; often an open question, never an emoji. */
const sage: Style = (req, c) =>
  c.pick(SAGE_OPENINGS).replace('{t}', topicOf(req, c)) +
  asides(c, [0, 1, 1, 2, 2]) +
  (req.mention ? ` ${at(req)} has thought about ${theirs(req, c)} in a similar way.` : '') +
  (c.chance(0.6) ? ' How did you first come to it?' : ' It is worth the time.');

/** Mostly short; now and then a question or an emoji, sometimes a second thought. */
const terse: Style = (req, c) =>
  `${c.pick(['Agreed on', 'Fair point on', 'Nice,', 'True about'])} ${topicOf(req, c)}${c.chance(0.2) ? '?' : '.'}${emoji(c, 0.2)}` +
  asides(c, [0, 0, 0, 1, 2]) +
  (req.mention ? ` ${at(req)} likes ${theirs(req, c)}.` : '');

const RAMBLES = [
  'this reminds me of a long afternoon last summer when nothing went to plan',
  'funny how these things go, I was thinking about something similar on a slow train',
  'it takes me back to a weekend once when a small plan turned into a long wander',
];

/** Wandering and usually long; rarely a question. */
const rambler: Style = (req, c) =>
  `About ${topicOf(req, c)}: ${c.pick(RAMBLES)}.` +
  asides(c, [0, 1, 1, 2, 2]) +
  (req.mention ? ` ${at(req)} would probably say the same about ${theirs(req, c)}.` : '') +
  ` Anyway, ${c.pick(['good times', 'life is like that', 'that is how it goes'])}${c.chance(0.2) ? ', right?' : '.'}${emoji(c, 0.1)}`;

/** Puts the two people in touch around what they share; short to medium. */
const connector: Style = (req, c) =>
  (req.mention
    ? `${at(req)} meet a fellow ${topicOf(req, c)} fan!${emoji(c, 0.3)} You two should swap notes on ${theirs(req, c)}.`
    : `Anyone else here into ${topicOf(req, c)}?${emoji(c, 0.3)} Would love to hear more.`) +
  asides(c, [0, 0, 1, 1, 2]) +
  (req.mention && c.chance(0.7) ? ' Who starts?' : '');

export const OFFLINE_STYLES: Readonly<Record<string, Style>> = { enthusiast, sage, terse, rambler, connector };

/** The offline bots' manners, in a fixed order. */
export const OFFLINE_STYLE_NAMES: readonly string[] = Object.keys(OFFLINE_STYLES);

/** Choices seeded by `seed`: the same seed gives the same reply (FNV-1a of the seed, then mulberry32). */
export function chooser(seed: string): Chooser {
  let state = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) state = Math.imul(state ^ seed.charCodeAt(i), 0x01000193) >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return {
    pick: <T>(xs: readonly T[]): T => xs[next() % xs.length] as T,
    chance: (p) => next() / 2 ** 32 < p,
  };
}

/** The reply a style writes for a request, without the provider around it. */
export function offlineReply(style: string, req: ReplyRequest): string {
  const s = OFFLINE_STYLES[style];
  if (!s) throw new Error(`unknown offline style "${style}" (one of ${OFFLINE_STYLE_NAMES.join(', ')})`);
  return s(req, chooser(`${req.taskId}:${req.retryReason ?? ''}`));
}

const countTokens = (s: string) => Math.ceil(s.length / 4);

export class OfflineProvider implements Provider {
  readonly name = 'offline';
  readonly #styleName: string;

  constructor(style: string) {
    if (!OFFLINE_STYLES[style]) throw new Error(`unknown offline style "${style}" (one of ${OFFLINE_STYLE_NAMES.join(', ')})`);
    this.#styleName = style;
  }

  async generate(req: ReplyRequest, signal: AbortSignal): Promise<ReplyResult> {
    signal.throwIfAborted();
    const text = offlineReply(this.#styleName, req);
    const prompt = [req.systemPrompt, req.post.text, ...req.thread.map((t) => t.text)].join('\n');
    return { text, model: `offline-${this.#styleName}`, tokensIn: countTokens(prompt), tokensOut: countTokens(text) };
  }
}
