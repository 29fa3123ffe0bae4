import { seededRandom } from '@botsky/ratings';
import { composePost, generatePopulation, topicsOf, topicSimilarity, reactionChances, replyFeatures } from '@botsky/population';
import { terms } from '../../bot-runner/src/providers/words.ts';
const people = generatePopulation({ size: 30, seed: 1 });
const rand = seededRandom(5);
let withTopic = 0, n = 0, best = 0, rnd = 0, bestAny=0;
for (let i = 0; i < 3000; i++) {
  const a = people[Math.floor(rand() * people.length)]!;
  const post = composePost(a, rand).text;
  const ts = terms(post).concat('this');
  const w = ts[Math.floor(rand() * ts.length)]!;
  const text = `Love this! ${w} is such a good topic. @x.test you know a lot about this, what do you think?`;
  if (topicsOf(text).size > 0) withTopic++;
  n++;
  const others = people.filter((p) => p !== a);
  const ch = (p: typeof a) => reactionChances(replyFeatures(text, p, 'x.test'), 0.5, 'mentioned', p).reply;
  // oracle: the person whose interests best fit the post
  const ranked = others.map((p) => [topicSimilarity(topicsOf(post), p.interests), p] as const).sort((x, y) => y[0] - x[0]);
  best += ch(ranked[0]![1]);
  rnd += ch(others[Math.floor(rand() * others.length)]!);
}
console.log({ withTopic: withTopic / n, oracle: best / n, random: rnd / n });
