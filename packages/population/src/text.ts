// Post text from a person's interests: short, varied, and made of the vocabulary's words so that
// topic overlap between a post, a reply and a person can be measured.
import type { Random } from '@botsky/ratings';
import type { Person } from './people.ts';
import { TOPICS, type Topic } from './vocabulary.ts';

const TEMPLATES = [
  'Spent the whole morning on {a} and {b}. Worth it.',
  'Hot take: {a} is underrated, and {b} even more so',
  'Anyone else thinking about {a} today? Trying a new {b} thing.',
  'Finally got my {a} sorted. Next up: {b}.',
  'Small win: {a} went well. The {b} part, less so.',
  'Reading up on {a} and {b} tonight',
  'What is your favourite {a}? Mine changes every week, like my {b}.',
  'Three things I love: {a}, {b}, and a quiet evening.',
];

function weightedTopic(interests: ReadonlyMap<Topic, number>, rand: Random): Topic {
  let u = rand();
  for (const [t, w] of interests) {
    u -= w;
    if (u <= 0) return t;
  }
  return interests.keys().next().value as Topic;
}

function word(topic: Topic, rand: Random): string {
  const words = TOPICS[topic];
  return words[Math.floor(rand() * words.length)] as string;
}

/** A post about one or two of the person's interests. */
export function composePost(p: Person, rand: Random): { text: string; topic: Topic } {
  const topic = weightedTopic(p.interests, rand);
  const template = TEMPLATES[Math.floor(rand() * TEMPLATES.length)] as string;
  const text = template.replace('{a}', word(topic, rand)).replace('{b}', word(weightedTopic(p.interests, rand), rand));
  return { text, topic };
}

/** A person's answer in a thread: on their own interest, sometimes a question back. */
export function composeReply(p: Person, rand: Random): string {
  const topic = weightedTopic(p.interests, rand);
  const openers = ['Oh nice,', 'Honestly', 'Ha,', 'Good point:', 'Not sure,', 'Yes!'];
  const opener = openers[Math.floor(rand() * openers.length)] as string;
  const tail = rand() < 0.3 ? ` What got you into ${word(topic, rand)}?` : '';
  return `${opener} ${word(topic, rand)} and ${word(topic, rand)} are my thing.${tail}`;
}
