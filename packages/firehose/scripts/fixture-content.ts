// Seeded, plausible social content for the recorded firehose: posts in a few languages with
// mentions, links, hashtags and emoji, profile texts, and a weighted choice of actions.

/** mulberry32: small, fast, good enough to pick words reproducibly. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** Picks a key with probability proportional to its weight. */
export function weighted<K extends string>(random: Random, weights: Record<K, number>): K {
  const entries = Object.entries(weights) as Array<[K, number]>;
  let x = random() * entries.reduce((sum, [, w]) => sum + w, 0);
  for (const [key, w] of entries) {
    x -= w;
    if (x < 0) return key;
  }
  return entries[entries.length - 1]![0];
}

const OPENERS: Record<string, readonly string[]> = {
  en: [
    'Just finished reading about',
    'Hot take:',
    'Anyone else thinking about',
    'Spent the whole afternoon on',
    'Honest question about',
    'Today I learned something about',
    'Cannot stop thinking about',
  ],
  de: ['Heute habe ich viel über', 'Ehrliche Frage zu', 'Ich denke gerade über', 'Endlich mal Zeit für'],
  pt: ['Alguém mais pensando em', 'Passei a tarde toda com', 'Pergunta sincera sobre', 'Hoje aprendi sobre'],
  ja: ['今日は', '最近ずっと', '正直に言うと', 'やっと'],
};

const TOPICS: Record<string, readonly string[]> = {
  en: [
    'sourdough starters',
    'rust compile times',
    'the new climate report',
    'bird migration',
    'open source funding',
    'sci-fi novels',
    'local elections',
    'espresso ratios',
    'marathon training',
    'LLM evaluation',
  ],
  de: ['Fahrradwege in Berlin', 'die Bahn', 'Sauerteig', 'Open Source', 'Klimapolitik'],
  pt: ['futebol', 'café especial', 'música brasileira', 'programação funcional', 'o clima'],
  ja: ['ラーメン', '桜の季節', '新しいゲーム', '機械学習', '猫の写真'],
};

const CLOSERS: Record<string, readonly string[]> = {
  en: ['What do you all think?', 'Thread below.', 'Not sure how I feel about it.', 'Highly recommend.', 'More on this later.', ''],
  de: ['Was meint ihr?', 'Mehr dazu später.', ''],
  pt: ['O que vocês acham?', 'Recomendo muito.', ''],
  ja: ['について考えています。', 'が大好きです！', 'はどう思いますか？'],
};

const EMOJI = ['🙂', '🔥', '🌱', '☕', '🚲', '📚', '🤖', '🎉', '🏃‍♀️', '👩🏽‍💻', '🇧🇷', '❤️'];
const TAGS = ['ai', 'science', 'books', 'coffee', 'running', 'opensource', 'bluesky', 'photography'];
const LINKS = [
  'https://example.com/articles/2024/field-notes',
  'https://en.wikipedia.org/wiki/Bird_migration',
  'https://github.com/bluesky-social/atproto',
  'https://docs.bsky.app/docs/advanced-guides/firehose',
];

export interface PostText {
  text: string;
  langs: string[];
}

/** A post of 1 to ~280 characters; `handles` are candidates for @mentions. */
export function postText(random: Random, handles: readonly string[]): PostText {
  const lang = pick(random, ['en', 'en', 'en', 'en', 'de', 'pt', 'ja'] as const);
  const topic = pick(random, TOPICS[lang]!);
  const parts =
    lang === 'ja'
      ? [pick(random, OPENERS.ja!) + topic + pick(random, CLOSERS.ja!)]
      : [pick(random, OPENERS[lang]!), `${topic}.`, pick(random, CLOSERS[lang]!)];
  if (random() < 0.35 && handles.length > 0) parts.push(`cc @${pick(random, handles)}`);
  if (random() < 0.15 && handles.length > 1) parts.unshift(`@${pick(random, handles)}`);
  if (random() < 0.25) parts.push(pick(random, LINKS));
  if (random() < 0.3) parts.push(`#${pick(random, TAGS)}`);
  if (random() < 0.4) parts.push(pick(random, EMOJI));
  const text = parts.filter((p) => p !== '').join(' ');
  return { text, langs: random() < 0.9 ? [lang] : [lang, 'en'] };
}

export function replyText(random: Random): PostText {
  const text = pick(random, [
    'Totally agree!',
    'Interesting, I had not thought of it that way.',
    'Source?',
    'This is the way 🙌',
    'Hard disagree, but nicely argued.',
    'Saving this for later 📌',
    'Genau!',
    'Concordo plenamente.',
    'なるほど！',
  ]);
  return { text, langs: [/[ぁ-ん]/.test(text) ? 'ja' : /Genau/.test(text) ? 'de' : /Concordo/.test(text) ? 'pt' : 'en'] };
}

export function profileText(random: Random, bot: boolean): { displayName: string; description: string } {
  const first = pick(random, ['Ada', 'Jonas', 'Mariana', 'Kenji', 'Priya', 'Lena', 'Tomás', 'Yuki', 'Sam']);
  const about = pick(random, [
    'Coffee, code and cycling.',
    'Reading too many books. She/her.',
    'Bird photographer 📷 Views my own.',
    'Researcher in ML evaluation.',
    'Ich baue Dinge mit Holz und Code.',
  ]);
  return bot
    ? { displayName: `${first} (bot) 🤖`, description: `An automated account. ${about} Replies are generated by a language model.` }
    : { displayName: first, description: about };
}

/** A status for a third-party app's collection, which BotSky ignores. */
export function statusEmoji(random: Random): string {
  return pick(random, EMOJI);
}
