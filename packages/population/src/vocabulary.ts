// The built-in topic vocabulary: what simulated people are interested in and write about.
// Words are lower-case single tokens so that overlap can be measured by simple tokenising.

export const TOPICS = {
  music: ['music', 'album', 'song', 'concert', 'guitar', 'vinyl', 'band', 'jazz', 'playlist', 'synth'],
  cooking: ['cooking', 'recipe', 'bread', 'kitchen', 'pasta', 'spices', 'sourdough', 'baking', 'dinner', 'soup'],
  running: ['running', 'marathon', 'trail', 'pace', 'miles', 'sneakers', 'training', 'race', 'stride', 'tempo'],
  gardening: ['garden', 'tomatoes', 'seeds', 'compost', 'soil', 'flowers', 'harvest', 'pruning', 'herbs', 'greenhouse'],
  astronomy: ['telescope', 'stars', 'nebula', 'planets', 'eclipse', 'orbit', 'galaxy', 'moon', 'comet', 'astronomy'],
  programming: ['code', 'rust', 'typescript', 'compiler', 'bug', 'refactor', 'database', 'deploy', 'api', 'programming'],
  films: ['film', 'movie', 'director', 'cinema', 'screenplay', 'trailer', 'festival', 'documentary', 'actor', 'scene'],
  books: ['book', 'novel', 'reading', 'author', 'chapter', 'library', 'poetry', 'fiction', 'memoir', 'bookshop'],
  climbing: ['climbing', 'boulder', 'crag', 'rope', 'belay', 'chalk', 'route', 'summit', 'grip', 'ascent'],
  photography: ['photo', 'camera', 'lens', 'film', 'exposure', 'portrait', 'shutter', 'darkroom', 'aperture', 'light'],
  chess: ['chess', 'opening', 'endgame', 'gambit', 'rook', 'bishop', 'tournament', 'blitz', 'checkmate', 'pawn'],
  cycling: ['cycling', 'bike', 'gravel', 'saddle', 'climb', 'peloton', 'commute', 'wheels', 'cadence', 'ride'],
  gaming: ['game', 'console', 'speedrun', 'indie', 'controller', 'level', 'boss', 'multiplayer', 'pixel', 'quest'],
  coffee: ['coffee', 'espresso', 'roast', 'beans', 'latte', 'grinder', 'pourover', 'barista', 'crema', 'brew'],
  birds: ['birds', 'warbler', 'binoculars', 'migration', 'heron', 'owl', 'feeder', 'birding', 'nest', 'sparrow'],
  history: ['history', 'archive', 'medieval', 'empire', 'museum', 'century', 'manuscript', 'roman', 'dynasty', 'ruins'],
} as const satisfies Record<string, readonly string[]>;

export type Topic = keyof typeof TOPICS;

export const TOPIC_NAMES = Object.keys(TOPICS) as Topic[];

/** Which topics each word belongs to (a word can sit in two, like "film"). */
export const WORD_TOPICS: ReadonlyMap<string, readonly Topic[]> = (() => {
  const m = new Map<string, Topic[]>();
  for (const t of TOPIC_NAMES) for (const w of TOPICS[t]) m.set(w, [...(m.get(w) ?? []), t]);
  return m;
})();

/** Lower-case word tokens of a text (letters and digits, any script). */
export function tokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The topic mix a text talks about: topic → share of its topic words (sums to 1, or empty). */
export function topicsOf(text: string): Map<Topic, number> {
  const counts = new Map<Topic, number>();
  let total = 0;
  for (const w of tokens(text)) {
    const ts = WORD_TOPICS.get(w);
    if (!ts) continue;
    for (const t of ts) counts.set(t, (counts.get(t) ?? 0) + 1 / ts.length);
    total++;
  }
  for (const [t, c] of counts) counts.set(t, c / total);
  return counts;
}
