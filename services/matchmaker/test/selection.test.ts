import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '@botsky/ratings';
import { composePost, generatePopulation, isOnline, react, replyFeatures } from '@botsky/population';
import { BotPicker, InterestProfile, TermStats, chooseCandidate, type Candidate } from '../src/selection/index.ts';

test('interest profiles rank a matching post above an unrelated one', () => {
  const cook = new InterestProfile();
  cook.observe('Baked sourdough bread again, the kitchen smells amazing');
  cook.observe('New pasta recipe with smoked spices');
  assert.ok(
    cook.similarity(InterestProfile.of('Which sourdough recipe do you use?')) >
      cook.similarity(InterestProfile.of('Marathon training pace tips')),
  );
  assert.equal(cook.similarity(new InterestProfile()), 0);
  const copy = InterestProfile.fromJSON(cook.toJSON());
  assert.ok(Math.abs(copy.similarity(cook) - 1) < 1e-9);
});

test('profiles stay bounded and forget old terms first', () => {
  const p = new InterestProfile({ maxTerms: 10, decay: 0.5 });
  for (let i = 0; i < 50; i++) p.observe(`word${i}a word${i}b`);
  assert.equal(p.size, 10);
  assert.ok(p.top(2).every((t) => t.startsWith('word49')));
});

test('the bot picker is balanced, honours exclusions and runs battles at the configured rate', () => {
  const picker = new BotPicker(['a', 'b', 'c', 'd'], 0.2, seededRandom(1));
  let battles = 0;
  for (let i = 0; i < 2000; i++) {
    const pick = picker.pick(i % 10 === 0 ? new Set(['a']) : new Set());
    if (i % 10 === 0) assert.ok(!pick.bots.includes('a'));
    if (pick.battle) {
      battles++;
      assert.equal(new Set(pick.bots).size, 2);
    }
  }
  const counts = [...picker.assignments().values()];
  assert.ok(Math.max(...counts) - Math.min(...counts) <= 2, `counts ${counts}`);
  assert.ok(Math.abs(battles / 2000 - 0.2) < 0.03, `battle rate ${battles / 2000}`);
  assert.deepEqual(new BotPicker(['a'], 1, seededRandom(1)).pick(new Set(['a'])), {
    bots: [],
    battle: false,
    pairProbability: 0,
    sampling: 'uniform',
  });
});

function candidate(did: string, text: string, over: Partial<Candidate> = {}): Candidate {
  return {
    did,
    handle: `${did}.test`,
    profile: InterestProfile.of(text),
    online: true,
    optedIn: true,
    mentionsToday: 0,
    blocks: new Set(),
    ...over,
  };
}

test('candidates exclude the author, the opted out, the offline, the over-limit and those blocking the bot', () => {
  const pool = [
    candidate('author', 'sourdough bread'),
    candidate('out', 'sourdough bread', { optedIn: false }),
    candidate('offline', 'sourdough bread', { online: false }),
    candidate('limit', 'sourdough bread', { mentionsToday: 3 }),
    candidate('blocker', 'sourdough bread', { blocks: new Set(['bot1']) }),
    candidate('fit', 'sourdough bread baking'),
    candidate('unfit', 'chess openings'),
  ];
  const o = {
    botId: 'bot1',
    authorDid: 'author',
    post: InterestProfile.of('my sourdough bread'),
    author: InterestProfile.of('bread'),
    dailyLimit: 3,
    topK: 1,
    rand: seededRandom(2),
  };
  const choice = chooseCandidate(pool, o);
  assert.equal(choice.chosen?.did, 'fit');
  assert.deepEqual(choice.excluded, { author: 1, 'opted-out': 1, offline: 1, 'mention-limit': 1, 'blocks-bot': 1 });
  const none = chooseCandidate(pool.slice(0, 5), o);
  assert.equal(none.chosen, undefined);
  assert.match(none.reason, /no eligible person/);
});

test('introductions chosen by interest are answered at least twice as often as random ones', () => {
  const people = generatePopulation({ size: 300, seed: 31 });
  const rand = seededRandom(32);
  const profiles = people.map((p) => {
    const prof = new InterestProfile();
    for (let i = 0; i < 8; i++) prof.observe(composePost(p, rand).text);
    return prof;
  });
  let matched = 0;
  let random = 0;
  const trials = 600;
  for (let t = 0; t < trials; t++) {
    const author = people[Math.floor(rand() * people.length)];
    assert.ok(author);
    const post = composePost(author, rand).text;
    const minute = t * 7;
    const pool = people.map((p, i) =>
      candidate(`did:${i}`, '', {
        handle: p.name,
        profile: profiles[i] as InterestProfile,
        online: isOnline(p, minute),
        optedIn: p.consent === 'in',
      }),
    );
    const eligible = pool.filter((c) => c.online && c.optedIn && c.did !== `did:${author.index}`);
    const choice = chooseCandidate(pool, {
      botId: 'b',
      authorDid: `did:${author.index}`,
      post: InterestProfile.of(post),
      author: profiles[author.index] as InterestProfile,
      dailyLimit: 99,
      rand,
    });
    const other = eligible[Math.floor(rand() * eligible.length)];
    const intro = (c: Candidate) => `${post} @${c.handle} might have thoughts on this?`;
    const answered = (c: Candidate | undefined) => {
      const person = c && people[Number(c.did.slice(4))];
      return !!person && react(replyFeatures(intro(c), person, c.handle), 0.5, 'mentioned', person, rand).reply;
    };
    if (answered(pool.find((c) => c.did === choice.chosen?.did))) matched++;
    if (answered(other)) random++;
  }
  console.log(`introductions answered: matchmaker ${(matched / trials).toFixed(3)}, random ${(random / trials).toFixed(3)}`);
  assert.ok(matched >= 2 * random, `matched ${matched} vs random ${random}`);
});

test('the random strategy draws among every eligible person, never an excluded one', () => {
  const pool = [
    candidate('author', 'sourdough bread'),
    candidate('out', 'sourdough bread', { optedIn: false }),
    ...Array.from({ length: 6 }, (_, i) => candidate(`p${i}`, i === 0 ? 'sourdough bread baking' : 'chess openings')),
  ];
  const o = {
    botId: 'b',
    authorDid: 'author',
    post: InterestProfile.of('my sourdough bread'),
    author: InterestProfile.of('bread'),
    dailyLimit: 3,
    topK: 1,
    rand: seededRandom(4),
  };
  const drawn = new Map<string, number>();
  for (let i = 0; i < 600; i++) {
    const c = chooseCandidate(pool, { ...o, strategy: 'random' }).chosen?.did ?? 'none';
    drawn.set(c, (drawn.get(c) ?? 0) + 1);
  }
  assert.deepEqual([...drawn.keys()].sort(), ['p0', 'p1', 'p2', 'p3', 'p4', 'p5']);
  assert.ok(
    [...drawn.values()].every((n) => n > 60),
    `draws ${[...drawn.values()]}`,
  );
  assert.equal(chooseCandidate(pool, o).chosen?.did, 'p0');
});

test('term weights make shared rare words count and shared common words not', () => {
  const stats = new TermStats();
  for (let i = 0; i < 50; i++) stats.observe(`what a thing today, number ${i}`);
  stats.observe('sourdough starter thing');
  const post = InterestProfile.of('my sourdough thing today');
  const baker = InterestProfile.of('sourdough loaves');
  const chatter = InterestProfile.of('thing today thing');
  const idf = (t: string) => stats.idf(t);
  assert.ok(chatter.similarity(post) > baker.similarity(post), 'plain cosine favours the common words');
  assert.ok(baker.similarity(post, idf) > chatter.similarity(post, idf), 'weighted, the rare shared word wins');
});

test('term counts stay bounded when every term is common: the rarest go, and halving does not repeat on every post', () => {
  const stats = new TermStats({ maxTerms: 10, halveEvery: 1_000_000 });
  const words = Array.from({ length: 12 }, (_, i) => `word${String.fromCharCode(97 + i)}x`);
  // Twelve common terms, the first ones most common.
  for (let n = 0; n < 200; n++) stats.observe(words.slice(0, 1 + (n % 12)).join(' '));
  const docs = stats.docs;
  for (let n = 0; n < 20; n++) stats.observe(words[0] as string);
  assert.ok(stats.docs >= docs + 20 - 1, `documents keep counting (${docs} then ${stats.docs}), not halved on every post`);
  assert.ok(stats.idf(words[0] as string) < stats.idf(words[11] as string), 'the most common term weighs least');
});
